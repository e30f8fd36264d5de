"""Builders of ETA software files (ImportDocuments, ImportTiers) and of a reception setup."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from econnect_tui.db import open_db
from econnect_tui.models.gc import DocType, Document, DocumentLine
from econnect_tui.store import mappings
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector, load_sample_gc

DOC_HEADER = [
    "NumeroDocument",
    "DateDocument",
    "CodeClient",
    "NomClient",
    "ModeReglement",
    "NumeroLigne",
    "CodeArticle",
    "LibelleArticle",
    "Quantite",
    "Unite",
    "PrixUnitaireHT",
    "TauxTVA",
    "MontantHT",
    "TotalTTC",
]
TIERS_HEADER = [
    "TypeTiers",
    "CodeTiers",
    "CodeTiersParent",
    "Civilite",
    "Nom",
    "Prenom",
    "Telephone",
    "Email",
    "Siret",
]


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


def doc_rows(
    numero,
    client="0701",
    lines=(("FT-LAB", "Labour", "2", "95"),),
    date="18/11/2026",
    name="EARL du Moulin",
    mode="Chèques",
    total=None,
    rate="20",
):
    """Rows of one document; TotalTTC computed unless given."""
    amounts = []
    for _, _, qty, price in lines:
        amounts.append((Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    ht = sum(amounts, Decimal(0))
    ttc = ht + (ht * Decimal(rate) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    total = money(ttc) if total is None else total
    rows = []
    for i, ((code, label, qty, price), amount) in enumerate(zip(lines, amounts), start=1):
        rows.append(
            [
                numero,
                date,
                client,
                name,
                mode,
                str(i),
                code,
                label,
                qty.replace(".", ","),
                "",
                price.replace(".", ","),
                rate,
                money(amount),
                total,
            ]
        )
    return rows


def csv_text(header, rows, sep=";") -> str:
    return "\r\n".join(sep.join(r) for r in [header, *rows]) + "\r\n"


class Setup:
    """A real database with the sample GC data, the FACILI connector (FT-<code> mapped for every
    article but SEMMAIS) and its folders."""

    def __init__(self, tmp_path: Path):
        self.path = tmp_path / "econnect.db"
        self.db = open_db(self.path)
        load_sample_gc(self.db)
        self.folder = tmp_path / "facili"
        connector = demo_connector(self.folder)
        save_connector(self.db, connector, new=True, create_folders=True)
        self.import_dir = self.folder / "import"
        self.export_dir = self.folder / "export"
        pairs = [
            (a, f"FT-{a}")
            for (a,) in self.db.execute("SELECT code FROM articles")
            if a != "SEMMAIS"
        ]
        mappings.set_many(self.db, "FACILI", pairs, "test")

    def drop(self, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = self.import_dir / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    def documents(self, name: str, rows, **kw) -> Path:
        return self.drop(name, csv_text(DOC_HEADER, rows), **kw)

    def tiers(self, name: str, rows) -> Path:
        return self.drop(name, csv_text(TIERS_HEADER, rows))

    def archived(self) -> list[str]:
        return sorted(p.name for p in (self.import_dir / "archive").rglob("*") if p.is_file())

    def rejected(self) -> list[str]:
        folder = self.import_dir / "erreurs"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    def waiting(self) -> list[str]:
        return sorted(p.name for p in self.import_dir.iterdir() if p.is_file())

    def gc_documents(self) -> dict[str, tuple]:
        """external id -> (number, status, total_ttc, line count)."""
        cur = self.db.execute(
            "SELECT d.external_id, d.number, d.status, d.total_ttc,"
            " (SELECT count(*) FROM document_lines l WHERE l.document_id = d.id)"
            " FROM documents d WHERE d.connector_code = 'FACILI'"
        )
        return {r[0]: tuple(r[1:]) for r in cur}


def report_rows(s: Setup, result):
    """The report rows of a reception (read from the history, as the screens do)."""
    from econnect_tui.store import history

    return history.get_run(s.db, result.run.id).rows


def gc_line(article: str, label: str, quantity: str, price: str, amount: str, **kw) -> DocumentLine:
    """A GC document line at position 1 (`position` and the other fields in `kw`), 20 % VAT."""
    values = {"position": 1, "vat_rate": Decimal("20"), **kw}
    return DocumentLine(
        article_code=article,
        label=label,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        amount_ht=Decimal(amount),
        **values,
    )


def gc_document(lines: list[DocumentLine], client: str = "0701", **kw) -> Document:
    """A delivery note of the sample GC (ETA1, CHARTRES, DEP1) dated 18/01/2026, from FACILI
    (external id F1 unless `kw` says otherwise)."""
    values = {"external_id": "F1", **kw}
    return Document(
        doc_type=DocType.DELIVERY,
        number="",
        date=date(2026, 1, 18),
        company_code="ETA1",
        site_code="CHARTRES",
        depot_code="DEP1",
        client_code=client,
        connector_code="FACILI",
        lines=lines,
        **values,
    )
