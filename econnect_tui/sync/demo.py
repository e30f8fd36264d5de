"""`econnect init --demo`: sample GC data, the FACILI connector and its exchange folders."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from ..exchange.csv import read_csv
from ..exchange.mappingfile import MAPPING_LAYOUT
from ..exchange.masterdata import KINDS
from ..models.connector import (
    ArticlesToSend,
    ClientsToSend,
    Connector,
    ReceiveSettings,
    SendSettings,
    UpdateMode,
)
from ..models.gc import DocStatus, DocType
from ..store import connectors as connectors_store
from ..store import documents as documents_store
from ..store import mappings as mappings_store
from .connectors import save_connector
from .gcimport import import_master_file
from .reception import receive
from .runs import operator

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


def load_mappings(db: Database, code: str, path: Path) -> int:
    pairs = [
        (row.values["CodeArticle"], row.values["CodeArticleExterne"])
        for row in read_csv(path, MAPPING_LAYOUT)
    ]
    return mappings_store.set_many(db, code, pairs, operator())


def _drop(files: list[Path], folder: Path) -> None:
    for source in files:
        (folder / source.name).write_bytes(source.read_bytes())


def load_demo(db: Database, base: Path) -> Path:
    """Sample GC data, the FACILI connector with its correspondences, one reception already
    done (one of its documents since validated), and new ETA files waiting in the import
    folder. Returns the connector's exchange folder."""
    load_sample_gc(db)
    folder = (base / DEMO_CONNECTOR.lower()).resolve()
    connector = demo_connector(folder)
    new = connectors_store.get_connector(db, DEMO_CONNECTOR) is None
    save_connector(db, connector, new=new, create_folders=True)
    eta = SAMPLE_DATA / "eta"
    load_mappings(db, DEMO_CONNECTOR, eta / f"correspondances-{DEMO_CONNECTOR}.csv")
    if new:
        import_folder = Path(connector.import_path)
        _drop(sorted((eta / "historique").glob("*.csv")), import_folder)
        # Written whole just above: no quiet period (`Settings.settle_seconds`) to wait for.
        receive(db, DEMO_CONNECTOR, settle=0.0)
        for doc in documents_store.find_documents(db, "F259033_D260115"):
            documents_store.set_status(db, doc.id, DocStatus.VALIDATED)
        _drop(sorted((eta / "en_attente").glob("*.csv")), import_folder)
    return folder
