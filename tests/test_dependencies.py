"""The dependency rule of docs/architecture.md: an app never imports from an app to
its right in the order below; `lib` and `integrations` import no app at all.

The whole `hallbar/` tree is read with `ast` (every import, also those inside a
function), so the rule holds for lazy imports too. A known exception is allowed only
in ALLOWED, with its reason; one no longer in the code fails the test, so the list
shrinks as the exceptions are removed.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hallbar"

# Left to right: each may import from those to its left, never to its right.
ORDER = (
    "hallbar.core",
    "hallbar.organisation",
    "hallbar.agenda",
    "hallbar.steering",
    "hallbar.engagement",
    "hallbar.followup",
    "hallbar.analysis.status",
    "hallbar.analysis.interactions",
    "hallbar.analysis.impact",
    "hallbar.report",
    "hallbar.api",
)
# Below every app: they may import Django and each other, no app.
NO_APP = ("hallbar.lib", "hallbar.integrations")

# Known exceptions: (importing file relative to the repository, imported app): reason.
# Empty now: the lazy import of followup in steering/agenda_views.py is gone. Add one
# only with its reason and the plan to remove it, e.g.
#   ("hallbar/steering/agenda_views.py", "hallbar.followup"):
#       "the Agenda pages show indicators; they move to a portal app",
ALLOWED: dict[tuple[str, str], str] = {}


def _owner(module: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        if module == name or module.startswith(name + "."):
            return name
    return None


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(path: Path) -> set[str]:
    """Every module the file imports (`from a.b import c` also counts `a.b.c`, which
    may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _violations() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_of(path)
        importer = _owner(module, ORDER) or _owner(module, NO_APP)
        if importer is None:
            continue  # settings, urls, wsgi: the project's wiring sees every app
        for imported in _imported(path):
            target = _owner(imported, ORDER)
            if target is None or target == importer:
                continue
            if importer in NO_APP or ORDER.index(target) > ORDER.index(importer):
                found.add((str(path.relative_to(ROOT)), target))
    return found


def test_no_app_imports_from_an_app_to_its_right():
    wrong = _violations() - set(ALLOWED)
    assert not wrong, "imports against the dependency order:\n" + "\n".join(
        f"  {path} imports {target}" for path, target in sorted(wrong)
    )


def test_every_allowed_exception_is_still_needed():
    assert set(ALLOWED) <= _violations(), "remove from ALLOWED: " + ", ".join(
        f"{path} → {target}" for path, target in sorted(set(ALLOWED) - _violations())
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from hallbar.steering.records import check_version", "hallbar.steering"),
        ("import hallbar.steering.records", "hallbar.steering"),
        ("def f():\n    from hallbar.steering import records", "hallbar.steering"),
        ("from ..steering import records", "hallbar.steering"),
    ],
)
def test_the_guard_sees_each_form_of_import(tmp_path, monkeypatch, source, expected):
    # The guard itself must catch a wrong import, lazy and relative ones too.
    fake_root = tmp_path
    (fake_root / "hallbar" / "organisation").mkdir(parents=True)
    (fake_root / "hallbar" / "organisation" / "bad.py").write_text(source)
    monkeypatch.setitem(globals(), "ROOT", fake_root)
    monkeypatch.setitem(globals(), "PACKAGE", fake_root / "hallbar")
    assert _violations() == {("hallbar/organisation/bad.py", expected)}
