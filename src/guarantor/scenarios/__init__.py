"""Bundled scenario files (TOML) and their loader: validation, variants, listing and export."""

from guarantor.scenarios.loader import (
    ScenarioInfo,
    default_scenario_name,
    list_scenarios,
    load_scenario,
    load_scenario_text,
    resolve_scenario_path,
    scenario_schema,
    scenario_to_toml,
)

__all__ = [
    "ScenarioInfo",
    "default_scenario_name",
    "list_scenarios",
    "load_scenario",
    "load_scenario_text",
    "resolve_scenario_path",
    "scenario_schema",
    "scenario_to_toml",
]
