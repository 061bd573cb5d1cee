"""Files with patient data that the HIS and FHIR exchange write: private (0600 files in
0700 folders) whatever the umask, written whole (no part file left), an unwritable path
said as the person's input, never "unexpected error"; the drop folder's done/ and failed/
private, and a reason file that says what the person handling the file needs, not who else
is in recall. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from recall_tui.config import load
from recall_tui.services import his_import
from recall_tui.services.context import Context
from tests.conftest import TZ
from tests.interop import builders as b
from tests.services import test_his_import as his

pytestmark = pytest.mark.storage
make_config, recall = his.make_config, his.recall  # the CLI fixtures of the HIS import


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".") or "part" in p.name]


def test_exports_and_the_noshow_report_are_private_and_whole(recall, tmp_path):
    recall("import", "his", str(b.write(tmp_path, "a.xml", his.three_visits())), "--book")
    xml = tmp_path / "out" / "his" / "slips.xml"
    code, _, err = recall("export", "xml14", "--from", "2026-11-25", "--to", "2026-11-25",
                          "--out", str(xml))
    assert code == 0, err
    assert mode(xml) == 0o600 and mode(xml.parent) == 0o700 and mode(xml.parent.parent) == 0o700
    envelopes = tmp_path / "envelopes"
    envelopes.mkdir()  # a folder of the clinic's: one envelope per visit inside
    code, res, _ = recall("export", "xml14", "--from", "2026-11-25", "--to", "2026-11-25",
                          "--out", str(envelopes))
    assert code == 0 and len(res["files"]) == 2
    assert all(mode(Path(f)) == 0o600 for f in res["files"])
    bundle = tmp_path / "fhir" / "bundle.json"
    code, _, err = recall("export", "fhir", "--from", "2026-11-25", "--to", "2026-11-25",
                          "--out", str(bundle))
    assert code == 0, err
    assert mode(bundle) == 0o600 and mode(bundle.parent) == 0o700
    pdf = tmp_path / "reports" / "noshows.pdf"
    code, _, err = recall("report", "noshows", "--pdf", str(pdf))
    assert code == 0, err
    assert mode(pdf) == 0o600 and mode(pdf.parent) == 0o700 and pdf.read_bytes()[:4] == b"%PDF"
    for folder in (xml.parent, envelopes, bundle.parent, pdf.parent):
        assert leftovers(folder) == []
    # written again over a file the clinic shares with its group: kept, never widened
    os.chmod(bundle, 0o644)
    recall("export", "fhir", "--from", "2026-11-25", "--to", "2026-11-25", "--out",
           str(bundle))
    assert mode(bundle) == 0o640


@pytest.mark.parametrize("command", [
    ("export", "xml14", "--from", "2026-11-25", "--to", "2026-11-25", "--out"),
    ("export", "fhir", "--from", "2026-11-25", "--to", "2026-11-25", "--out"),
    ("report", "noshows", "--pdf")])
def test_an_unwritable_path_is_said_as_such(recall, tmp_path, command):
    recall("import", "his", str(b.write(tmp_path, "a.xml", his.three_visits())), "--book")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code, out, err = recall(*command, str(blocker / "x.out"))
    assert code == 1, (out, err)
    assert out["error"]["code"] == "file.unwritable"
    assert out["error"]["field"] == command[-1].lstrip("-")
    assert "not-a-folder" in out["error"]["message"]
    assert list(tmp_path.glob("**/*.part")) == []


def test_the_drop_folder_keeps_what_it_took_private_and_its_reasons_discreet(
        recall, ctx, tmp_path):
    inbox = tmp_path / "his-inbox"
    recall.reconfigure(inbox=f'"{inbox}"', settle_seconds="0")
    # two patients of recall that one slip's identifiers both point at
    recall("patient", "add", "--name", "Nguyễn Văn An", "--cccd", "079070001234",
           "--born", "1950-03-04")
    recall("patient", "add", "--name", "Nguyễn Văn Ân", "--bhyt", "DN4797915123456")
    inbox.mkdir()
    b.write(inbox, "conflict.xml", b.envelope(b.visit("LK1")))
    b.write(inbox, "good.xml", b.envelope(b.visit("LK2", x1={
        "MA_BN": "BN2", "SO_CCCD": "079999999999", "MA_THE_BHYT": "GD4797915999999"},
        x14={"MA_THE_BHYT": "GD4797915999999"})))
    c = Context(cfg=load(recall.config_path()), db=ctx.db, actor="daemon")
    rep = his_import.run_inbox(c, now=datetime(2026, 11, 25, 9, 0, tzinfo=TZ))
    assert (rep.imported, rep.refused) == (1, 1)
    done, failed = inbox / "done", inbox / "failed"
    assert mode(done) == 0o700 and mode(failed) == 0o700
    assert mode(done / "good.xml") == 0o600 and mode(failed / "conflict.xml") == 0o600
    reason = failed / "conflict.xml.reason.txt"
    assert mode(reason) == 0o600
    said = reason.read_text(encoding="utf-8")
    assert "conflict.xml" in said and "MA_LK LK1" in said and "MA_BN" in said
    assert "merge or correct" in said and "gộp hoặc sửa" in said
    for other in ("TS0000001", "TS0000002", "Nguyễn Văn Ân", "1950"):
        assert other not in said
