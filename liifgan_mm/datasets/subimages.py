"""Training tiles: photos cut into sub-images (mmagic's DIV2K "sub")."""
from pathlib import Path


def write_subimages(src_dir, dst_dir, crop=480, step=240, progress=None):
    """Tile every PNG of ``src_dir`` into ``crop``-px sub-images ``step`` px
    apart (mmagic's DIV2K "sub" protocol) in ``dst_dir``: training reads
    small files instead of decoding 2040-px photos per sample. Idempotent;
    tiles of photos no longer in ``src_dir`` are removed.

    ``progress``: optional wrapper of the sorted source file list (e.g.
    ``tqdm``) to show progress.

    Returns:
        int: the number of tiles.
    """
    import cv2
    src_dir, dst_dir = Path(src_dir), Path(dst_dir)
    dst_dir.mkdir(parents=True, exist_ok=True)
    wanted = set()
    files = sorted(src_dir.glob('*.png'))
    for f in (progress(files) if progress else files):
        done = dst_dir / f'{f.stem}.tiles'
        if done.exists():
            wanted.update(done.read_text().split())
            wanted.add(done.name)
            continue
        img = cv2.imread(str(f), cv2.IMREAD_UNCHANGED)
        h, w = img.shape[:2]
        ys = sorted({*range(0, max(h - crop, 0) + 1, step), max(h - crop, 0)})
        xs = sorted({*range(0, max(w - crop, 0) + 1, step), max(w - crop, 0)})
        names = []
        for i, y in enumerate(ys):
            for j, x in enumerate(xs):
                name = f'{f.stem}_s{i:02d}{j:02d}.png'
                cv2.imwrite(str(dst_dir / name), img[y:y + crop, x:x + crop])
                names.append(name)
        done.write_text('\n'.join(names))
        wanted.update(names)
        wanted.add(done.name)
    for f in dst_dir.iterdir():
        if f.name not in wanted:
            f.unlink()
    return sum(1 for f in dst_dir.glob('*.png'))
