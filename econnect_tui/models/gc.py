"""The commercial management's data (« Gestion Commerciale »)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .validators import check_code, check_email, check_rate, check_siret


class Model(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, validate_assignment=True)


class Coded(Model):
    code: str

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        return check_code(v)


class Company(Coded):
    name: str = Field(min_length=1)


class Site(Coded):
    name: str = Field(min_length=1)
    company_code: str


class Depot(Coded):
    name: str = Field(min_length=1)
    site_code: str


class CodeLabel(Coded):
    """Units, price categories and the families of articles, clients and suppliers."""

    label: str = Field(min_length=1)


class Article(Coded):
    id: int | None = None
    label: str = Field(min_length=1)
    family_code: str | None = None
    unit_code: str
    vat_rate: Decimal = Decimal(20)
    export_available: bool = False
    active: bool = True

    @field_validator("vat_rate")
    @classmethod
    def _vat_rate(cls, v: Decimal) -> Decimal:
        return check_rate(v)  # from 0 to 100 %, as a file's TauxTVA


class Price(Model):
    article_code: str
    price_category_code: str
    unit_code: str | None = None
    price: Decimal


class Stock(Model):
    article_code: str
    depot_code: str
    quantity: Decimal


class TiersKind(StrEnum):
    CLIENT = "client"
    SUPPLIER = "fournisseur"

    @property
    def label(self) -> str:
        return "Client" if self is TiersKind.CLIENT else "Fournisseur"


class Tiers(Coded):
    """A client or a supplier."""

    id: int | None = None
    kind: TiersKind = TiersKind.CLIENT
    civility: str | None = None
    name: str = Field(min_length=1)
    address1: str | None = None
    address2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = "France"
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    family_code: str | None = None
    payment_method: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return check_email(v) if v else None

    @field_validator("siret")
    @classmethod
    def _siret(cls, v: str | None) -> str | None:
        return check_siret(v) if v else None


class Contact(Model):
    id: int | None = None
    parent_kind: TiersKind
    parent_code: str
    code: str | None = None
    civility: str | None = None
    last_name: str = Field(min_length=1)
    first_name: str | None = None
    function: str | None = None
    phone: str | None = None
    mobile: str | None = None
    email: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return check_email(v) if v else None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.civility, self.first_name, self.last_name) if p)


class ArticleFilter(Model):
    """Structured criteria, all of which must hold: never SQL typed by a user."""

    id: int | None = None
    name: str = Field(min_length=1)
    families: list[str] = []
    code_prefix: str | None = None
    label_contains: str | None = None
    export_available: bool | None = None
    active: bool | None = None


class ClientFilter(Model):
    id: int | None = None
    name: str = Field(min_length=1)
    families: list[str] = []
    postal_code_prefix: str | None = None
    city: str | None = None


class DocType(StrEnum):
    ORDER = "commande"
    DELIVERY = "livraison"

    @property
    def label(self) -> str:
        return "Commande" if self is DocType.ORDER else "Bon de livraison"

    @property
    def prefix(self) -> str:
        return "CD" if self is DocType.ORDER else "BL"


class DocStatus(StrEnum):
    DRAFT = "brouillon"
    VALIDATED = "valide"
    INVOICED = "facture"

    @property
    def label(self) -> str:
        return {"brouillon": "Brouillon", "valide": "Validé", "facture": "Facturé"}[self.value]


class DocumentLine(Model):
    position: int
    article_code: str
    label: str
    quantity: Decimal
    unit_code: str | None = None
    unit_price: Decimal
    discount_percent: Decimal | None = None
    vat_rate: Decimal
    amount_ht: Decimal
    intervention_date: date | None = None
    work_site: str | None = None
    surface: Decimal | None = None
    driver: str | None = None
    equipment: str | None = None


class LineValues(NamedTuple):
    """A document line as a reception builds thousands of them: same fields as DocumentLine,
    a tuple's cost (the store reads either by attribute)."""

    position: int
    article_code: str
    label: str
    quantity: Decimal
    unit_code: str | None
    unit_price: Decimal
    discount_percent: Decimal | None
    vat_rate: Decimal
    amount_ht: Decimal
    intervention_date: date | None
    work_site: str | None
    surface: Decimal | None
    driver: str | None
    equipment: str | None


class Document(Model):
    id: int | None = None
    doc_type: DocType
    number: str
    date: date
    company_code: str
    site_code: str
    depot_code: str
    client_code: str
    client_name: str | None = None
    payment_method: str | None = None
    reference: str | None = None
    comment: str | None = None
    status: DocStatus = DocStatus.DRAFT
    connector_code: str | None = None
    external_id: str | None = None
    total_ht: Decimal = Decimal(0)
    total_vat: Decimal = Decimal(0)
    total_ttc: Decimal = Decimal(0)
    lines: list[DocumentLine] = []
