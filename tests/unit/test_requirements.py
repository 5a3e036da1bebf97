"""requirements.txt (what Chalice packages for Lambda) cannot drift from what the deployed code
imports: a module imported by app.py or chalicelib/ whose distribution is missing there would
fail on AWS with ModuleNotFoundError, and a listed one nothing imports only weighs the layer."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# In the Lambda runtime already, or packaged by Chalice itself.
PROVIDED = {"boto3", "botocore", "chalice"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(line: str) -> str:
    return _normalise(re.split(r"[\[=<>!~; ]", line, maxsplit=1)[0])


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_top_modules(tree: ast.AST) -> set[str]:
    """Absolute imports anywhere in the module (lazy ones included), not those only for mypy."""
    found: set[str] = set()
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for n in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def deployed_third_party_distributions() -> set[str]:
    sources = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    modules: set[str] = set()
    for source in sources:
        modules |= _imported_top_modules(ast.parse(source.read_text(), str(source)))
    third_party = modules - set(sys.stdlib_module_names) - {"chalicelib", "__future__"}
    owners = packages_distributions()
    missing = {m for m in third_party if m not in owners}
    assert not missing, f"imported but not installed here: {missing}"
    return {_normalise(owners[m][0]) for m in third_party} - PROVIDED


def test_requirements_list_exactly_what_the_deployed_code_imports() -> None:
    listed = {_requirement_name(line) for line in _requirements()}
    assert listed == deployed_third_party_distributions()


def test_every_requirement_is_pinned_as_pyproject_pins_it() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for line in _requirements():
        assert "==" in line, f"{line}: pin an exact version, so what deploys is what was tested"
        assert line in dependencies, f"{line} differs from pyproject.toml's [project.dependencies]"
