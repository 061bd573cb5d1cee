"""A program in a real pseudo-terminal, for the desk benchmark: keys in, bytes out, the
screen as a terminal shows it (pyte), and the process's resident memory.

Every byte the program writes is kept with its arrival time, so a figure is "from this key
to the last byte it caused", read off the terminal's side of the wire.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable

import pyte

KEYS = {"f1": "\x1bOP", "f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS", "f5": "\x1b[15~",
        "f6": "\x1b[17~", "f7": "\x1b[18~", "f8": "\x1b[19~", "f9": "\x1b[20~",
        "down": "\x1b[B", "up": "\x1b[A", "pagedown": "\x1b[6~", "pageup": "\x1b[5~",
        "enter": "\r", "escape": "\x1b", "tab": "\t", "ctrl+q": "\x11", "backspace": "\x7f"}


class Terminal:
    def __init__(self, argv: list[str], *, cols: int = 80, rows: int = 24,
                 term: str = "xterm-256color", env: dict[str, str] | None = None):
        self.cols, self.rows = cols, rows
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "TMUX")}
        full_env.update({"TERM": term, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, **(env or {}))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     env=full_env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.chunks: list[tuple[float, int]] = []  # (arrival, bytes)
        self.lock = threading.Lock()
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                r, _, _ = select.select([self.fd], [], [], 0.5)
                if not r:
                    if self.proc.poll() is not None:
                        break
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            now = time.perf_counter()
            with self.lock:
                self.chunks.append((now, len(data)))
                self.stream.feed(data)
        self.closed = True

    # -- input -----------------------------------------------------------------------------
    def key(self, name: str) -> float:
        return self.send(KEYS.get(name, name))

    def send(self, text: str) -> float:
        at = time.perf_counter()
        os.write(self.fd, text.encode())
        return at

    # -- output ----------------------------------------------------------------------------
    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def mark(self) -> int:
        with self.lock:
            return len(self.chunks)

    def since(self, mark: int) -> list[tuple[float, int]]:
        with self.lock:
            return self.chunks[mark:]

    def wait(self, cond: Callable[[str], bool], timeout: float = 30.0,
             poll: float = 0.002) -> float:
        """Wait until the screen satisfies ``cond``; the arrival time of the byte that made
        it so (the last chunk read when it first held)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                shown = "\n".join(self.screen.display)
                last = self.chunks[-1][0] if self.chunks else self.started
            if cond(shown):
                return last
            if self.closed:
                break
            time.sleep(poll)
        raise TimeoutError(f"the screen never showed what was waited for:\n{self.text()}")

    def settle(self, quiet: float = 0.15, timeout: float = 30.0, *,
               after: int | None = None) -> float:
        """Wait for ``quiet`` seconds without output (and, with ``after``, for some output
        past that mark first); the arrival of the last byte."""
        end = time.perf_counter() + timeout
        while after is not None and self.mark() <= after:
            if time.perf_counter() > end or self.closed:
                raise TimeoutError("no output came")
            time.sleep(0.001)
        while time.perf_counter() < end:
            with self.lock:
                last = self.chunks[-1][0] if self.chunks else self.started
            if time.perf_counter() - last >= quiet:
                return last
            time.sleep(0.01)
        raise TimeoutError("the program never went quiet")

    # -- the process -------------------------------------------------------------------------
    def memory_kb(self) -> dict[str, int]:
        """VmRSS / RssAnon / RssFile (status) and Pss (smaps_rollup), in kB."""
        out: dict[str, int] = {}
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                    out[k] = int(v.split()[0])
        try:
            with open(f"/proc/{self.proc.pid}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k == "Pss":
                        out["Pss"] = int(v.split()[0])
        except OSError:
            pass
        return out

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.key("ctrl+q")
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        try:
            os.close(self.fd)
        except OSError:
            pass
        self.reader.join(timeout=2)
