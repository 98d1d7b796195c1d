"""Air and missile defence: the calibrated design raid with and without the coalition, the prior
as a sensitivity, and the campaign."""

from __future__ import annotations

from guarantor.assessment.air import AirSection
from guarantor.report.blocks import Block, Chart, Note, Section, Table, fmt, layout, with_interval


def _one(v: float) -> str:
    return f"{v:,.1f}"


def _share(v: float) -> str:
    return f"{v:.1%}"


def _design_note(air: AirSection, scenario: str) -> Note:
    weapons = ", ".join(f"{n} {k}" for k, n in air.design_raid_weapons.items())
    text = f"Design raid {air.design_raid}: {air.design_raid_size} weapons ({weapons})."
    if air.design_raid_from != scenario:
        text += (
            f" It is the design raid of {air.design_raid_from}: a comparison imposes one raid "
            "on every option it compares."
        )
    return Note(text, "warning" if air.design_raid_from != scenario else "info")


def _calibration(air: AirSection) -> list[Block]:
    lm, iv = air.leakers_mean, air.leakers_mean_interval
    alone, iv_alone = air.leakers_mean_ukraine_alone, air.leakers_mean_ukraine_alone_interval
    delta = air.leakers_mean_prior - lm
    note = f"The design raid runs with the layers' effectiveness {air.effectiveness}."
    if air.calibrated_until and air.calibrated_until not in air.effectiveness:
        note += f" Last report used: {air.calibrated_until}."
    note += (
        " The prior (the layers file's effectiveness alone) is not the headline: it shows how "
        "much the calibration moves the result."
    )
    table = Table(
        ["design raid", "leakers (mean)"],
        [
            [
                "with the coalition, calibrated effectiveness (headline)",
                with_interval(_one(lm), _one(iv.low), _one(iv.high)),
            ],
            [
                "Ukraine alone, calibrated effectiveness",
                with_interval(_one(alone), _one(iv_alone.low), _one(iv_alone.high)),
            ],
            [
                "with the coalition, prior effectiveness (sensitivity)",
                f"{_one(air.leakers_mean_prior)} ({_one(abs(delta))} "
                f"{'more' if delta >= 0 else 'fewer'} than calibrated)",
            ],
            [
                "share of the raid defeated (denial)",
                with_interval(
                    _share(air.denial),
                    _share(air.denial_interval.low),
                    _share(air.denial_interval.high),
                ),
            ],
        ],
        caption="Calibrated design raid, and the prior as a sensitivity",
    )
    return [Note(note), table]


def _weapons_table(air: AirSection) -> Table:
    raid, alone = air.raid, air.raid_ukraine_alone
    return Table(
        [
            "weapon",
            "launched",
            "neutralized (mean)",
            "p05",
            "p95",
            "neutralized, Ukraine alone (mean)",
        ],
        [
            [
                w.model,
                fmt(w.launched),
                fmt(w.neutralized_mean),
                fmt(w.neutralized_p05),
                fmt(w.neutralized_p95),
                fmt(u.neutralized_mean),
            ]
            for w, u in zip(raid.weapons, alone.weapons, strict=True)
        ],
        caption=f"Design raid {air.design_raid}: {raid.trials:,} trials",
    )


def _pair(name: str, with_c: float, alone: float, digits: int = 1) -> list[str]:
    return [name, fmt(with_c, digits), fmt(alone, digits)]


def _costs_table(air: AirSection) -> Table:
    raid, alone = air.raid, air.raid_ukraine_alone
    rows = [
        _pair("leakers (mean)", raid.leakers_mean, alone.leakers_mean),
        _pair("leakers (p95)", raid.leakers_p95, alone.leakers_p95),
        _pair(
            "defender cost, USD (mean)", raid.defender_cost_usd_mean, alone.defender_cost_usd_mean
        ),
        _pair("attacker cost, USD", raid.attacker_cost_usd, alone.attacker_cost_usd),
        _pair(
            "cost-exchange ratio (defender/attacker)",
            raid.cost_exchange_ratio_mean,
            alone.cost_exchange_ratio_mean,
            2,
        ),
    ]
    rows += [
        [
            f"interceptors used: {k}",
            fmt(v),
            fmt(alone.interceptors_used_mean.get(k, 0.0)),
        ]
        for k, v in raid.interceptors_used_mean.items()
    ]
    return Table(
        ["", "with coalition", "Ukraine alone"], rows, caption="One raid: outcome and cost"
    )


def _zone_chart(air: AirSection) -> Chart:
    raid, alone = air.raid, air.raid_ukraine_alone
    zones = list(raid.leakers_by_zone_mean)
    return Chart(
        "chart-leakers-zone",
        [
            {
                "type": "bar",
                "name": "with coalition",
                "x": zones,
                "y": [raid.leakers_by_zone_mean[z] for z in zones],
            },
            {
                "type": "bar",
                "name": "Ukraine alone",
                "x": zones,
                "y": [alone.leakers_by_zone_mean.get(z) for z in zones],
            },
        ],
        layout("Leakers by zone (mean)", barmode="group"),
    )


def _campaign_charts(air: AirSection) -> list[Block]:
    daily = air.campaign.daily
    days = [d.day for d in daily]
    leakers = Chart(
        "chart-campaign-leakers",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "leakers (mean)",
                "x": days,
                "y": [d.leakers_mean for d in daily],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "leakers (p95)",
                "x": days,
                "y": [d.leakers_p95 for d in daily],
                "line": {"dash": "dot"},
            },
        ],
        layout(
            f"Campaign of {air.campaign_days} nights: leakers per night",
            xaxis={"title": {"text": "day"}},
        ),
    )
    types = sorted({k for d in daily for k in d.stock_mean})
    stocks = Chart(
        "chart-campaign-stocks",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": t,
                "x": days,
                "y": [d.stock_mean.get(t) for d in daily],
            }
            for t in types
        ],
        layout(
            "Interceptor stocks (national, mean)",
            xaxis={"title": {"text": "day"}},
            yaxis={"type": "log"},
        ),
    )
    return [leakers, stocks]


def _runout_table(air: AirSection) -> Table:
    return Table(
        ["interceptor type", "share of trials running out", "day p05", "day p50", "day p95"],
        [
            [
                k,
                f"{v.share_run_out:.0%}",
                fmt(v.day_p05),
                fmt(v.day_p50),
                fmt(v.day_p95),
            ]
            for k, v in air.campaign.runout.items()
        ],
        caption="When interceptors run out",
    )


def _tempo_note(air: AirSection) -> Note:
    t = air.tempo
    return Note(
        f"Tempo: {t.source}; a raid on {t.raid_probability:.0%} of nights, "
        f"{t.mean_drones:.0f} drones and {t.mean_missiles:.1f} missiles on average."
    )


def air_section(air: AirSection, scenario: str) -> Section:
    """The design raid (calibrated, with the prior beside it), its cost, and the campaign."""
    return Section(
        "air-defence",
        "Air and missile defence",
        [
            _design_note(air, scenario),
            *_calibration(air),
            _tempo_note(air),
            _weapons_table(air),
            _costs_table(air),
            _zone_chart(air),
            *_campaign_charts(air),
            _runout_table(air),
        ],
    )
