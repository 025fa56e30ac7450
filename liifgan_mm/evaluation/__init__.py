"""Evaluation: the LPIPS metric (:mod:`.metrics`, registered in mmagic's
METRICS) and the continuous-scale benchmark behind
``tools/benchmark_table.py`` / ``tools/upsample.py``:

- :mod:`.continuous_protocol`: input/GT making (DIV2K, CelebA-HQ) and the
  fixed-scale (x4 model) protocol;
- :mod:`.row_spec`, :mod:`.upsamplers` (loading through
  :mod:`liifgan_mm.utils.checkpoint_loading`): table
  rows -> bicubic or mmagic models from config + checkpoint, loaded
  strictly (``build_model``/``build_upsampler``, shared by every tool);
- :mod:`.image_io`: listing, reading and saving images (every tool);
- :mod:`.image_metrics`, :mod:`.result_cache`, :mod:`.benchmark`: metrics,
  resumable per-row cache, the images x scales loop;
- :mod:`.table`, :mod:`.paper_reference`, :mod:`.plots`, :mod:`.report`:
  CSV/Markdown/LaTeX tables, the paper's numbers, figures.

Only :mod:`.metrics` is imported here (the rest on demand: matplotlib and
friends stay out of training processes).
"""
from . import metrics  # noqa: F401
