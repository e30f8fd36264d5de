"""The GC master data files loaded by `econnect gc import KIND FILE`: their columns and how a row
maps onto model fields. Pure: no database here (reference checks are done by sync.gcimport)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models.validators import check_amount, check_quantity, check_rate
from .csv import ColumnKind as K
from .csv import CsvRow, Layout
from .csv import column as _c
from .facilitime import CONTACT_FIELDS, TIERS_FIELDS


@dataclass(frozen=True)
class MasterKind:
    kind: str
    title: str  # French, for messages: « articles »
    layout: Layout
    fields: dict[str, str]  # CSV column -> model field
    key: tuple[str, ...]  # CSV columns identifying a record (duplicates in a file are refused)

    def given(self, row: CsvRow) -> dict[str, object]:
        """The model fields this row gives a value to (empty cells give none)."""
        return {
            field: row.values[col]
            for col, field in self.fields.items()
            if row.values.get(col) is not None
        }


def _kind(kind, title, columns, fields, key) -> MasterKind:
    return MasterKind(kind, title, Layout(tuple(columns)), dict(fields), tuple(key))


_CODE_LABEL = (
    [_c("Code", K.CODE, True), _c("Libelle", K.TEXT, True, "Libellé", "Nom")],
    {"Code": "code", "Libelle": "label"},
    ["Code"],
)

_TIERS_COLUMNS = [
    _c("Civilite"),
    _c("Nom", K.TEXT, True),
    _c("Adresse1"),
    _c("Adresse2"),
    _c("CodePostal"),
    _c("Ville"),
    _c("Pays"),
    _c("Telephone"),
    _c("Mobile"),
    _c("Email", K.TEXT, False, "Mail", "Courriel"),
    _c("Siret"),
    _c("NumeroTVA"),
    _c("Famille", K.CODE),
    _c("ModeReglement"),
]
# The ETA software's tiers columns, plus the family (the GC knows its families).
_TIERS_FIELDS = {**TIERS_FIELDS, "Famille": "family_code"}

KINDS: dict[str, MasterKind] = {
    k.kind: k
    for k in (
        _kind(
            "entreprises",
            "entreprises",
            [_c("Code", K.CODE, True), _c("Nom", K.TEXT, True)],
            {"Code": "code", "Nom": "name"},
            ["Code"],
        ),
        _kind(
            "sites",
            "sites",
            [_c("Code", K.CODE, True), _c("Nom", K.TEXT, True), _c("CodeEntreprise", K.CODE, True)],
            {"Code": "code", "Nom": "name", "CodeEntreprise": "company_code"},
            ["Code"],
        ),
        _kind(
            "depots",
            "dépôts",
            [_c("Code", K.CODE, True), _c("Nom", K.TEXT, True), _c("CodeSite", K.CODE, True)],
            {"Code": "code", "Nom": "name", "CodeSite": "site_code"},
            ["Code"],
        ),
        _kind("unites", "unités", *_CODE_LABEL),
        _kind("categories-tarifaires", "catégories tarifaires", *_CODE_LABEL),
        _kind("familles-articles", "familles d'articles", *_CODE_LABEL),
        _kind("familles-clients", "familles de clients", *_CODE_LABEL),
        _kind("familles-fournisseurs", "familles de fournisseurs", *_CODE_LABEL),
        _kind(
            "articles",
            "articles",
            [
                _c("CodeArticle", K.CODE, True),
                _c("Libelle", K.TEXT, True, "Libellé"),
                _c("Famille", K.CODE),
                _c("Unite", K.CODE, True, "Unité"),
                _c("TauxTVA", K.DECIMAL, check=check_rate),
                _c("DisponibleExport", K.BOOL),
                _c("Actif", K.BOOL),
            ],
            {
                "CodeArticle": "code",
                "Libelle": "label",
                "Famille": "family_code",
                "Unite": "unit_code",
                "TauxTVA": "vat_rate",
                "DisponibleExport": "export_available",
                "Actif": "active",
            },
            ["CodeArticle"],
        ),
        _kind(
            "tarifs",
            "tarifs",
            [
                _c("CodeArticle", K.CODE, True),
                _c("CategorieTarifaire", K.CODE, True),
                _c("Unite", K.CODE),
                _c("PrixHT", K.DECIMAL, True, check=check_amount),
            ],
            {
                "CodeArticle": "article_code",
                "CategorieTarifaire": "price_category_code",
                "Unite": "unit_code",
                "PrixHT": "price",
            },
            ["CodeArticle", "CategorieTarifaire", "Unite"],
        ),
        _kind(
            "stocks",
            "stocks",
            [
                _c("CodeArticle", K.CODE, True),
                _c("Depot", K.CODE, True, "Dépôt"),
                _c("Quantite", K.DECIMAL, True, check=check_quantity),
            ],
            {"CodeArticle": "article_code", "Depot": "depot_code", "Quantite": "quantity"},
            ["CodeArticle", "Depot"],
        ),
        _kind(
            "clients",
            "clients",
            [_c("CodeClient", K.CODE, True), *_TIERS_COLUMNS],
            {"CodeClient": "code", **_TIERS_FIELDS},
            ["CodeClient"],
        ),
        _kind(
            "fournisseurs",
            "fournisseurs",
            [_c("CodeFournisseur", K.CODE, True), *_TIERS_COLUMNS],
            {"CodeFournisseur": "code", **_TIERS_FIELDS},
            ["CodeFournisseur"],
        ),
        _kind(
            "contacts",
            "contacts",
            [
                _c("CodeTiers", K.CODE, True),
                # Not in the contract: lets a file say which tiers when a client and a supplier
                # share a code. Optional; clients are looked up first.
                _c("TypeTiers", K.CODE),
                _c("CodeContact", K.CODE),
                _c("Civilite"),
                _c("Nom", K.TEXT, True),
                _c("Prenom", K.TEXT, False, "Prénom"),
                _c("Fonction"),
                _c("Telephone"),
                _c("Mobile"),
                _c("Email", K.TEXT, False, "Mail", "Courriel"),
            ],
            {
                "CodeTiers": "parent_code",
                "TypeTiers": "parent_type",
                "CodeContact": "code",
                **CONTACT_FIELDS,
            },
            ["CodeTiers", "TypeTiers", "CodeContact", "Nom", "Prenom"],
        ),
        _kind(
            "filtres-articles",
            "filtres d'articles",
            [
                _c("Nom", K.TEXT, True),
                _c("Famille", K.TEXT, False, "Familles"),
                _c("CodeCommencePar"),
                _c("LibelleContient"),
                _c("DisponibleExport", K.BOOL),
                _c("Actif", K.BOOL),
            ],
            {
                "Nom": "name",
                "Famille": "families",
                "CodeCommencePar": "code_prefix",
                "LibelleContient": "label_contains",
                "DisponibleExport": "export_available",
                "Actif": "active",
            },
            ["Nom"],
        ),
        _kind(
            "filtres-clients",
            "filtres de clients",
            [
                _c("Nom", K.TEXT, True),
                _c("Famille", K.TEXT, False, "Familles"),
                _c("CodePostalCommencePar"),
                _c("Ville"),
            ],
            {
                "Nom": "name",
                "Famille": "families",
                "CodePostalCommencePar": "postal_code_prefix",
                "Ville": "city",
            },
            ["Nom"],
        ),
    )
}
