# The CPU recipe, LIIF-GAN-S: one decoder on the last-layer feature, all
# losses on it; starts at the small LIIF's output (warm start).
_base_ = './liifgan_edsr-c32b8_1xb8-750it_photos.py'
experiment_name = 'liifgan-s_edsr-c32b8_1xb8-750it_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(generator=dict(mid_block=None, head=dict(dual=False)))
