"""`econnect init --demo`: sample GC data and a folder for the demo's exchange files."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from ..exchange.masterdata import KINDS
from .gcimport import import_master_file

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"

# Master data in dependency order: a file only refers to kinds loaded before it.
GC_ORDER = list(KINDS)


def load_sample_gc(db: Database, folder: Path = SAMPLE_DATA / "gc") -> dict[str, int]:
    loaded = {}
    for kind in GC_ORDER:
        path = folder / f"{kind}.csv"
        if path.exists():
            summary = import_master_file(db, kind, path)
            loaded[kind] = summary.created + summary.updated
    return loaded


def load_demo(db: Database, base: Path) -> Path:
    """Loads the sample GC data; returns the folder holding the demo's exchange folders."""
    load_sample_gc(db)
    folder = base / "echanges"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
