"""The package's floors import only downward: a module imports its own
sub-package or a lower floor, never a higher or a sideways one; tools never
import each other. Walks the source with ``ast`` (nothing is imported)."""
import ast

from tests.conftest import REPO

PKG = REPO / 'liifgan_mm'
# lowest first; a module may import its own sub-package or a lower floor
FLOORS = [{'utils', 'weights'}, {'models', 'datasets'},
          {'evaluation', 'engine', 'visualization'}, {'apis'}]
FLOOR = {name: i for i, names in enumerate(FLOORS) for name in names}


def _imports(path, module):
    """Absolute names of the liifgan_mm modules ``path`` imports."""
    tree = ast.parse(path.read_text(), str(path))
    package = module.rsplit('.', 1)[0] if path.name != '__init__.py' \
        else module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = package.split('.')
                parts = parts[:len(parts) - node.level + 1]
                base = '.'.join(parts + ([base] if base else []))
            names = [base] + [f'{base}.{a.name}' for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith('liifgan_mm.'):
                yield node.lineno, name


def _sub(module):
    """The floor's sub-package of ``liifgan_mm.X.y``: ``X``."""
    return module.split('.')[1]


def test_every_subpackage_has_a_floor():
    subs = {p.name for p in PKG.iterdir()
            if p.is_dir() and (p / '__init__.py').is_file()}
    assert subs == set(FLOOR), 'give each sub-package a floor in FLOORS'


def test_no_upward_or_sideways_import():
    bad = []
    for path in sorted(PKG.rglob('*.py')):
        rel = path.relative_to(REPO).with_suffix('')
        module = '.'.join(rel.parts)
        if module.endswith('.__init__'):
            module = module[:-len('.__init__')]
        if module == 'liifgan_mm':
            continue  # the package's root imports every floor
        own = _sub(module)
        for lineno, name in _imports(path, module):
            if name.count('.') < 1:
                continue
            other = _sub(name)
            if other == own or other not in FLOOR:
                continue
            line = f'{path.relative_to(REPO)}:{lineno} '
            if FLOOR[other] >= FLOOR[own] and not any(
                    b.startswith(line) for b in bad):
                bad.append(f'{path.relative_to(REPO)}:{lineno} '
                           f'({own}, floor {FLOOR[own]}) imports {name} '
                           f'(floor {FLOOR[other]})')
    assert not bad, '\n'.join(bad)


def test_tools_do_not_import_each_other():
    tools = {p.stem for p in (REPO / 'tools').rglob('*.py')}
    bad = []
    for path in sorted((REPO / 'tools').rglob('*.py')):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or '']
            else:
                continue
            bad += [f'{path.relative_to(REPO)}:{node.lineno} imports {n}'
                    for n in names if n.split('.')[0] in tools]
    assert not bad, '\n'.join(bad)


def test_the_walk_sees_violations(tmp_path):
    """The checker itself: an upward and a relative import are found."""
    f = tmp_path / 'x.py'
    f.write_text('from liifgan_mm.apis import inference_config\n'
                 'from ...evaluation import table\n')
    names = [n for _, n in _imports(f, 'liifgan_mm.models.editors.x')]
    assert 'liifgan_mm.apis' in names
    assert 'liifgan_mm.evaluation' in names
