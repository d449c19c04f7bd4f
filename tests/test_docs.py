"""The documentation stays true: every setting is documented, the README's commands exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_in_settings_is_documented():
    settings = (ROOT / "hallbar" / "settings.py").read_text()
    variables = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings))
    documented = set(
        re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "docs" / "configuration.md").read_text(), re.M)
    )
    assert variables, "no variables found: the pattern is out of date"
    assert variables - documented == set(), "undocumented variables"
    assert documented - variables == set(), "documented variables the settings no longer read"


def test_the_readme_starts_with_make_run_and_make_test_and_both_targets_exist():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "lint"):
        assert re.search(rf"^{target}:", makefile, re.M), target
