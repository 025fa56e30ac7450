"""Publish a trained checkpoint as a small generator-only file (mmagic's
``tools/model_converters/publish_model.py``, plus fp16 storage).

    python tools/publish_model.py work_dirs/X/iter_750.pth checkpoints/x.pth

Keeps ``generator.*`` of ``state_dict`` (with EMAHook these are the averaged
weights), drops the training-only parts (the package's one list,
``liifgan_mm.utils.training_parts.TRAIN_ONLY``: discriminator, VGG, losses;
the strict loader skips the same), optimizer states and the message hub,
stores floats as fp16 (``--fp32`` to keep them) and prints the file's
sha256. mmengine's ``load_checkpoint`` loads it into an fp32 model as usual
(``mim test --checkpoint``, ``tools/benchmark_table.py``). The model variant
recorded by ``SafeCheckpointHook`` is kept. An existing ``dst`` is replaced
only with ``--overwrite`` (never ``src``); the file is written by rename.

``--with-discriminator`` keeps ``discriminator.*`` too (fp16): what a GAN
fine-tune needs to go on in a later session without its 100+ MB training
checkpoint (``load_from=`` that file, fresh Adam states; docs/cpu_recipe.md).
"""
import argparse
import hashlib
import os
from pathlib import Path


def publish(src, dst, fp16=True, discriminator=False):
    """Write the generator-only (or generator + discriminator) checkpoint;
    returns its sha256."""
    import torch  # after argparse: --help answers at once

    from liifgan_compat.checkpoint import allow_mmengine_checkpoints
    allow_mmengine_checkpoints()  # mmengine's message hub, weights_only
    from liifgan_mm.utils.checkpoint_loading import without_training_parts
    from liifgan_mm.utils.training_parts import top_part
    ckpt = torch.load(src, map_location='cpu', weights_only=True)
    # the package's one list of training-only parts (TRAIN_ONLY)
    state = without_training_parts(
        ckpt['state_dict'], keep=('discriminator', ) if discriminator else ())
    if not any(top_part(k) == 'generator' for k in state):
        raise ValueError(f'{src}: no generator.* weights')
    state = {k: (v.half() if fp16 and v.is_floating_point() else v)
             for k, v in state.items()}
    meta = {k: ckpt.get('meta', {}).get(k)
            for k in ('iter', 'epoch', 'seed', 'model_variant')
            if k in ckpt.get('meta', {})}
    meta['source'] = Path(src).name
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    tmp = f'{dst}.tmp'  # complete or absent under its final name
    try:
        torch.save(dict(meta=meta, state_dict=state), tmp)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return hashlib.sha256(Path(dst).read_bytes()).hexdigest()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('src')
    p.add_argument('dst')
    p.add_argument('--fp32', action='store_true')
    p.add_argument('--with-discriminator', action='store_true',
                   help='keep the discriminator too (to go on training)')
    p.add_argument('--overwrite', action='store_true',
                   help='replace an existing dst')
    args = p.parse_args(argv)
    if not Path(args.src).is_file():
        p.error(f'src: no such file: {args.src}')
    if Path(args.dst).resolve() == Path(args.src).resolve():
        p.error(f'dst {args.dst} is src: not overwriting it')
    if Path(args.dst).exists() and not args.overwrite:
        p.error(f'dst {args.dst} exists: pass --overwrite to replace it')
    sha = publish(args.src, args.dst, fp16=not args.fp32,
                  discriminator=args.with_discriminator)
    size = Path(args.dst).stat().st_size / 2**20
    print(f'{args.dst}: {size:.2f} MB, sha256 {sha}')
    return sha


if __name__ == '__main__':
    main()
