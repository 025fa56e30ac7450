"""bf16 decoding: every path switched, close to fp32, one-line fallback."""
import pytest
import torch

from liifgan_mm.models.editors.liifgan import precision as prec
from tests.models.editors.liifgan.test_tiled_encoder import _generator

# measured on these inputs (random weights, max |fp32| 0.24 and 1.3): max
# |bf16 - fp32| 4.3e-3 and 5.4e-3 relative to max |fp32|, every path; 4x
TOL = 2e-2
needs_bf16 = pytest.mark.skipif(not prec.bf16_supported('cpu'),
                                reason='CPU without native bf16')


@pytest.fixture
def calls(monkeypatch):
    """Counts the bf16 tail's calls (the switch reached the path)."""
    n = [0]
    orig = prec.LowPrecisionTail.__call__

    def counted(self, *a, **k):
        n[0] += 1
        return orig(self, *a, **k)

    monkeypatch.setattr(prec.LowPrecisionTail, '__call__', counted)
    return n


def _paths(gen, x, size):
    """Output of each decoding path: plain/fast x query points/whole grid,
    and the tiled encoder."""
    from liifgan_mm.models.editors.liifgan.grid_query import grid_coords
    head = gen.head
    coord, cell = (t.expand(x.shape[0], -1, -1) for t in grid_coords(size))
    out = {}
    with torch.no_grad():
        for fast in (True, False):
            name = 'fast' if fast else 'plain'
            head.fast = fast
            d1, d2 = gen(x, coord, cell, test_mode=True)
            out[name + '_query'] = head.combine(d1, d2)
            out[name + '_grid'] = gen(x, size=size)
        head.fast = True
        gen.encoder_tile = 5
        out['tiled_encoder'] = gen(x, size=size)
        gen.encoder_tile = None
    return out


@needs_bf16
@pytest.mark.parametrize('variant', ['', '-s'])
def test_bf16_close_to_fp32_on_every_path(mm, variant, calls):
    gen = _generator(mm, variant)
    x = torch.randn(2, 3, 11, 13)
    size = (29, 35)
    ref = _paths(gen, x, size)
    assert calls[0] == 0  # fp32 (the default) never runs the bf16 tail
    gen.head.precision = 'bf16'
    low = _paths(gen, x, size)
    branches = 2 if gen.head.dual else 1
    # fast/plain query: per branch; grids: per branch per tile/chunk
    assert calls[0] >= 5 * branches
    for name, out in low.items():
        assert out.dtype == torch.float32
        scale = ref[name].abs().max().item()
        err = (out - ref[name]).abs().max().item()
        assert 0 < err <= TOL * scale, (name, err, scale)
    # the paths agree with each other in bf16 as in fp32
    assert (low['fast_grid'] - low['tiled_encoder']).abs().max() <= 1e-5
    assert (low['plain_grid'] - low['fast_grid']).abs().max() <= \
        2 * TOL * ref['fast_grid'].abs().max()


def test_training_ignores_precision(mm, calls):
    gen = _generator(mm)
    gen.head.precision = 'bf16'
    x = torch.randn(1, 3, 6, 6)
    coord = torch.rand(1, 20, 2) * 2 - 1
    cell = torch.full((1, 20, 2), 0.1)
    d1, _ = gen(x, coord, cell)  # training forward: grad on
    d1.sum().backward()
    assert calls[0] == 0 and d1.dtype == torch.float32


def test_bad_precision_refused(mm):
    gen = _generator(mm)
    with pytest.raises(ValueError, match='precision must be one of'):
        gen.head.precision = 'int8'


@pytest.fixture
def no_bf16(monkeypatch):
    """A CPU without bf16 (the capability check mocked)."""
    monkeypatch.setattr(prec, 'bf16_supported', lambda device='cpu': False)
    monkeypatch.setattr(prec, '_told', set())


def test_fallback_prints_one_line_and_decodes_fp32(mm, no_bf16, capsys,
                                                   calls):
    gen = _generator(mm)
    x = torch.randn(1, 3, 7, 9)
    with torch.no_grad():
        ref = gen(x, size=(20, 21))
        gen.head.precision = 'bf16'
        out = gen(x, size=(20, 21))
        again = gen(x, size=(20, 21))
    assert torch.equal(out, ref) and torch.equal(again, ref)
    assert calls[0] == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1  # once per process, not per call
    assert 'bf16' in err[0] and 'avx512_bf16' in err[0] and 'fp32' in err[0]


def test_fallback_refused_when_strict(mm, no_bf16):
    gen = _generator(mm)
    gen.head.precision = 'bf16'
    gen.head.precision_fallback = False
    with torch.no_grad(), pytest.raises(RuntimeError, match='bf16 refused'):
        gen(torch.randn(1, 3, 5, 5), size=(9, 9))


def test_capability_check_reads_cpu_flags(tmp_path):
    info = tmp_path / 'cpuinfo'
    info.write_text('processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 '
                    'avx512_vnni\n')
    assert {'avx512_bf16', 'avx512_vnni'} <= prec.cpu_flags(str(info))
    assert prec.cpu_flags(str(tmp_path / 'missing')) == set()


def test_sampling_stays_fp32_for_bf16_features():
    """Under bf16 autocast the features are bf16: the nearest-latent
    lookup must not round coordinates to bf16 (wrong latents beyond 256)."""
    from liifgan_mm.models.editors.liifgan.fast_query import nearest_latent
    h, w = 300, 700
    pts = torch.rand(1, 5000, 2) * 2 - 1
    ref = nearest_latent(pts, h, w, torch.float32)
    low = nearest_latent(pts, h, w, torch.bfloat16)
    assert torch.equal(ref[0], low[0]) and torch.equal(ref[1], low[1])
