# LIIF-GAN-S (one decoder), the GPU run of the published photos-paper
# models: the 1xb8 recipe at batch 64 on one GPU (an H200, three runs
# sharing it, 2026-11-30), stopped by wall clock; docs/cpu_recipe.md
# "GPU run". Training crops: python docs/gpu_run/make_crops.py
# data/photos/train data/photos/train_crops256 (256-px JPEG q95 crops).
_base_ = './liifgan-s_edsr-c64b16_1xb8-official-ft_photos.py'
experiment_name = 'liifgan-s_edsr-c64b16_1xb64-official-ft_photos'
work_dir = f'./work_dirs/{experiment_name}'
train_dataloader = dict(batch_size=64, num_workers=4, dataset=dict(
    data_root='data/photos/train_crops256'))
train_cfg = dict(max_iters=1924)
param_scheduler = dict(milestones=[1924])  # constant learning rate
