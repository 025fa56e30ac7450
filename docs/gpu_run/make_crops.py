"""The training crops carried to the device (the whole carried tree must fit
in 64 MiB): 256-px random crops of the photo set's train photos, 2-6 per
photo by size, JPEG q95 4:4:4 (1057 crops, 28.6 MB).

python docs/gpu_run/make_crops.py [SRC=data/photos/train] [DST=.gpu/data/train]
"""
import glob
import os
import random
import sys

import cv2


def main(src='data/photos/train', dst='.gpu/data/train'):
    random.seed(0)
    os.makedirs(dst, exist_ok=True)
    n = 0
    for f in sorted(glob.glob(os.path.join(src, '*'))):
        im = cv2.imread(f, cv2.IMREAD_COLOR)
        h, w = im.shape[:2]
        if min(h, w) < 256:
            continue
        for _ in range(min(6, max(2, (h * w) // (512 * 512) + 2))):
            y, x = random.randint(0, h - 256), random.randint(0, w - 256)
            cv2.imwrite(os.path.join(dst, f'{n:04d}.jpg'),
                        im[y:y + 256, x:x + 256],
                        [cv2.IMWRITE_JPEG_QUALITY, 95,
                         cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
                         cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444])
            n += 1
    print(n, 'crops in', dst)


if __name__ == '__main__':
    main(*sys.argv[1:])
