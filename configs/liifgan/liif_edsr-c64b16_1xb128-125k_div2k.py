# LIIF baseline in LIIF-GAN's setting (paper Sec. 4.1: "the experimental
# setting of the LIIF is the same as the LIIF-GAN, except for the model
# architecture"): the same EDSR-baseline encoder, data, RGS patches, batch,
# schedule and test protocol, with one LIIF decoder on the last-layer feature
# trained by L1 only (no discriminator, no perceptual loss). Its checkpoint
# warm-starts the GAN configs (`warm_start`, see liifgan_net.py).
_base_ = './liifgan_edsr-c64b16_1xb128-125k_div2k.py'
experiment_name = 'liif_edsr-c64b16_1xb128-125k_div2k'
work_dir = f'./work_dirs/{experiment_name}'
# L1 only: the best checkpoint by validation PSNR
default_hooks = dict(checkpoint=_base_.l1_best)
model = dict(
    generator=dict(mid_block=None, head=dict(dual=False)),
    discriminator=None, perceptual_loss=None, gan_loss=None)
optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    generator=dict(type='SkipNonFiniteOptimWrapper',
                   optimizer=dict(type='Adam', lr=1e-4)))
