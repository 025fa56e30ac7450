"""The low floor: what every layer uses, importing no other floor.

- :mod:`.checkpoint_loading`: reading checkpoints (``state_dict``, DDP
  wrapper prefixes) and loading them strictly into an inference model;
- :mod:`.training_parts`: the one list of training-only model parts, and
  dropping them from a model config;
- :mod:`.output_size`: one scale, a scale per axis or an exact size turned
  into an exact output ``(H, W)``;
- :mod:`.output_paths`: ``tools/upsample.py``'s output file per input,
  checked before any work;
- :mod:`.cli_checks`: the tools' checks of flag values and paths, made
  after parsing (one line naming the flag);
- :mod:`.test_sets`: the test bases' loaders and metrics (DIV2K,
  CelebA-HQ), one builder that ``configs/liifgan/_base_/`` call;
- :mod:`.benchmark_setup`: the benchmark tools' start-up and timing;
- :mod:`.setup_env`: ``register_all_modules``, as every OpenMMLab package
  has one (``mmengine.hub.get_model('liifgan_mm::...')`` calls
  ``liifgan_mm.utils.register_all_modules``).
"""
from .setup_env import register_all_modules

__all__ = ['register_all_modules']
