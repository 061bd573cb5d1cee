"""Hardening: the CLI driven as an attacker or an unlucky clinic would."""

from __future__ import annotations

import json

import pytest

from recall_tui.entry import main

NOW = "2026-11-25T08:00"


@pytest.fixture
def recall(config_file, capsys):
    """``recall(*args)`` -> (exit code, stdout, stderr), on the test database."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--config", str(config_file)])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def j(out: str) -> dict:
    return json.loads(out)


def error_of(out: str) -> dict:
    return json.loads(out)["error"]
