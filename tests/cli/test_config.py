"""recall.toml: found in the documented order; wrong settings named with file and line."""

from __future__ import annotations

import json

import pytest

from recall_tui.config import ConfigError, load, parse
from recall_tui.entry import main


def test_wrong_setting_is_named_with_file_and_line(tmp_path, capsys):
    f = tmp_path / "recall.toml"
    f.write_text('[facility]\nname = "X"\n\n[[clinics]]\ncode = "A"\nname = "A"\n\n'
                 '[[templates]]\nclinic = "A"\ndays = ["mon"]\npart = "morning"\n'
                 'start = "07:00"\nend = "11:00"\ncapacity = "many"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load(f, env={})
    assert f"{f}:14" in str(exc.value) and "capacity" in str(exc.value)
    assert main(["config", "check", str(f)]) == 4
    assert "recall.toml" in capsys.readouterr().err


def test_toml_syntax_error_has_line(tmp_path):
    f = tmp_path / "recall.toml"
    f.write_text('[facility]\nname = "X\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"recall.toml:2"):
        load(f, env={})


def test_unknown_weekday_and_clinic_are_named():
    with pytest.raises(ConfigError, match="weekday"):
        parse('[[clinics]]\ncode="A"\nname="A"\n[[templates]]\nclinic="A"\ndays=["funday"]\n'
              'part="morning"\nstart="07:00"\nend="08:00"\ncapacity=1\n', None, env={})
    with pytest.raises(ConfigError, match="unknown clinic"):
        parse('[[templates]]\nclinic="B"\ndays=["mon"]\npart="morning"\nstart="07:00"\n'
              'end="08:00"\ncapacity=1\n', None, env={})


def test_lookup_order_and_env_database_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load(None, env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")})
    assert cfg.path is None and cfg.clinics[0].code == "KB"  # built-in defaults
    assert cfg.database_url.endswith("data/recall/recall.db")
    (tmp_path / "recall.toml").write_text('[database]\nurl = "sub/x.db"\n', encoding="utf-8")
    cfg = load(None, env={})
    assert cfg.database_url == f"sqlite:///{tmp_path / 'sub' / 'x.db'}"  # relative to file
    cfg = load(None, env={"RECALL_DATABASE_URL": "postgresql://h/db"})
    assert cfg.database_url == "postgresql://h/db"
    other = tmp_path / "other.toml"
    other.write_text('[facility]\nname = "Khác"\n', encoding="utf-8")
    assert load(None, env={"RECALL_CONFIG": str(other)}).facility_name == "Khác"
    assert load(other, env={"RECALL_CONFIG": "/nope"}).facility_name == "Khác"


def test_missing_config_file_exits_4_json(tmp_path, capsys):
    code = main(["today", "--config", str(tmp_path / "missing.toml"), "--json"])
    assert code == 4
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "config"


def test_unreachable_database_exits_4(tmp_path, capsys):
    f = tmp_path / "recall.toml"
    f.write_text('[database]\nurl = "postgresql://nobody@127.0.0.1:1/x"\n', encoding="utf-8")
    code = main(["today", "--config", str(f), "--json"])
    assert code == 4
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "db.unavailable"


def test_desk_cursor_blink_is_a_yes_or_no(tmp_path):
    assert parse("[desk]\ncursor_blink = false\n", None, env={}).cursor_blink is False
    assert parse("", None, env={}).cursor_blink is True
    with pytest.raises(ConfigError, match="desk.cursor_blink"):
        parse('[desk]\ncursor_blink = "no"\n', None, env={})


def test_the_desk_takes_config_and_now_and_nothing_else():
    from recall_tui.entry import desk_options

    assert desk_options([]) == {}
    assert desk_options(["--config", "a.toml", "--now=2026-11-25T09:00"]) == {
        "config": "a.toml", "now": "2026-11-25T09:00"}
    assert desk_options(["today"]) is None
    assert desk_options(["--now"]) is None  # a value is missing: the CLI explains


def test_a_bad_now_for_the_desk_is_refused_before_the_screen(tmp_path, capsys):
    cfg = tmp_path / "recall.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "r.db"}"\n', encoding="utf-8")
    assert main(["--config", str(cfg), "--now", "yesterday"]) == 2
    err = capsys.readouterr().err
    assert "--now" in err and "yesterday" in err and "Traceback" not in err
