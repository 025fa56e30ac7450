# The README's main job (tools/demo.py): a small LIIF-GAN trained for a few
# minutes on CPU on the photos that ship in the installed wheels
# (liifgan_mm.datasets.demo_photos), tested at the paper's 9 scales.
# Same model family as the paper config, scaled down: EDSR c32b8 (mid tap
# after block 4), 3-layer 128-wide decoders, batch 8, 300 iterations.
_base_ = '../liifgan_edsr-c64b16_1xb128-125k_div2k.py'
experiment_name = 'liifgan_edsr-c32b8_1xb8-300it_photos'
work_dir = f'./work_dirs/{experiment_name}'
demo_root = './work_dirs/demo_data'

model = dict(
    generator=dict(
        encoder=dict(mid_channels=32, num_blocks=8),
        mid_block=4,
        head=dict(decoder=dict(hidden_list=[128, 128]), eval_bsize=65536)),
    discriminator=dict(mid_channels=32))
train_dataloader = dict(
    batch_size=8, num_workers=2,
    dataset=dict(data_root=demo_root + '/train'))
val_dataloader = dict(dataset=dict(data_root=demo_root + '/test'))
train_cfg = dict(max_iters=300, val_interval=300)
param_scheduler = dict(milestones=[200])
default_hooks = dict(checkpoint=dict(interval=300),
                     logger=dict(interval=20))
