"""Shared fixtures. Snapshots live in the top-level `snapshots/<test file>/` folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = ROOT / "snapshots"


class RootSVGImageExtension(pytest_textual_snapshot.SVGImageExtension):
    """Keeps each test file's SVGs in snapshots/<test file name>/, not tests/__snapshots__."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOT_DIR / Path(test_location.filepath).stem)


@pytest.fixture
def snapshot(snapshot, monkeypatch):
    # snap_compare looks the extension up by module name at call time: swap it for ours.
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", RootSVGImageExtension)
    return snapshot
