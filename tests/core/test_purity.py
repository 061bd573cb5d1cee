"""The core stays pure: the standard library and two data helpers, nothing of ours outside."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import recall_tui.core

ALLOWED_THIRD_PARTY = {"phonenumbers", "holidays"}
CORE = Path(recall_tui.core.__file__).parent


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


def test_core_imports_only_stdlib_and_data_helpers():
    modules = sorted(CORE.glob("*.py"))
    assert modules
    for path in modules:
        for level, name in _imports(path):
            if level:
                assert level == 1, (path.name, name)  # relative: inside core only
                continue
            top = name.split(".")[0]
            if top == "recall_tui":
                assert name.startswith("recall_tui.core"), (path.name, name)
                continue
            assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, (path.name, name)
