"""`recall risk train`: learn the no-show risk from the clinic's history; report its AUCs."""

from __future__ import annotations

import typer

from .common import ConfigOpt, JsonOpt, NowOpt, run

risk_app = typer.Typer(help="No-show risk (needs the optional scikit-learn).",
                       no_args_is_help=True)


@risk_app.command("train")
def train(json_: JsonOpt = False, now: NowOpt = None, config: ConfigOpt = None):
    """Fit the model on past visits; validate by patient and by time (ROC AUC)."""
    from ..services import risk

    with run(json_, config) as r:
        res = risk.train(r.ctx, now=r.now(now))

        def human(x):
            typer.echo(f"Learned from {x.visits:,} past visits ({x.no_shows:,} no-shows).")
            for v in x.validations:
                typer.echo(f"  split by {v.split:<7}: ROC AUC {v.auc:.3f} "
                           f"(train {v.train:,}, test {v.test:,}, test no-show rate "
                           f"{100 * v.test_no_show_rate:.1f}%)")
            typer.echo(f"  time split: test = visits on or after {x.time_cutoff.isoformat()}")

        r.done(res, human)
