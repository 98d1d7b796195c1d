"""Figures for the calibration: observed against predicted neutralized share by month."""

from __future__ import annotations

from typing import Any

from guarantor.airdefence.calibrate import Calibration


def calibration_figure(calibration: Calibration) -> Any:
    """A Plotly figure: monthly observed and predicted share by engagement class."""
    import plotly.graph_objects as go

    rows = calibration.monthly(calibration.fitted + calibration.holdout)
    fig = go.Figure()
    for e in calibration.fits:
        sel = [r for r in rows if r["engagement"] == e]
        months = [r["month"] for r in sel]
        fig.add_trace(
            go.Scatter(
                x=months,
                y=[r["observed_rate"] for r in sel],
                mode="markers",
                name=f"{e}: observed",
                text=[("held out" if r["held_out"] else "fitted") for r in sel],
            )
        )
        fig.add_trace(
            go.Scatter(
                x=months, y=[r["predicted_rate"] for r in sel], mode="lines", name=f"{e}: model"
            )
        )
    fig.add_vline(x=calibration.until.strftime("%Y-%m"), line_dash="dot")
    fig.update_layout(
        title=f"Neutralized share, national reports vs model (history to {calibration.until})",
        xaxis_title="month",
        yaxis_title="neutralized / launched",
        yaxis_range=[0, 1.02],
    )
    return fig
