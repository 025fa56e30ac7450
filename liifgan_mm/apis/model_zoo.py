"""The model zoo as OpenMMLab's ``model-index.yml`` lists it.

``model-index.yml`` imports metafiles (``configs/liifgan/metafile.yml``);
each ``Models`` entry has a ``Name`` and a ``Config``, and a shipped or
published model also ``Weights`` (a repo-relative file, a
``liifgan_mm://`` file shipped in the package, or a URL). A row
added there shows up here (and in ``liifgan-web``) with no code change.

Nothing is downloaded: a URL counts only when a file of the same name is
already in one of the ``weight_dirs`` (e.g. torch's hub cache, where
``mim download`` or ``load_checkpoint`` put it).
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Optional

import yaml

from liifgan_compat.shipped_weights import shipped_path


@dataclass
class ZooModel:
    """One ``Models`` entry with weights.

    Attributes:
        name (str): its ``Name`` (unique in the index).
        config (str): absolute config path.
        source (str): ``Weights`` as the metafile writes it.
        weights (str, optional): the local weights file; None when not
            here (``reason`` says why).
        reason (str): why it cannot run ('' when it can).
    """
    name: str
    config: str
    source: str
    weights: Optional[str] = None
    reason: str = ''

    @property
    def available(self):
        return self.weights is not None


def read_model_index(index, root=None):
    """Every ``Models`` entry of ``index`` (model-index.yml or a metafile)
    and of the metafiles it imports, in order, with ``Config``/``Weights``
    made absolute: OpenMMLab writes them relative to the repo root, the
    folder of the top ``index`` (or ``root``). URLs stay as they are."""
    root = root or osp.dirname(osp.abspath(index))
    with open(index) as f:
        data = yaml.safe_load(f) or {}
    models = []
    for entry in data.get('Models') or []:
        entry = dict(entry)
        for key in ('Config', 'Weights'):
            if entry.get(key) and not _is_url(entry[key]):
                entry[key] = osp.join(root, entry[key])
        models.append(entry)
    for sub in data.get('Import') or []:
        models += read_model_index(osp.join(root, sub), root)
    return models


def _is_url(path):
    return '://' in str(path)


def default_weight_dirs():
    """Where downloaded weights already are: torch's hub cache."""
    home = os.environ.get('TORCH_HOME') or osp.join(
        os.environ.get('XDG_CACHE_HOME', osp.expanduser('~/.cache')), 'torch')
    return [osp.join(home, 'hub', 'checkpoints')]


def find_weights(source, weight_dirs=()):
    """``(path, reason)``: the local file for a ``Weights`` value, or None
    and why not (never a download)."""
    if not _is_url(source):
        if osp.isfile(source):
            return source, ''
        found = _in_dirs(osp.basename(source), weight_dirs)
        return (found, '') if found else (
            None, f'weights file {source} is missing')
    found = shipped_path(source) or _in_dirs(  # liifgan_mm://: in the package
        osp.basename(source.split('?')[0]), weight_dirs)
    if found:
        return found, ''
    where = ', '.join(weight_dirs) or 'no weight folder given'
    return None, (f'weights not downloaded ({source}; looked in {where}): '
                  'nothing is downloaded here')


def _in_dirs(name, dirs):
    for d in dirs:
        path = osp.join(d, name)
        if osp.isfile(path):
            return path
    return None


def zoo_models(index, weight_dirs=None):
    """The entries of ``index`` that have ``Weights``, in index order, as
    :class:`ZooModel` (available or not). ``weight_dirs``: folders to look
    in for a URL's (or a missing file's) name; default
    :func:`default_weight_dirs`."""
    dirs = default_weight_dirs() if weight_dirs is None else [
        str(d) for d in weight_dirs]
    out = []
    for entry in read_model_index(index):
        if not entry.get('Weights') or not entry.get('Config'):
            continue
        path, reason = find_weights(entry['Weights'], dirs)
        out.append(ZooModel(entry['Name'], entry['Config'], entry['Weights'],
                            path, reason))
    return out
