"""A small file cache of each year's public holidays.

Loading the ``holidays`` package costs a process about 10 MB (it imports every country); a
desk that only needs Vietnam's list for a year or two reads it from a JSON file made by the
first process that computed it. The file name carries the package's version, so an update
of the package (new swap days, a new holiday) is picked up by itself.
"""

from __future__ import annotations

import json
import os
from datetime import date
from importlib import metadata
from pathlib import Path

from ..core.calendar import vietnam_year


def _folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "recall"


def _version() -> str:
    try:
        return metadata.version("holidays")
    except metadata.PackageNotFoundError:
        return "unknown"


def vietnam_year_cached(year: int) -> dict[date, str]:
    path = _folder() / f"holidays-vn-{year}-{_version()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {date.fromisoformat(k): v for k, v in data.items()}
    except (OSError, ValueError):
        pass
    found = vietnam_year(year)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({d.isoformat(): n for d, n in found.items()},
                                  ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home: no cache, the package answers each time
    return found
