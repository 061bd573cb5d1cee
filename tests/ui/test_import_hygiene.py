"""The first screen comes before the heavy imports: the app module loads no database code."""

from __future__ import annotations

import subprocess
import sys


def test_opening_the_app_module_imports_no_database_code():
    code = ("import sys, recall_tui.ui.launch, recall_tui.ui.app\n"
            "from recall_tui.ui.screens import today\n"
            "heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'sqlmodel', 'pydantic', 'psycopg', 'phonenumbers', 'fpdf')"
            " or m.startswith(('recall_tui.store', 'recall_tui.services'))]\n"
            "print(','.join(sorted(heavy)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""

