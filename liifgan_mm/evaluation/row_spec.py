"""Rows of the comparison table: a name, a config and a checkpoint.

On the command line a row is ``NAME`` (Bicubic only), ``NAME=CONFIG`` or
``NAME=CONFIG:CHECKPOINT``; ``CONFIG`` may be an mmagic package config such
as ``mmagic::edsr/edsr_x4c64b16_1xb16-300k_div2k.py``. A rows file (YAML or
JSON) is a list of ``{name, config, checkpoint, gan, cfg_options}``.

A row counts as a GAN model (marked separately in the table, as the paper
colours the best GAN scores red) when its config has a discriminator
(ESRGAN, Real-ESRGAN, LIIF-GAN*), unless ``gan`` says otherwise.
"""
import copy
import hashlib
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Optional

from mmengine.config import Config
from mmengine.fileio import load
from mmengine.utils import get_installed_path

PAPER_ROWS = ('Bicubic', 'EDSR(x4)', 'ESRGAN(x4)', 'Real-ESRGAN(x4)', 'LIIF',
              'LIIF-GAN-S', 'LIIF-GAN-SF', 'LIIF-GAN')
PAPER_GAN_ROWS = frozenset(
    ('ESRGAN(x4)', 'Real-ESRGAN(x4)', 'LIIF-GAN-S', 'LIIF-GAN-SF',
     'LIIF-GAN'))


@dataclass
class RowSpec:
    """One method to evaluate.

    Attributes:
        name (str): row label (``'LIIF-GAN'``).
        config (str, optional): model config; None means bicubic.
        checkpoint (str, optional): weights; None keeps the random init
            (tests only: a warning is printed).
        gan (bool, optional): GAN model? None: has a discriminator.
        cfg_options (dict): overrides merged into the config.
    """
    name: str
    config: Optional[str] = None
    checkpoint: Optional[str] = None
    gan: Optional[bool] = None
    cfg_options: dict = field(default_factory=dict)

    @property
    def is_bicubic(self):
        return self.config is None

    def load_config(self):
        """The row's :class:`Config` (None for bicubic)."""
        if self.is_bicubic:
            return None
        return load_config(self.config, self.cfg_options)

    def is_gan(self, cfg=None):
        """GAN row? ``gan`` if given, else whether there is a discriminator."""
        if self.gan is not None:
            return bool(self.gan)
        if self.is_bicubic:
            return False
        cfg = cfg or self.load_config()
        return bool(cfg.model.get('discriminator'))

    def signature(self, cfg=None):
        """Digest of what decides this row's outputs (model config text,
        checkpoint path/size/mtime); a cache made under another one is
        stale. ``cfg``: the already loaded :meth:`load_config` (else it is
        loaded here)."""
        sig = dict(name=self.name, kind='bicubic')
        if not self.is_bicubic:
            if cfg is None:
                cfg = self.load_config()
            model = cfg.model.to_dict()
            sig = dict(name=self.name, model=model)
            if self.checkpoint:
                ckpt = osp.abspath(self.checkpoint)
                stat = os.stat(ckpt) if osp.exists(ckpt) else None
                sig['checkpoint'] = [ckpt, stat and stat.st_size,
                                     stat and int(stat.st_mtime)]
        text = json.dumps(sig, sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


def resolve_config_path(path):
    """``'mmagic::edsr/x.py'`` -> the file in mmagic's ``.mim/configs``."""
    if '::' not in path:
        return path
    package, rel = path.split('::', 1)
    return osp.join(get_installed_path(package), '.mim', 'configs', rel)


def load_config(path, cfg_options=None):
    """Load a config file (``package::path`` allowed) with overrides."""
    cfg = Config.fromfile(resolve_config_path(path))
    if cfg_options:
        cfg.merge_from_dict(copy.deepcopy(cfg_options))
    return cfg


def parse_row(text):
    """``'NAME'``, ``'NAME=CONFIG'`` or ``'NAME=CONFIG:CHECKPOINT'``.

    The checkpoint starts after the first ``.py:``, so ``mmagic::`` configs
    and ``:`` in checkpoint paths work.
    """
    if '=' not in text:
        if text.strip().lower() != 'bicubic':
            raise ValueError(f'row {text!r}: give NAME=CONFIG[:CHECKPOINT] '
                             '(only Bicubic needs no config)')
        return RowSpec(name=text.strip())
    name, rest = (s.strip() for s in text.split('=', 1))
    cut = rest.find('.py:')
    if cut < 0:
        return RowSpec(name=name, config=rest)
    return RowSpec(name=name, config=rest[:cut + 3],
                   checkpoint=rest[cut + 4:] or None)


def load_rows_file(path):
    """Rows from a YAML/JSON list of dicts (keys as :class:`RowSpec`)."""
    items = load(path)
    if not isinstance(items, list):
        raise ValueError(f'{path}: expected a list of rows')
    return [RowSpec(**item) for item in items]


def check_unique(rows):
    names = [r.name for r in rows]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f'duplicate row names: {sorted(dup)}')
    return rows


def paper_order(rows):
    """Rows named as in the paper in the paper's order, then the others in
    the given order."""
    rank = {name: i for i, name in enumerate(PAPER_ROWS)}
    return sorted(rows, key=lambda r: rank.get(r.name, len(rank)))
