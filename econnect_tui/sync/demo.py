"""`econnect init --demo`: sample GC data, the FACILI connector and its exchange folders."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from ..exchange.masterdata import KINDS
from ..models.connector import (
    ArticlesToSend,
    ClientsToSend,
    Connector,
    ReceiveSettings,
    SendSettings,
    UpdateMode,
)
from ..models.gc import DocType
from ..store import connectors as connectors_store
from .connectors import save_connector
from .gcimport import import_master_file

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
DEMO_CONNECTOR = "FACILI"

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


def demo_connector(folder: Path) -> Connector:
    return Connector(
        code=DEMO_CONNECTOR,
        import_path=str(folder / "import"),
        export_path=str(folder / "export"),
        send=SendSettings(
            articles=ArticlesToSend.EXPORT,
            price_category="TARIF1",
            depot="DEP1",
            clients=ClientsToSend.ALL,
            contacts=True,
        ),
        receive=ReceiveSettings(
            doc_type=DocType.DELIVERY,
            company="ETA1",
            site="CHARTRES",
            depot="DEP1",
            client_family="AGRI",
            supplier_family="INTRANTS",
            update_mode=UpdateMode.AT_OPENING,
        ),
    )


def load_demo(db: Database, base: Path) -> Path:
    """Loads the sample GC data and the FACILI connector; returns its exchange folder."""
    load_sample_gc(db)
    folder = (base / DEMO_CONNECTOR.lower()).resolve()
    connector = demo_connector(folder)
    new = connectors_store.get_connector(db, DEMO_CONNECTOR) is None
    save_connector(db, connector, new=new, create_folders=True)
    return folder
