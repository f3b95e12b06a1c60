"""The house rules, read from the code's own imports (ast, not grep).

Areas sit in layers; an area imports only from the layers below it, never another area's views, and no
import inside a function crosses from one area into another (such imports only hid circles). The modules at
the root of the package are below every area, except the roof (the app factory, the commands, the lists of
models and of queue tasks, and the seeding), which brings all areas together. docs/DEVELOPING.md shows the same order.
"""
import ast
from pathlib import Path

import pytest

# The same on every database (static analysis of the code): the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.any_database

PACKAGE = Path(__file__).resolve().parent.parent / "wt_curriculum"

# Lowest first. Areas on one line of this list are on one layer: they may not import each other.
LAYERS = [
    ("core",),
    ("auth",),
    ("notifications",),
    ("organisations",),
    ("objectives",),
    ("references",),
    ("lessons",),
    ("planning",),
    ("consultations",),
    ("reports", "interchange", "case", "api", "admin", "jobs", "site", "oai"),
]
ROOF = {"__init__", "cli", "models", "seed", "tasks"}
LAYER_OF = {area: number for number, areas in enumerate(LAYERS) for area in areas}


def _target(module: str, node: ast.ImportFrom) -> str:
    """The absolute dotted name an `from ... import` refers to, inside wt_curriculum."""
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")[: -node.level]
    return ".".join(parts + ([node.module] if node.module else []))


def _imports(path: Path, package: Path):
    """(line, target module, imported names, inside a function?) for every import of a module."""
    module = "wt_curriculum." + ".".join(path.relative_to(package).with_suffix("").parts)
    if path.name == "__init__.py":
        module += ".__init__"
    tree = ast.parse(path.read_text(), str(path))
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inside = {id(child) for f in functions for child in ast.walk(f) if child is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _target(module, node)
            names = [alias.name for alias in node.names]
            if target.startswith("wt_curriculum"):
                yield node.lineno, target, names, id(node) in inside
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("wt_curriculum"):
                    yield node.lineno, alias.name, [], id(node) in inside


def _area(dotted: str) -> str | None:
    """wt_curriculum.planning.coverage -> planning; a root module (wt_curriculum.errors) -> None."""
    parts = dotted.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return None


def _targets(dotted: str, names: list[str]) -> list[str]:
    """`from wt_curriculum.planning import services` names the module wt_curriculum.planning.services."""
    if _area(dotted) is not None and len(dotted.split(".")) == 2:
        return [f"{dotted}.{name}" for name in names] or [dotted]
    return [dotted]


def layer_problems(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        own = relative.parts[0] if len(relative.parts) > 1 else None
        if own is None and relative.stem in ROOF:
            continue
        for line, dotted, names, in_function in _imports(path, package):
            for target in _targets(dotted, names):
                other = _area(target)
                where = f"{relative}:{line} imports {target}"
                if own is None:
                    if other is not None:
                        problems.append(f"{where}: a root module is below every area")
                    continue
                if other is None or other == own:
                    continue
                if other not in LAYER_OF:
                    problems.append(f"{where}: {other} has no place in the layers (tests/test_layers.py)")
                elif own not in LAYER_OF:
                    problems.append(f"{relative}: the area {own} has no place in the layers (tests/test_layers.py)")
                elif LAYER_OF[other] >= LAYER_OF[own]:
                    problems.append(f"{where}: {own} may only use the layers below it")
                if target.split(".")[2:3] == ["views"]:
                    problems.append(f"{where}: no area imports another area's views")
                if in_function:
                    problems.append(f"{where}: an import between areas belongs at the top of the module")
    return problems


def test_every_area_has_a_place_in_the_layers():
    areas = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert areas == set(LAYER_OF), f"areas and layers differ: {sorted(areas ^ set(LAYER_OF))}"


def test_areas_use_only_the_layers_below_them():
    problems = layer_problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("line, expected", [
    ("from ..planning import services\n", "objectives may only use the layers below it"),
    ("from ..lessons.views import bp\n", "no area imports another area's views"),
    ("def f():\n    from ..lessons import services\n", "belongs at the top of the module"),
])
def test_the_check_finds_an_import_that_breaks_the_rules(tmp_path, line, expected):
    """The check itself: a copy of the package with one bad import added to objectives/services.py."""
    import shutil

    copy = tmp_path / "wt_curriculum"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("translations", "__pycache__"))
    services = copy / "objectives" / "services.py"
    services.write_text(services.read_text() + "\n" + line)
    assert any(expected in p and "objectives/services.py" in p for p in layer_problems(copy))
