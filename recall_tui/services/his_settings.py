"""The ``[his]`` table of recall.toml: how the hospital's system hands recall its slips.

```toml
[his]
inbox = "his-inbox"        # the drop folder the daemon watches (done/ and failed/ inside)
auto_book = false          # book each new order at once (least-loaded session, confirmation sent)
default_clinic = "NOI"     # the clinic when no MA_KHOA of the visit is mapped
scan_seconds = 20          # how often the daemon looks (1-300)
settle_seconds = 2         # leave a file this young alone: it may still be being written
batch = 100                # files per transaction (each file all or nothing inside it)
ma_cskcb = "79001"         # our facility code, for `recall export xml14`
ma_ttdv = "7901234567"     # the signer's code (MA_TTDV), for `recall export xml14`

[his.clinics]              # MA_KHOA (the hospital's department code) -> recall clinic
K01 = "NOI"
K03 = "TM"

[his.doctors]              # MA_BAC_SI (practising certificate) -> recall doctor; a doctor
"000123/HCM-CCHN" = "BS01" # whose recall.toml licence is that number needs no line here
```

Read here, with its own checks, until the configuration schema takes it in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError

KNOWN = ("inbox", "auto_book", "default_clinic", "scan_seconds", "settle_seconds", "batch",
         "ma_cskcb", "ma_ttdv", "clinics", "doctors")


@dataclass(frozen=True)
class HisSettings:
    inbox: Path | None = None
    auto_book: bool = False
    default_clinic: str | None = None
    scan_seconds: int = 20
    settle_seconds: float = 2.0
    batch: int = 100
    ma_cskcb: str | None = None
    ma_ttdv: str | None = None
    clinics: dict[str, str] = field(default_factory=dict)  # MA_KHOA -> clinic code
    doctors: dict[str, str] = field(default_factory=dict)  # MA_BAC_SI -> doctor code

    @property
    def done(self) -> Path | None:
        return self.inbox / "done" if self.inbox else None

    @property
    def failed(self) -> Path | None:
        return self.inbox / "failed" if self.inbox else None


def _line(cfg: Config, key: str) -> int | None:
    """Best effort: the line of ``key`` inside ``[his]`` (or its sub-table) of the file."""
    if cfg.path is None:
        return None
    try:
        lines = cfg.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    table, _, leaf = key.rpartition(".")
    header = re.compile(rf"^\s*\[\s*{re.escape('his' + ('.' + table if table else ''))}\s*\]")
    start = next((i for i, ln in enumerate(lines) if header.match(ln)), None)
    if start is None:
        return None
    for i in range(start + 1, len(lines)):
        if re.match(r"^\s*\[", lines[i]):
            break
        if re.match(rf'^\s*"?{re.escape(leaf)}"?\s*=', lines[i]):
            return i + 1
    return start + 1


def his_settings(cfg: Config) -> HisSettings:
    raw: Mapping[str, Any] = (cfg.raw or {}).get("his", {}) or {}

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(message, path=cfg.path, line=_line(cfg, key), key=f"his.{key}")

    if not isinstance(raw, Mapping):
        raise fail("", "expected a table [his]")
    unknown = sorted(set(raw) - set(KNOWN))
    if unknown:
        raise fail(unknown[0], f"unknown setting (known: {', '.join(KNOWN)})")
    clinic_codes = {c.code for c in cfg.clinics}
    doctor_codes = {d.code for d in cfg.doctors}

    def number(key: str, default, low, high, kinds=(int,)):
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            raise fail(key, f"expected a number from {low} to {high}, got {value!r}")
        return value

    def text(key: str, size: int | None = None, pattern: str | None = None) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f"expected text, got {value!r}")
        value = value.strip()
        if size and len(value) > size:
            raise fail(key, f"at most {size} characters, got {len(value)}")
        if pattern and not re.fullmatch(pattern, value):
            raise fail(key, f"{value!r} is not of the form the standard asks")
        return value

    def mapping(key: str, known: set[str], what: str) -> dict[str, str]:
        value = raw.get(key, {})
        if not isinstance(value, Mapping):
            raise fail(key, f"expected a table [his.{key}] of code = \"{what} code\"")
        out = {}
        for k, v in value.items():
            if not isinstance(v, str) or v.strip().upper() not in known:
                raise fail(f"{key}.{k}", f"unknown {what} {v!r} (known: "
                           f"{', '.join(sorted(known)) or 'none'})")
            out[str(k).strip()] = v.strip().upper()
        return out

    inbox = raw.get("inbox")
    folder = None
    if inbox is not None:
        if not isinstance(inbox, str) or not inbox.strip():
            raise fail("inbox", "expected a folder path")
        folder = Path(inbox).expanduser()
        if not folder.is_absolute():
            folder = (cfg.path.parent if cfg.path else Path.cwd()) / folder
    auto_book = raw.get("auto_book", False)
    if not isinstance(auto_book, bool):
        raise fail("auto_book", f"expected true or false, got {auto_book!r}")
    default_clinic = text("default_clinic")
    if default_clinic is not None and default_clinic.upper() not in clinic_codes:
        raise fail("default_clinic", f"unknown clinic {default_clinic!r}")
    return HisSettings(
        inbox=folder, auto_book=auto_book,
        default_clinic=default_clinic.upper() if default_clinic else None,
        scan_seconds=number("scan_seconds", 20, 1, 300),
        settle_seconds=float(number("settle_seconds", 2, 0, 600, (int, float))),
        batch=number("batch", 100, 1, 1000),
        ma_cskcb=text("ma_cskcb", 5, r"[0-9A-Za-z]{5}"), ma_ttdv=text("ma_ttdv", 10),
        clinics=mapping("clinics", clinic_codes, "clinic"),
        doctors=mapping("doctors", doctor_codes, "doctor"))
