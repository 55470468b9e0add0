import ast
import subprocess
import sys
from pathlib import Path

import jiuzhu.programmes.rules as rules

RULES_DIR = Path(rules.__file__).parent


def test_no_django_import_in_source():
    for path in RULES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith("django"), f"{path.name} imports {name}"
                assert not name.startswith("jiuzhu.registry"), f"{path.name} imports {name}"


def test_importing_rules_loads_no_django():
    code = (
        "import sys, jiuzhu.programmes.rules; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_no_float_in_source():
    for path in RULES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), (
                f"float literal in {path.name}"
            )
            assert not (isinstance(node, ast.Name) and node.id == "float"), path.name


def test_public_api_is_exported():
    for name in rules.__all__:
        assert hasattr(rules, name), name
