# A control for the LIIF-GAN row's last leg: the equal-budget run
# (liifgan_edsr-c64b16_1xb8-official-ft-grid-eq_photos.py) from the same
# start and schedule, without the latent-grid L1
# (model.train_cfg.latent_grid_weight=0, the paper's losses). What the
# loss does in that leg, measured on val: docs/cpu_recipe.md.
_base_ = './liifgan_edsr-c64b16_1xb8-official-ft-grid-eq_photos.py'
experiment_name = 'liifgan_edsr-c64b16_1xb8-official-ft-grid-eq-nogrid_photos'
work_dir = f'./work_dirs/{experiment_name}'
model = dict(train_cfg=dict(latent_grid_weight=0.0))
