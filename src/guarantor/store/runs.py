"""Model runs started from the web app: kind, scenario, parameters, status, progress, result.

A run row is written when a job is queued and updated as it goes, so any server process (or a
later one) can report it. Runs left queued or running by a process that stopped are marked
failed when the next server starts (:func:`fail_interrupted`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Float, Index, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from guarantor.errors import NotFoundError
from guarantor.store.schema import Base, JSONType, UTCDateTime, utcnow


class RunStatus(StrEnum):
    """Where a run is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RunRow(Base):
    """One run of a model on a stored scenario."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    scenario: Mapped[str] = mapped_column(String(128))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Run(BaseModel):
    """A run as reported by the API (without its result, which can be large)."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    scenario: str
    params: dict[str, Any]
    status: RunStatus
    progress: float
    message: str | None
    error: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _run(row: RunRow) -> Run:
    return Run(
        id=row.id,
        kind=row.kind,
        scenario=row.scenario,
        params=dict(row.params or {}),
        status=RunStatus(row.status),
        progress=row.progress,
        message=row.message,
        error=row.error,
        created_by=row.created_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def create_run(
    session: Session, kind: str, scenario: str, params: dict[str, Any], actor: str
) -> Run:
    """Record a queued run and return it."""
    row = RunRow(
        id=uuid.uuid4().hex,
        kind=kind,
        scenario=scenario,
        params=params,
        status=RunStatus.QUEUED.value,
        progress=0.0,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _run(row)


def _row(session: Session, run_id: str) -> RunRow:
    row = session.get(RunRow, run_id)
    if row is None:
        raise NotFoundError(f"no run {run_id!r}")
    return row


def get_run(session: Session, run_id: str) -> Run:
    """A run by id."""
    return _run(_row(session, run_id))


def run_result(session: Session, run_id: str) -> tuple[Run, dict[str, Any] | None]:
    """A run and its result (None until it has succeeded)."""
    row = _row(session, run_id)
    return _run(row), (dict(row.result) if row.result is not None else None)


def list_runs(session: Session, limit: int = 50) -> list[Run]:
    """The most recent runs, newest first."""
    rows = session.scalars(select(RunRow).order_by(RunRow.created_at.desc()).limit(limit))
    return [_run(r) for r in rows]


def mark_running(session: Session, run_id: str) -> None:
    """The job has started."""
    row = _row(session, run_id)
    row.status = RunStatus.RUNNING.value
    row.started_at = utcnow()


def set_progress(session: Session, run_id: str, fraction: float, message: str | None) -> None:
    """Record progress (0..1) and a short message."""
    row = _row(session, run_id)
    row.progress = min(max(float(fraction), 0.0), 1.0)
    if message is not None:
        row.message = message[:500]


def finish_run(session: Session, run_id: str, result: dict[str, Any]) -> None:
    """The job succeeded with a JSON result."""
    row = _row(session, run_id)
    row.status = RunStatus.SUCCEEDED.value
    row.progress = 1.0
    row.result = result
    row.finished_at = utcnow()


def fail_run(session: Session, run_id: str, error: str) -> None:
    """The job failed; ``error`` says why in a sentence."""
    row = _row(session, run_id)
    row.status = RunStatus.FAILED.value
    row.error = error[:2000]
    row.finished_at = utcnow()


def fail_interrupted(session: Session) -> int:
    """Mark runs a stopped server left queued or running as failed; returns how many."""
    result = session.execute(
        update(RunRow)
        .where(RunRow.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value]))
        .values(
            status=RunStatus.FAILED.value,
            error="the server stopped before the run finished",
            finished_at=utcnow(),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
