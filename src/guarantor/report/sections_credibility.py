"""Credibility: the scorecard with its interval and where its inputs came from, and the
adversary's decision model."""

from __future__ import annotations

from guarantor.assessment.credibility import CredibilitySection
from guarantor.assessment.credibility_results import ScorecardComponent
from guarantor.report.blocks import Chart, Note, Section, Table, fmt, layout, with_interval


def _inputs(x: ScorecardComponent) -> str:
    return "; ".join(
        f"{k}={fmt(v, 2) if isinstance(v, float) else v}" for k, v in x.inputs.model_dump().items()
    )


def _scorecard(c: CredibilitySection) -> Table:
    iv = c.score_interval
    score = with_interval(f"{c.score:.1f}", f"{iv.low:.1f}", f"{iv.high:.1f}")
    return Table(
        ["component", "score", "weight", "inputs", "rule"],
        [
            [
                x.name.replace("_", " "),
                f"{x.score:.0f}",
                fmt(x.weight, 2),
                _inputs(x),
                x.rule,
            ]
            for x in c.components
        ],
        caption=f"Credibility scorecard: {score} out of 100",
    )


def _inputs_from(c: CredibilitySection) -> Table:
    return Table(
        ["input", "where it came from"],
        [[k.replace("_", " "), v] for k, v in c.inputs_from.items()],
        caption="Where the scorecard's inputs came from",
    )


def _interval_note(c: CredibilitySection) -> Note:
    s = c.sensitivity
    return Note(
        f"The score's 90% interval ({c.score_interval.low:.1f} to {c.score_interval.high:.1f}) "
        "is the score at the ends of the intervals of the chance the ground holds and of the "
        "share of the raid defeated: it moves "
        f"{s.get('p_hold_ground', 0.0) / 100:.2f} points per percentage point of the first and "
        f"{s.get('air_denial', 0.0) / 100:.2f} per percentage point of the second."
    )


def _decision_note(c: CredibilitySection) -> Note:
    d = c.decision
    iv = c.expected_payoff_interval
    payoff = with_interval(f"{d.expected_payoff:.2f}", f"{iv.low:.2f}", f"{iv.high:.2f}")
    return Note(
        f"Adversary decision model: expected payoff of renewed war {payoff} "
        f"({'pays' if d.pays else 'does not pay'}); chance of success {d.p_success:.0%}, "
        f"chance of war with NATO states {d.p_nato_war:.0%}.",
        "warning" if d.pays else "good",
    )


def _thresholds(c: CredibilitySection) -> Table:
    return Table(
        ["threshold", "value", "meaning"],
        [
            [k.replace("_", " "), "none in range" if v is None else fmt(v, 2), note]
            for k, v, note in c.thresholds.crossings()
        ],
        caption="Break-even thresholds",
    )


def _tornado(c: CredibilitySection) -> Chart:
    tornado = sorted(c.decision.tornado, key=lambda t: t.swing)
    names = [t.name for t in tornado]
    return Chart(
        "chart-tornado",
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": "low",
                "y": names,
                "x": [t.payoff_low - t.base for t in tornado],
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "high",
                "y": names,
                "x": [t.payoff_high - t.base for t in tornado],
            },
        ],
        layout("Tornado: change in the adversary's expected payoff", barmode="overlay"),
    )


def credibility_section(c: CredibilitySection) -> Section:
    """Scorecard (with interval), its inputs' origins, the decision model, thresholds."""
    return Section(
        "credibility",
        "Credibility of the guarantee",
        [
            _scorecard(c),
            _interval_note(c),
            _inputs_from(c),
            _decision_note(c),
            _thresholds(c),
            _tornado(c),
            Note(CEASEFIRE_NOTE),
        ],
    )


#: Why the report has no ceasefire-durability figure (see the README's "Left out").
CEASEFIRE_NOTE = (
    "Not modelled: how long the ceasefire lasts. A survival model of cease-fires after "
    "interstate wars needs the published hazard ratios (V. P. Fortna, 'Scraps of Paper? "
    "Agreements and the Durability of Peace', International Organization 57(2), 2003; Peace "
    "Time, 2004) with the table each stands in; the copies the project could reach show the "
    "abstracts only, so no figure is given rather than one without its source."
)
