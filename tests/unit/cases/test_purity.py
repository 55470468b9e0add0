import ast
import subprocess
import sys
from pathlib import Path

import pytest

import jiuzhu.cases

CASES_DIR = Path(jiuzhu.cases.__file__).parent
PURE = ("workflow", "deadlines", "authority", "kinship", "sampling", "step_dates")


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_do_not_import_django(name):
    tree = ast.parse((CASES_DIR / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "django" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "django"


def test_importing_the_pure_modules_loads_no_django():
    modules = ", ".join(f"jiuzhu.cases.{name}" for name in PURE)
    code = f"import sys, {modules}; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=CASES_DIR.parent.parent)
