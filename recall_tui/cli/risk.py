"""`recall risk train | score`: learn the no-show risk from the clinic's history; score the
appointments ahead."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import ConfigOpt, JsonOpt, NowOpt, run

risk_app = typer.Typer(help="No-show risk (training needs the optional scikit-learn).",
                       no_args_is_help=True)


@risk_app.command("train")
def train(json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Fit the model on past visits; validate by patient and by time (ROC AUC); save it."""
    from ..services import risk

    with run(json_, config) as r:
        res = risk.train(r.ctx, now=r.now(now), save=True)

        def human(x):
            typer.echo(f"Learned from {x.visits:,} past visits ({x.no_shows:,} no-shows).")
            for v in x.validations:
                typer.echo(f"  split by {v.split:<7}: ROC AUC {v.auc:.3f} "
                           f"(train {v.train:,}, test {v.test:,}, test no-show rate "
                           f"{100 * v.test_no_show_rate:.1f}%)")
            typer.echo(f"  time split: test = visits on or after {x.time_cutoff.isoformat()}")
            typer.echo(f"  high risk: score ≥ {100 * x.high_risk:.1f}% (the top fifth)")
            typer.echo(f"Saved: {x.saved_to}")

        r.done(res, human)


@risk_app.command("score")
def score(days: Annotated[int, typer.Option(help="Days ahead, today included.")] = 14,
          json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """The risk of each booked appointment in the coming days, highest first."""
    from ..services import risk

    with run(json_, config) as r:
        res = risk.score_upcoming(r.ctx, now=r.now(now), days=days)

        def human(x):
            auc = ", ".join(f"{k} {v:.3f}" for k, v in sorted(x.auc.items()))
            typer.echo(f"{len(x.appointments)} appointments {x.start:%d/%m/%Y}–"
                       f"{x.end:%d/%m/%Y}, highest risk first (model of {x.trained_at[:16]}; "
                       f"AUC {auc}). ! = worth a phone call.")
            for a in x.appointments:
                typer.echo(f"{'!' if a.high else ' '} {100 * a.risk:5.1f}%  {a.day:%d/%m} "
                           f"{a.part:<9} {a.clinic:<5} {a.code:<12} {a.mrn:<10} {a.patient} "
                           f"· {a.prior_no_shows}/{a.prior_visits} missed · "
                           f"{a.phones[0] if a.phones else '-'}")

        r.done(res, human)
