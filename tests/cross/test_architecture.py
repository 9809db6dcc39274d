"""The one rule of the house, checked: `api/` and `frontend/` never import each other, and the domain
apps import neither (DESIGN.md, "The one rule of the house")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "api": {"frontend"},
    "frontend": {"api"},
    "tenants": {"api", "frontend"},
    "billing": {"api", "frontend"},
    "shop": {"api", "frontend"},
    "referral": {"api", "frontend"},
}


def _imported_packages(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):  # module level and inside functions alike
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_face_or_domain_app_imports_only_what_the_rule_allows(package):
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, imported in _imported_packages(path)
        if imported in FORBIDDEN[package]
    ]
    assert offences == []
