"""What every command shares: options, value parsing, output, and error -> exit code.

Exit codes: 0 done; 1 bad input (the field named); 2 usage; 3 refused by a rule;
4 the environment failed (database unreachable, configuration unreadable).
With ``--json`` one JSON document goes to stdout, errors included:
``{"error": {"code", "field", "message"}}``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Annotated, Any

import typer

from ..config import Config, ConfigError, load
from ..core import parse
from ..core.errors import BadInput, DomainError

JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]
NowOpt = Annotated[str | None, typer.Option(
    "--now", help="Pretend it is this instant (ISO; without a zone: clinic time).")]
ConfigOpt = Annotated[str | None, typer.Option(
    "--config", help="recall.toml to use (else RECALL_CONFIG, ./recall.toml, ~/.config).")]

EXIT_BAD_INPUT, EXIT_USAGE, EXIT_REFUSED, EXIT_ENV = 1, 2, 3, 4

_global_config: dict[str, str | None] = {"path": None}


def set_global_config(path: str | None) -> None:
    _global_config["path"] = path


# -- values ----------------------------------------------------------------------------------

def parse_date(raw: str | None, field: str, *, today: date | None = None,
               future: bool = False) -> date | None:
    """A date as the desk reads it (``core.parse``): ISO, 01/12/2026, 01.12.2026, 1/12,
    hôm nay/today, mai/tomorrow, +3."""
    return parse.parse_date(raw, field=field, today=today, future=future)


def parse_time(raw: str | None, field: str = "time") -> time | None:
    """08:30, 8:30, 8h30 (``core.parse``)."""
    return parse.parse_time(raw, field=field)


def parse_now(raw: str | None, cfg: Config) -> datetime:
    if raw is None:
        return datetime.now(cfg.tz)
    return parse.parse_instant(raw, tz=cfg.tz, field="now")


# -- output ------------------------------------------------------------------------------------

def plain(value: Any) -> Any:
    """Dataclasses, rows, dates, enums -> JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("display_code",):
            if hasattr(value, name):
                out[name] = getattr(value, name)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if hasattr(value, "model_dump"):  # a record of the store (SQLModel)
        return plain(value.model_dump())
    if hasattr(value, "_mapping"):
        return {k: plain(v) for k, v in value._mapping.items()}
    return value


def _reader_went_away() -> None:
    """Stop quietly, as the standard tools do: what is still buffered for stdout goes
    nowhere (else Python complains while flushing it at exit)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class Runner:
    """One command's run: the configuration, the context, and how to answer."""

    def __init__(self, json_mode: bool, config_path: str | None):
        self.json = json_mode
        self.config_path = config_path or _global_config["path"]
        self._cfg: Config | None = None
        self._ctx = None
        self._checked = False

    @property
    def cfg(self) -> Config:
        if self._cfg is None:
            self._cfg = load(self.config_path)
        return self._cfg

    @property
    def ctx(self):
        """The context, its database checked first (set up by this recall, up to date)."""
        ctx = self.raw_ctx
        if not self._checked:
            from ..services.setup import check_schema

            check_schema(ctx)
            self._checked = True
        return ctx

    @property
    def raw_ctx(self):
        """The context without the schema check: for init, demo and restore."""
        if self._ctx is None:
            from ..services.context import open_context

            self._ctx = open_context(self.cfg, on_wait=self.waiting)
        return self._ctx

    def close(self) -> None:
        """The command is over: its database connections go."""
        if self._ctx is not None:
            self._ctx.db.dispose()

    def waiting(self) -> None:
        """Another desk holds the database's write lock: say that we wait (stderr, even
        with --json: stdout stays one JSON document)."""
        typer.secho("Đang chờ một bàn khác… / Waiting for another desk…", err=True,
                    fg=typer.colors.YELLOW)

    def now(self, raw: str | None) -> datetime:
        return parse_now(raw, self.cfg)

    def today(self, raw_now: str | None) -> date:
        return self.now(raw_now).astimezone(self.cfg.tz).date()

    def lang(self) -> str:
        try:
            return self.cfg.language
        except Exception:
            return "vi"

    def done(self, result: Any, human: Callable[[Any], None] | str | None = None) -> None:
        if self.json:
            sys.stdout.write(json.dumps(plain(result), ensure_ascii=False, indent=2) + "\n")
        elif callable(human):
            human(result)
        elif human is not None:
            typer.echo(human)
        sys.stdout.flush()  # a reader that went away (`| head`) is met inside the run

    def fail(self, code: int, err: dict, human: str) -> None:
        # A message quotes at most an excerpt of what was typed; this is the last guard.
        human = _capped(human)
        err = {k: _capped(v) if isinstance(v, str) else v for k, v in err.items()}
        if self.json:
            sys.stdout.write(json.dumps({"error": err}, ensure_ascii=False) + "\n")
        else:
            typer.secho(human, err=True, fg=typer.colors.RED)
        raise typer.Exit(code)


