"""The key table that recall.toml's [keys] is checked against is the desk's own bindings."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding

from recall_tui.config import keys as desk_keys


def _desk_bindings() -> dict[str, tuple[str, str]]:
    from recall_tui.ui import screens
    from recall_tui.ui.app import RecallApp

    found = {b.id: (desk_keys.APP, b.key) for b in RecallApp.BINDINGS}
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"{screens.__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__:
                for b in obj.__dict__.get("BINDINGS", []):
                    assert isinstance(b, Binding) and b.id, f"{obj.__name__}: a binding without id"
                    found[b.id] = (info.name, b.key)
    return found


def test_every_desk_binding_is_in_the_config_key_table():
    assert _desk_bindings() == desk_keys.BINDINGS
