"""What waits for a connector (the dashboard's counts), and discarding waiting documents."""

from __future__ import annotations

from sqlite_utils import Database

from ...errors import UserError
from ...store import connectors as connectors_store
from ...store import staging
from ..connectors import export_folder_conflict, import_folder_conflict
from ..runs import operator
from .folder import import_folder, scan_folder
from .models import PendingStatus


def pending_status(db: Database, code: str) -> PendingStatus:
    """Files waiting in the import folder and items held back, for one connector."""
    connector = connectors_store.require_connector(db, code)
    files = 0
    error = import_folder_conflict(db, connector.code)
    try:
        folder = import_folder(connector)
        scan = scan_folder(folder)
        files = len(scan.files) + len(scan.settling)  # one still being written waits too
    except UserError as exc:
        error = str(exc)
    return PendingStatus(
        connector_code=connector.code,
        files_waiting=files,
        held_back_documents=staging.held_back_documents(db, connector.code),
        held_back_tiers=staging.held_back_tiers(db, connector.code),
        folder_error=error,
        folder_warning=export_folder_conflict(db, connector.code),
    )


def discard(db: Database, code: str, numeros: list[str] | None, user: str | None = None) -> int:
    """Drops held-back documents (all, or those numbers) after the operator confirmed: they
    are no longer offered. Returns how many."""
    connector = connectors_store.require_connector(db, code)
    return staging.discard_versions(db, connector.code, numeros, user or operator())