@contextlib.contextmanager
def run(json_mode: bool, config_path: str | None) -> Iterator[Runner]:
    """Turn every failure into a message and an exit code; never a traceback."""
    r = Runner(json_mode, config_path)
    try:
        yield r
    except typer.Exit:
        raise
    except DomainError as exc:
        lang = r.lang()
        r.fail(exc.exit_code, exc.as_dict(lang), exc.message(lang))
    except ConfigError as exc:
        r.fail(EXIT_ENV, {"code": "config", "field": exc.key, "message": str(exc)},
               f"recall.toml: {exc}")
    except BrokenPipeError:  # the reader went away (`recall stats --csv | head -3`)
        _reader_went_away()
        raise typer.Exit(0) from None
    except KeyboardInterrupt:
        r.fail(130, {"code": "interrupted", "field": None, "message": "interrupted"},
               "interrupted")
    except Exception as exc:  # the last net: still no traceback for the user
        import os

        if os.environ.get("RECALL_DEBUG"):
            raise
        # Never the exception's text: a driver's holds the SQL and its parameters (names,
        # phone numbers, instructions). Its kind and where it happened say enough for a
        # report; RECALL_DEBUG=1 shows the traceback.
        where = _where(exc)
        r.fail(EXIT_ENV, {"code": "internal", "field": None,
                          "message": f"unexpected error: {type(exc).__name__} at {where}"},
               f"recall: lỗi không lường trước / unexpected error: {type(exc).__name__} at "
               f"{where}. Run again with RECALL_DEBUG=1 for details, and report it.")
    finally:
        r.close()


MESSAGE_CAP = 600  # characters of one error message shown


def _capped(text: str) -> str:
    return text if len(text) <= MESSAGE_CAP else text[:MESSAGE_CAP] + "…"


def _where(exc: BaseException) -> str:
    """The innermost frame of recall's own code where ``exc`` was raised: module:line."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "recall_tui" in f.filename] or frames
    if not ours:
        return "?"
    f = ours[-1]
    name = f.filename.rsplit("recall_tui/", 1)[-1]
    return f"{name}:{f.lineno}"


def guard_args(args: list[str]) -> int | None:
    """The command line's edge: no argument may hold a control character (ESC, NUL, bidi
    overrides, bytes that are not UTF-8) or be longer than its field allows. The option is
    named; the exit code is returned (None: all good) after the message is printed."""
    from ..core import text

    option = "argument"
    try:
        for arg in args:
            if arg.startswith("--") and len(arg) > 2:
                name, eq, value = arg.partition("=")
                option = name[2:]
                if not eq:
                    text.check(name, "option", 100)
                    continue
                text.check(value, option)
                option = "argument"
            else:
                text.check(arg, option)
                option = "argument"
    except BadInput as exc:
        r = Runner("--json" in args, None)
        lang = "vi"
        try:
            r.fail(exc.exit_code, exc.as_dict("en" if "--json" in args else lang),
                   f"{exc.message('vi')} / {exc.message('en')}")
        except typer.Exit as done:
            return int(done.exit_code)
    return None


def console(*, stderr: bool = False):
    """A Rich console that shows text as written: no markup (a name such as "Lê [/] Văn"
    or "[bold]" is data), no emoji codes (":pill:"), no highlighting."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)
