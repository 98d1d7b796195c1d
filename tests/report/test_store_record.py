"""The report says which store, stored scenario and store version an assessment read, escaped;
an assessment of a file shows no such record."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest

from guarantor.assessment import Assessment, AssessOptions, assess
from guarantor.assessment.document import AssessmentDocument, StoreSource
from guarantor.report.build import render_report, summary_section
from guarantor.scenarios import load_scenario

SMALL = AssessOptions(raid_trials=300, campaign_trials=20, ground_runs=100)
EVIL = '<script>alert("x")</script>'
RECORD = StoreSource(
    url=f"sqlite:////srv/plans/{EVIL}.sqlite",
    scenario=f"cell-{EVIL}",
    version=4711,
    revision=3,
    changed_at="2026-12-01T09:30:00+00:00",
)


@pytest.fixture(scope="module")
def assessed() -> Assessment:
    return assess(load_scenario("mnf-u-2026-01"), seed=1, options=SMALL)


def _summary(page: str) -> str:
    m = re.search(r'<section id="summary" data-section="summary">(.*?)</section>', page, re.S)
    assert m
    return m.group(1)


def _subtitle(page: str) -> str:
    m = re.search(r"<header>\s*<h1>.*?</h1>\s*<p>(.*?)</p>", page, re.S)
    assert m
    return m.group(1)


def test_a_stored_assessment_shows_its_store_record_escaped(assessed: Assessment) -> None:
    doc = assessed.document.model_copy(update={"store": RECORD})
    page = render_report(doc)
    summary = html_lib.unescape(_summary(page))
    assert f"Read from the store {RECORD.url}" in summary
    assert f"stored scenario {RECORD.scenario} at store version 4711" in summary
    assert "scenario revision 3, last changed 2026-12-01T09:30:00+00:00" in summary
    assert "store version 4711" in html_lib.unescape(_subtitle(page))
    assert EVIL not in page  # the URL and the name reach the page as text only
    assert page.count("&lt;script&gt;alert(") == 2  # the URL and the name, in the summary


def test_a_file_assessment_shows_no_store_record(assessed: Assessment) -> None:
    page = render_report(assessed.document)
    assert "Read from the store" not in page and "store version" not in page


def test_the_record_survives_the_json_document(assessed: Assessment) -> None:
    """assessment.json, as stored and compared, carries the record to the summary too."""
    data: dict[str, Any] = assessed.document.model_copy(update={"store": RECORD}).to_data()
    assert AssessmentDocument.model_validate(data).store == RECORD
    texts = [getattr(b, "text", "") for b in summary_section(data).blocks]
    assert any(t.startswith("Read from the store") and "4711" in t for t in texts)
