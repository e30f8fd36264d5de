"""A connector's settings (« E-connecteur »), as the wizard's steps and the TOML file name them.

Field names are English; aliases are the TOML keys of `econnect connector export|import`.
The model holds a connector as it is being set up (a wizard fills it step by step), so it only
checks formats; sync.connectors.connector_errors says what is missing or wrong, field by field,
against the GC's codes and the file system.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..text import escape_controls
from .gc import DocType

CODE_RE = re.compile(r"^[A-Za-z0-9_]{1,10}$")


class Liaison(StrEnum):
    SUIVI_ETA = "suivi-eta"
    PRESTASHOP = "prestashop"

    @property
    def label(self) -> str:
        return "Suivi ETA" if self is Liaison.SUIVI_ETA else "PrestaShop"


class Mode(StrEnum):
    CSV = "csv"
    WEBSERVICE = "webservice"

    @property
    def label(self) -> str:
        return "Fichier au format CSV" if self is Mode.CSV else "Webservice"


class ArticlesToSend(StrEnum):
    EXPORT = "disponibles-export"
    FILTER = "filtre"
    NONE = "aucun"

    @property
    def label(self) -> str:
        return {
            "disponibles-export": "Envoyer uniquement les articles disponibles en export",
            "filtre": "Envoyer les articles correspondants au filtre personnalisé",
            "aucun": "Ne pas envoyer les articles",
        }[self.value]


class ClientsToSend(StrEnum):
    ALL = "tous"
    FILTER = "filtre"
    NONE = "aucun"

    @property
    def label(self) -> str:
        return {
            "tous": "Envoyer tous les clients",
            "filtre": "Envoyer les clients correspondants au filtre personnalisé",
            "aucun": "Ne pas envoyer les clients",
        }[self.value]


class OutputEncoding(StrEnum):
    UTF8 = "utf-8-sig"
    CP1252 = "cp1252"

    @property
    def label(self) -> str:
        return "UTF-8 (avec BOM)" if self is OutputEncoding.UTF8 else "Windows-1252"


class UpdateMode(StrEnum):
    MANUAL = "manuelle"
    AT_OPENING = "ouverture"

    @property
    def label(self) -> str:
        return "Manuellement" if self is UpdateMode.MANUAL else "À l'ouverture de l'application"


def _blank_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


class _Settings(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", validate_assignment=True)


class SendSettings(_Settings):
    """« Paramétrer les envois »."""

    articles: ArticlesToSend = ArticlesToSend.NONE
    article_filter: str | None = Field(None, alias="filtre_articles")
    price_category: str | None = Field(None, alias="categorie_tarifaire")
    unit: str | None = Field(None, alias="unite")
    depot: str | None = None
    clients: ClientsToSend = ClientsToSend.NONE
    client_filter: str | None = Field(None, alias="filtre_clients")
    contacts: bool = False
    encoding: OutputEncoding = Field(OutputEncoding.UTF8, alias="encodage")

    _blanks = field_validator(
        "article_filter", "price_category", "unit", "depot", "client_filter", mode="before"
    )(_blank_to_none)


class ReceiveSettings(_Settings):
    """« Paramétrer les réceptions »."""

    doc_type: DocType = Field(DocType.DELIVERY, alias="type_document")
    company: str | None = Field(None, alias="entreprise")
    site: str | None = None
    depot: str | None = None
    client_family: str | None = Field(None, alias="famille_client")
    supplier_family: str | None = Field(None, alias="famille_fournisseur")
    update_mode: UpdateMode = Field(UpdateMode.MANUAL, alias="mise_a_jour")

    _blanks = field_validator(
        "company", "site", "depot", "client_family", "supplier_family", mode="before"
    )(_blank_to_none)


class Connector(_Settings):
    code: str
    liaison: Liaison = Liaison.SUIVI_ETA
    mode: Mode = Mode.CSV
    import_path: str | None = Field(None, alias="chemin_import")
    export_path: str | None = Field(None, alias="chemin_export")
    url: str | None = None
    key: str | None = Field(None, alias="cle", repr=False)
    send: SendSettings = Field(default_factory=SendSettings, alias="envois")
    receive: ReceiveSettings = Field(default_factory=ReceiveSettings, alias="receptions")

    _blanks = field_validator("import_path", "export_path", "url", "key", mode="before")(
        _blank_to_none
    )

    @field_validator("import_path", "export_path", "url")
    @classmethod
    def _no_control_character(cls, value: str | None) -> str | None:
        # a NUL byte in a path cannot reach the system (ValueError deep in os); ESC and the
        # like have no place in a folder or an address either
        if value is not None and escape_controls(value) != value:
            raise ValueError(f"caractère de contrôle interdit : « {escape_controls(value)} »")
        return value

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip()
        if not CODE_RE.match(value):
            raise ValueError("1 à 10 lettres, chiffres ou « _ » (sans accent ni espace)")
        return value.upper()

    @property
    def masked_key(self) -> str:
        return mask(self.key)

    @property
    def masked_url(self) -> str:
        """The site's address as shown anywhere: a key written into it masked."""
        return mask_url(self.url)


# scheme://userinfo@host…: the userinfo runs to the last « @ » before the path, query or fragment.
_URL_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")


def mask_url(url: str | None) -> str:
    """« https://KEY@shop.example/ » as « https://••••••••@shop.example/ »: a key (and a
    password) written into the address masked as the key is (`mask`)."""
    if not url:
        return ""

    def masked(match: re.Match[str]) -> str:
        user, colon, password = match[2].partition(":")
        return f"{match[1]}{mask(user)}{colon}{mask(password)}@"

    return _URL_USERINFO.sub(masked, url, count=1)


def mask(secret: str | None) -> str:
    """Shows that a key is set without showing it: « ••••••••3F9A »."""
    if not secret:
        return ""
    return "•" * 8 + (secret[-4:] if len(secret) >= 12 else "")
