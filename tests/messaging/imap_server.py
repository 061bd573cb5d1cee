"""A real IMAP server for the tests: Debian's dovecot, started on a free local port with a
configuration of its own (plain login, maildir under the test's folder)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                      else None)
USER, PASSWORD = "hen-kham@phongkham.test", "mat-khau-thu"

CONF = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
first_valid_uid = 1
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    """Its own folder under /tmp: dovecot's users (dovecot, nobody) must reach it, which
    they cannot inside pytest's private temporary folders."""

    def __init__(self):
        import tempfile

        self.root = Path(tempfile.mkdtemp(prefix="recall-imap-"))
        self.root.chmod(0o755)
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Dovecot:
        root = self.root
        for d in ("run", "state", "mail"):
            (root / d).mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:  # mail is never accessed as root: use nobody
            nobody = pwd.getpwnam("nobody")
            uid, gid = nobody.pw_uid, nobody.pw_gid
            os.chown(root / "mail", uid, gid)
            users = ""
        else:  # an unprivileged dovecot runs everything as the current user
            uid, gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(uid).pw_name
            users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
        (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
        (root / "users").chmod(0o644)
        conf = root / "dovecot.conf"
        conf.write_text(CONF.format(root=root, uid=uid, gid=gid, port=self.port, users=users),
                        encoding="utf-8")
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.__exit__()
        log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
        raise RuntimeError(f"dovecot did not start: {log[-800:]}")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.root, ignore_errors=True)
