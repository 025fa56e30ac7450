"""tools/publish_model.py: keeps the variant record, never overwrites."""
import pytest
import torch

from tests.tools.test_benchmark_table import load_tool


def test_publish_keeps_variant_and_overwrites_nothing(tmp_path, capsys):
    tool = load_tool('publish_model')
    src = tmp_path / 'iter_2.pth'
    variant = dict(model='LIIFGAN', generator='LIIFGANEDSRNet', mid_block=8)
    torch.save(dict(meta=dict(iter=2, model_variant=variant),
                    state_dict={'generator.w': torch.ones(2),
                                'discriminator.w': torch.ones(2)}), src)
    dst = tmp_path / 'pub.pth'
    tool.main([str(src), str(dst)])
    out = torch.load(dst, map_location='cpu', weights_only=False)
    assert out['meta']['model_variant'] == variant
    assert list(out['state_dict']) == ['generator.w']
    before = src.read_bytes()
    for argv, msg in (([str(src), str(dst)], 'exists: pass --overwrite'),
                      ([str(src), str(src), '--overwrite'], 'is src')):
        with pytest.raises(SystemExit) as e:
            tool.main(argv)
        assert e.value.code == 2 and msg in capsys.readouterr().err
    assert src.read_bytes() == before
    tool.main([str(src), str(dst), '--overwrite'])
    assert not list(tmp_path.glob('*.tmp'))


def test_publish_drops_exactly_the_train_only_parts(tmp_path):
    """The published state dict is the source's minus the parts the
    package's one list (TRAIN_ONLY) names, DDP prefixes unwrapped;
    ``--with-discriminator`` keeps that one part."""
    from liifgan_mm.utils.training_parts import TRAIN_ONLY
    tool = load_tool('publish_model')
    kept = {'generator.head.w', 'generator.body.0.b', 'data_preprocessor.m'}
    dropped = {f'{part}.w' for part in TRAIN_ONLY}
    src = tmp_path / 'iter_2.pth'
    state = {k: torch.ones(2) for k in sorted(kept | dropped)}
    state['module.discriminator.module.x'] = torch.ones(2)  # DDP-wrapped
    torch.save(dict(meta=dict(iter=2), state_dict=state), src)
    tool.main([str(src), str(tmp_path / 'g.pth')])
    out = torch.load(tmp_path / 'g.pth', map_location='cpu',
                     weights_only=False)['state_dict']
    assert set(out) == kept
    assert out['generator.head.w'].dtype == torch.float16
    tool.main([str(src), str(tmp_path / 'gd.pth'), '--with-discriminator'])
    out = torch.load(tmp_path / 'gd.pth', map_location='cpu',
                     weights_only=False)['state_dict']
    assert set(out) == kept | {'discriminator.w', 'discriminator.x'}
    torch.save(dict(state_dict={'discriminator.w': torch.ones(2)}), src)
    with pytest.raises(ValueError, match='no generator'):
        tool.publish(str(src), str(tmp_path / 'none.pth'))
