"""The store's repository: the one API the CLI and the web app use to read and write.

A :class:`Repository` works inside one session (one transaction); it never commits. Every
write is validated first (stored text, the pydantic models, then the scenario's
cross-reference checks), so bad input raises :class:`InputError` before anything reaches the
database, and every write leaves an audit entry with who, when, and the entity before and
after. Its parts live by what they hold:

- :mod:`guarantor.store.audit`: the session, the actor and the audit trail;
- :mod:`guarantor.store.scenario_access`: whole scenarios (list, export, import, remove);
- :mod:`guarantor.store.pledge_access`: single pledges, written at a version;
- :mod:`guarantor.store.pledge_import`: many pledges at once, in bulk.
"""

from __future__ import annotations

from guarantor.store.convert import deep_merge, pledge_from_row, pledge_to_values
from guarantor.store.inputs import ImportSummary, PledgeInput, StaleVersionError
from guarantor.store.pledge_access import NationCheck, PledgeAccess, pledge_state

__all__ = [
    "ImportSummary",
    "NationCheck",
    "PledgeInput",
    "Repository",
    "StaleVersionError",
    "deep_merge",
    "pledge_from_row",
    "pledge_state",
    "pledge_to_values",
]


class Repository(PledgeAccess):
    """Reads and writes scenarios, pledges and the audit trail inside one session.

    ``actor`` is who the audit names for every write made through this repository.
    """
