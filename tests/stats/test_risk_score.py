"""No-show risk in use: train on the clinic's own history, score the appointments ahead
(from what is known before their day), order the call list; a clear message without a
model (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from recall_tui.entry import main

pytestmark = pytest.mark.storage
SEED = 5


@pytest.fixture
def model_file(tmp_path, monkeypatch):
    path = tmp_path / "models" / "risk.json"
    monkeypatch.setenv("RECALL_RISK_MODEL", str(path))
    return path


@pytest.fixture
def trained(ctx, now, model_file):
    pytest.importorskip("sklearn", reason="scikit-learn is the optional risk extra")
    from recall_tui.services import attendance, demo, risk

    demo.generate(ctx, patients=250, days=120, seed=SEED, now=now)
    attendance.sweep(ctx, now=now)  # yesterday's no-shows go on the call list
    res = risk.train(ctx, now=now, save=True)
    assert res.saved_to == str(model_file) and model_file.is_file()
    return res


def test_scores_of_the_appointments_ahead(ctx, now, trained, model_file):
    from recall_tui.services import risk

    meta = json.loads(model_file.read_text(encoding="utf-8"))
    assert meta["trained_at"].startswith("2026-11-25") and set(meta["auc"]) == {"patient", "time"}
    assert len(meta["features"]) == len(meta["coefficients"])

    res = risk.score_upcoming(ctx, now=now, days=14)
    scored = res.appointments
    assert len(scored) > 20
    assert all(0.0 <= a.risk <= 1.0 for a in scored)
    assert res.start == now.date() and res.end == now.date() + timedelta(days=13)
    assert all(res.start <= a.day <= res.end for a in scored)
    assert [a.risk for a in scored] == sorted((a.risk for a in scored), reverse=True)
    # deterministic: scoring again, and training again, give the same numbers
    assert risk.score_upcoming(ctx, now=now, days=14) == res
    risk.train(ctx, now=now, save=True)
    assert [a.risk for a in risk.score_upcoming(ctx, now=now, days=14).appointments] == [
        a.risk for a in scored]
    # what the score knew: the patient's outcomes dated before today, and none of them
    history = [v for v in risk.load_visits(ctx) if v.day < now.date() and v.no_show is not None]
    for a in scored[:10]:
        mine = [v for v in history if v.patient == a.patient_id]
        assert (a.prior_visits, a.prior_no_shows) == (len(mine), sum(v.no_show for v in mine))
    # patients who missed before are scored higher, on average
    missed = [a.risk for a in scored if a.prior_no_shows > 0]
    never = [a.risk for a in scored if a.prior_no_shows == 0]
    assert missed and never
    assert sum(missed) / len(missed) > sum(never) / len(never)
    # the top fifth of the training scores is "worth a call"
    assert any(a.high for a in scored) and not all(a.high for a in scored)
    assert all(a.high == (a.risk >= res.high_risk) for a in scored)


def test_the_call_list_is_ordered_by_risk_once_a_model_exists(ctx, now, trained):
    from recall_tui.services import outreach

    plain = outreach.open_tasks(ctx)
    by_risk = outreach.open_tasks(ctx, now=now)
    assert len(plain) == len(by_risk) > 1
    assert all(t.risk is None for t in plain) and all(0 <= t.risk <= 1 for t in by_risk)
    assert [t.risk for t in by_risk] == sorted((t.risk for t in by_risk), reverse=True)
    assert {t.id for t in plain} == {t.id for t in by_risk}


def test_without_a_model_nothing_changes_and_scoring_says_how(ctx, now, model_file):
    from recall_tui.core.errors import Refused
    from recall_tui.services import demo, outreach, risk

    demo.generate(ctx, patients=60, days=30, seed=SEED, now=now)
    assert [t.risk for t in outreach.open_tasks(ctx, now=now)] == [
        None for _ in outreach.open_tasks(ctx)]
    with pytest.raises(Refused) as exc:
        risk.score_upcoming(ctx, now=now)
    assert exc.value.exit_code == 3 and "recall risk train" in exc.value.message("en")
    model_file.parent.mkdir(parents=True)
    model_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(Refused, match="train"):
        risk.score_upcoming(ctx, now=now)


def _cli(config_file, capsys, *args):
    code = main([*args, "--config", str(config_file), "--now", "2026-11-25T08:00"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_score_without_a_model_exits_3_with_a_message(config_file, capsys, model_file):
    code, out, err = _cli(config_file, capsys, "risk", "score")
    assert code == 3 and "recall risk train" in err and "Traceback" not in err + out
    code, out, _ = _cli(config_file, capsys, "risk", "score", "--json")
    assert code == 3 and json.loads(out)["error"]["code"] == "risk.no_model"
    code, _, err = _cli(config_file, capsys, "risk", "score", "--days", "0")
    assert code == 1 and "Traceback" not in err


def test_cli_train_then_score(ctx, now, config_file, capsys, model_file):
    pytest.importorskip("sklearn", reason="scikit-learn is the optional risk extra")
    from recall_tui.services import demo

    demo.generate(ctx, patients=250, days=120, seed=SEED, now=now)
    code, out, _ = _cli(config_file, capsys, "risk", "train")
    assert code == 0 and "ROC AUC" in out and str(model_file) in out
    code, out, _ = _cli(config_file, capsys, "risk", "score", "--days", "3", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["start"] == "2026-11-25" and doc["end"] == "2026-11-27"
    assert doc["appointments"] and all(0 <= a["risk"] <= 1 for a in doc["appointments"])
    code, out, _ = _cli(config_file, capsys, "risk", "score", "--days", "3")
    assert code == 0 and "%" in out
