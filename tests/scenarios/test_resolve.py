"""Finding a scenario by name reads headers, not whole files, and agrees with the listing;
scenarios changed in memory (what-ifs) are validated again as their files were."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.errors import InputError
from guarantor.scenarios import list_scenarios, load_scenario, loader, resolve_scenario_path
from guarantor.sourcing.options import SourcingOptions, apply_what_ifs

BASE = "mnf-u-2026-01"


def _variant(name: str, title: str, tail: str = "") -> str:
    """A variant of the base scenario: top-level keys, then (optionally) a table."""
    return f'name = "{name}"\ntitle = "{title}"\nbase = "{BASE}"\n' + tail


def test_a_bundled_name_resolves_without_parsing_a_whole_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GUARANTOR_SCENARIO_PATH", raising=False)
    parsed: list[int] = []
    parse = loader._parse

    def counting(text: str, where: str) -> dict[str, object]:
        parsed.append(len(text))
        return parse(text, where)

    monkeypatch.setattr(loader, "_parse", counting)
    path = resolve_scenario_path(BASE)
    assert path == loader.BUNDLED_DIR / f"{BASE}.toml"
    whole = len(path.read_text(encoding="utf-8"))
    assert len(parsed) == 1 and parsed[0] < whole / 4  # one header, not the file


#: Files a user's folder may hold: (file stem, its text). Names clash with each other and with
#: the bundled scenarios on purpose.
FILES = {
    "mine": _variant("mine", "named after its file"),
    "copy": _variant(BASE, "claims the bundled scenario's name"),
    "other": _variant("mine", "claims a name another file of the folder bears"),
    "bracket": (
        'name = "bracket"\ntitle = """multi-line\n[not a table]\n"""\n'
        f'base = "{BASE}"\n[ukraine]\npersonnel = 1\n'
    ),
    "broken": _variant("broken", "bad after the header", "[ukraine\n"),
}


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(sorted(FILES)), min_size=1))
def test_names_resolve_to_the_files_the_listing_names(
    tmp_path_factory: pytest.TempPathFactory, chosen: set[str]
) -> None:
    folder = tmp_path_factory.mktemp("scenarios")
    for stem in chosen:
        (folder / f"{stem}.toml").write_text(FILES[stem], encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GUARANTOR_SCENARIO_PATH", str(folder))
        listed = list_scenarios()
        assert len({s.name for s in listed}) == len(listed)
        for info in listed:
            assert resolve_scenario_path(info.name) == info.path, info.name
        names = {s.name for s in listed}
        if "copy" in chosen:  # the user's folder comes before the bundled one
            assert next(s for s in listed if s.name == BASE).path == folder / "copy.toml"
        if "mine" in chosen:  # within a folder the file named after the scenario wins
            assert next(s for s in listed if s.name == "mine").path == folder / "mine.toml"
        if "bracket" in chosen:
            assert next(s for s in listed if s.name == "bracket").title.startswith("multi-line")
        if "broken" in chosen:
            assert "broken" in names
            with pytest.raises(InputError, match="not valid TOML"):
                load_scenario("broken")
        with pytest.raises(InputError, match="no such scenario; known: ") as err:
            resolve_scenario_path("no-such-scenario")
        assert all(n in str(err.value) for n in names)


def test_what_ifs_are_validated_again_once_applied() -> None:
    sc = load_scenario(BASE)
    assert apply_what_ifs(sc, SourcingOptions(approval_day=10)).parliamentary_approval_day == 10
    # Options that skipped their own checks cannot make the scenario invalid unnoticed.
    unchecked = SourcingOptions.model_construct(approval_day=99_999)
    with pytest.raises(InputError, match=r"what-if.*parliamentary_approval_day"):
        apply_what_ifs(sc, unchecked)


def test_a_file_read_in_full_and_by_header_agree(tmp_path: Path) -> None:
    for stem, text in FILES.items():
        path = tmp_path / f"{stem}.toml"
        path.write_text(text, encoding="utf-8")
        if stem == "broken":
            continue
        _, full = loader._read(path)
        header = loader._header(path)
        assert {k: full[k] for k in ("name", "title", "base")} == {
            k: header[k] for k in ("name", "title", "base")
        }
