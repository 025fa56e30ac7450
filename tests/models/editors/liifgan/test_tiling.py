"""LR tiling and chunking of the grid decoder: same output, bounded work."""
import pytest
import torch

C, HIDDEN = 4, [16, 16]


def _head(mm, **kw):
    torch.manual_seed(0)
    return mm.MODELS.build(dict(
        type='DualImplicitHead', in_channels=C,
        decoder=dict(type='MLPRefiner', out_dim=3, hidden_list=HIDDEN), **kw))


@pytest.mark.parametrize('h,w,size', [(9, 11, (27, 33)), (9, 11, (23, 40)),
                                      (10, 7, (10, 7)), (8, 9, (5, 31))])
@pytest.mark.parametrize('tile', [1, 2, 3, 4])
def test_tiled_equals_untiled(mm, h, w, size, tile):
    head = _head(mm, eval_bsize=29)
    f1, f2 = torch.randn(2, C, h, w), torch.randn(2, C, h, w)
    ref = head.predict(f1, f2, size)
    head.tile = tile
    torch.testing.assert_close(head.predict(f1, f2, size), ref, rtol=0,
                               atol=1e-6)


@pytest.mark.parametrize('le,fu,cd', [(False, True, True),
                                      (True, False, True),
                                      (True, True, False)])
def test_tiled_equals_untiled_variants(mm, le, fu, cd):
    head = _head(mm, eval_bsize=40, local_ensemble=le, feat_unfold=fu,
                 cell_decode=cd)
    f1, f2 = torch.randn(1, C, 7, 8), torch.randn(1, C, 7, 8)
    ref = head.predict(f1, f2, (19, 25))
    head.tile = 2
    torch.testing.assert_close(head.predict(f1, f2, (19, 25)), ref, rtol=0,
                               atol=1e-6)


@pytest.mark.parametrize('chunk', [None, 1, 7, 30, 1000])
def test_chunks_cover_the_grid_within_budget(mm, chunk):
    from liifgan_mm.models.editors.liifgan.grid_query import blocks
    rows, cols = range(3, 17), range(0, 23)
    seen = torch.zeros(20, 23, dtype=torch.int)
    for r0, r1, c0, c1 in blocks(rows, cols, chunk):
        assert chunk is None or (r1 - r0) * (c1 - c0) <= chunk
        seen[r0:r1, c0:c1] += 1
    assert seen[3:17].eq(1).all() and seen[:3].eq(0).all()


@pytest.mark.parametrize('h,n_out', [(9, 27), (9, 40), (10, 7), (16, 480)])
@pytest.mark.parametrize('tile', [1, 2, 5])
def test_bands_partition_rows_and_bound_latent_spans(mm, h, n_out, tile):
    """Each output row is decoded from exactly one tile, whose span of
    latents is at most the tile plus the ensemble's reach."""
    from liifgan_mm.models.editors.liifgan.grid_query import (axis_queries,
                                                              bands)
    shifts = [-1 / h + 1e-6, 1 / h + 1e-6]
    idx, _ = axis_queries(n_out, h, shifts, 0, torch.float32, 'cpu')
    out = bands(idx, h, tile)
    covered = [r for rows, _, _ in out for r in rows]
    assert covered == list(range(n_out))
    for rows, lo, hi in out:
        assert hi - lo + 1 <= tile + 2
        assert idx[:, rows.start:rows.stop].min() >= lo
        assert idx[:, rows.start:rows.stop].max() <= hi


def test_predict_memory_does_not_grow_with_output_size(mm, monkeypatch):
    """Scratch buffers are sized by the chunk, not by H*W."""
    from liifgan_mm.models.editors.liifgan.fast_query import Workspace
    sizes = []
    orig = Workspace.get

    def spy(self, key, rows, cols, like):
        sizes.append(rows * cols)
        return orig(self, key, rows, cols, like)

    monkeypatch.setattr(Workspace, 'get', spy)
    head = _head(mm, eval_bsize=50, dual=False)
    feat = torch.randn(1, C, 6, 6)
    for size in ((30, 30), (120, 150)):
        sizes.clear()
        assert head.predict(feat, None, size).shape == (1, 3, *size)
        assert max(sizes) <= 4 * 50 * max(HIDDEN)
