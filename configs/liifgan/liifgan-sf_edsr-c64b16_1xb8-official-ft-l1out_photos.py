# LIIF-GAN-SF, paper size: the 1xb8 official-LIIF fine-tune recipe plus the
# L1 on the output D1.detach() + D2 for decoder 2 that LIIF-GAN's l1out
# config adds (train_cfg.output_pixel_weight=1; same rules for both
# two-decoder rows; a deviation from the paper, docs/cpu_recipe.md).
# Goes on from the published GPU-run file (generator and discriminator):
_base_ = './liifgan-sf_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-sf_edsr-c64b16_1xb8-official-ft-l1out_photos'
work_dir = f'./work_dirs/{experiment_name}'
load_from = 'checkpoints/photos-paper/liifgan-sf.pth'
model = dict(
    train_cfg=dict(output_pixel_weight=1.0),
    generator=dict(warm_start=None))
