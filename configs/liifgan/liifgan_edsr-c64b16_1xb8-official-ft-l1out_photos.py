# LIIF-GAN, paper size: the 1xb8 official-LIIF fine-tune recipe plus an L1
# on the output D1.detach() + D2 for decoder 2 (train_cfg.
# output_pixel_weight=1, as -S's single decoder has; decoder 1 keeps its
# own L1 and gets no gradient from it). A deviation from the paper (eq. 5
# gives decoder 2 GAN and VGG losses only): on the photos recipe's short
# runs decoder 2 drew a pattern on the latent grid (tools/latent_grid.py:
# x4 RMS 3.8 levels after 394 GAN iterations at batch 64 and growing,
# -S 0.6, LIIF 0), docs/cpu_recipe.md.
# Goes on from the published GPU-run file (generator and discriminator):
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan_edsr-c64b16_1xb8-official-ft-l1out_photos'
work_dir = f'./work_dirs/{experiment_name}'
load_from = 'checkpoints/photos-paper/liifgan.pth'
model = dict(
    train_cfg=dict(output_pixel_weight=1.0),
    generator=dict(warm_start=None))
