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
