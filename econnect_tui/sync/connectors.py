"""Connectors: what the wizard and `econnect connector import` check before saving, the TOML
round trip, and « Test de connexion »."""

from __future__ import annotations

import base64
import os
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import UserError, ValidationFailed, os_reason
from ..exchange.connector_toml import dump_connector, load_connector, load_valid_part
from ..models.connector import ArticlesToSend, ClientsToSend, Connector, Liaison, Mode
from ..models.reports import join_messages
from ..store import connectors as store
from ..store import filters as filters_store
from ..store import reference, staging
from ..store.reference import RefKind
from ..text import plural
from .locks import reception_lock

# The wizard's steps and the keys (TOML names) each one owns.
STEPS: dict[str, tuple[str, ...]] = {
    "identification": ("code", "liaison"),
    "communication": ("mode", "chemin_import", "chemin_export", "url", "cle"),
    "envois": (
        "envois.articles",
        "envois.filtre_articles",
        "envois.categorie_tarifaire",
        "envois.unite",
        "envois.depot",
        "envois.clients",
        "envois.filtre_clients",
        "envois.contacts",
        "envois.encodage",
    ),
    "receptions": (
        "receptions.type_document",
        "receptions.entreprise",
        "receptions.site",
        "receptions.depot",
        "receptions.famille_client",
        "receptions.famille_fournisseur",
        "receptions.mise_a_jour",
    ),
}


@dataclass(frozen=True)
class FieldError:
    key: str  # the TOML key, e.g. "envois.depot"
    message: str  # French
    missing_folder: bool = False  # a folder that does not exist yet and can be created

    def __str__(self) -> str:
        return f"{self.key} : {self.message}"


def connector_errors(
    db: Database, c: Connector, *, new: bool, create_folders: bool = False
) -> list[FieldError]:
    """Every reason this connector cannot be saved, each on its key. With `create_folders`,
    missing exchange folders are created instead of being reported."""
    errors: list[FieldError] = []
    c = normalised(c)
    if new and store.get_connector(db, c.code) is not None:
        errors.append(FieldError("code", f"le connecteur « {c.code} » existe déjà"))
    errors += _communication_errors(c, create_folders)
    errors += shared_folder_errors(db, c)
    errors += _send_errors(db, c)
    errors += _receive_errors(db, c)
    return errors


def _communication_errors(c: Connector, create_folders: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    if c.liaison is Liaison.PRESTASHOP and c.mode is not Mode.WEBSERVICE:
        errors.append(FieldError("mode", "la liaison PrestaShop communique par webservice"))
    if c.liaison is Liaison.SUIVI_ETA and c.mode is not Mode.CSV:
        errors.append(FieldError("mode", "la liaison Suivi ETA échange des fichiers CSV"))
    if c.mode is Mode.CSV:
        errors += _folder_errors("chemin_import", c.import_path, "import", create_folders)
        errors += _folder_errors("chemin_export", c.export_path, "export", create_folders)
        if (
            c.import_path
            and c.export_path
            and _same_folder(Path(c.import_path), Path(c.export_path))
        ):
            errors.append(
                FieldError("chemin_export", "les dossiers d'import et d'export doivent différer")
            )
    else:
        if not c.url:
            errors.append(FieldError("url", "l'adresse du site internet est obligatoire"))
        elif not c.url.startswith(("http://", "https://")) or len(c.url) < 10:
            errors.append(FieldError("url", "l'adresse doit commencer par http:// ou https://"))
        if not c.key:
            errors.append(FieldError("cle", "la clé est obligatoire"))
    return errors


def _same_folder(a: Path, b: Path) -> bool:
    return _real(str(a)) == _real(str(b))


# Folders shared between connectors ------------------------------------------------------------
#
# Refused, between two connectors: one folder for both, whatever the roles (two imports: each
# file would go to one of them at random; an import that is the other's export: its sent files
# land among the received ones, « non reconnu » at every reception; two exports: each send
# replaces the other's files, the ETA software reads whichever came last); and an import folder
# inside the other's import folder, either way (the outer one's archive/AAAA/MM could be the
# inner one: its archived files would be received again by the other connector). An export
# folder inside another folder harms nothing: a scan does not look into subfolders.
#
# Folders are compared once links, `..` and trailing `/` are resolved (`_real`): the same
# folder reached by two names is one folder. They are stored only normalised (`folder_path`):
# the link an administrator set up stays a link, to be pointed elsewhere later.

_ROLES = ("import", "export")
_ROLE_KEY = {"import": "chemin_import", "export": "chemin_export"}


def folder_path(value: str) -> str:
    """A folder as stored: `~` expanded, `.`, `..`, doubled and trailing `/` read the way a
    shell's `cd` reads them; symbolic links kept."""
    return os.path.normpath(os.path.expanduser(value))


def normalised(c: Connector) -> Connector:
    """The connector with its absolute exchange folders as stored (`folder_path`); a relative
    one is left as typed, for its error to name it."""
    if c.mode is not Mode.CSV:
        return c
    update = {}
    for attr in ("import_path", "export_path"):
        value = getattr(c, attr)
        if value and os.path.isabs(os.path.expanduser(value)) and folder_path(value) != value:
            update[attr] = folder_path(value)
    return c.model_copy(update=update) if update else c


def _real(path: str) -> Path:
    """The folder itself, links resolved: how folders are compared."""
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of links
        return Path(folder_path(path))


@dataclass(frozen=True)
class SharedFolder:
    """The folder of `code` for `role` (import, export) is (« same »), lies inside
    (« inside ») or holds (« contains ») the folder of `other` for `other_role`."""

    code: str
    role: str
    path: str
    other: str
    other_role: str
    other_path: str
    relation: str

    @property
    def also_named(self) -> str:
        """The other folder as stored, when it is written otherwise (a link, `..`)."""
        return f" (« {self.other_path} »)" if self.other_path != self.path else ""

    def field_message(self) -> str:
        """Under the field of the folder: « ce dossier est déjà le dossier d'import du
        connecteur FACILI »."""
        what = {
            "same": "est déjà le",
            "inside": "est à l'intérieur du",
            "contains": "contient le",
        }[self.relation]
        return f"ce dossier {what} dossier d'{self.other_role} du connecteur {self.other}" + (
            self.also_named
        )

    def sentence(self) -> str:
        """« Le dossier d'import de F2 (« /srv/eta ») est aussi le dossier d'import du connecteur
        FACILI », without a final period."""
        what = {
            "same": "est aussi le",
            "inside": "est à l'intérieur du",
            "contains": "contient le",
        }[self.relation]
        return (
            f"Le dossier d'{self.role} de {self.code} (« {self.path} ») {what} dossier "
            f"d'{self.other_role} du connecteur {self.other}{self.also_named}"
        )


def _relation(a: Path, b: Path) -> str | None:
    if a == b:
        return "same"
    if a.is_relative_to(b):
        return "inside"
    if b.is_relative_to(a):
        return "contains"
    return None


def _shared(
    code: str,
    mine: tuple[str | None, str | None],
    others: list[tuple[str, str | None, str | None]],
) -> list[SharedFolder]:
    """The refused overlaps of the folders `mine` (import, export) of `code` with the folders
    of the other connectors."""
    theirs = [
        (other, role, path, _real(path))
        for other, *paths in others
        if other != code
        for role, path in zip(_ROLES, paths)
        if path
    ]
    out = []
    for role, path in zip(_ROLES, mine):
        if not path:
            continue
        real = _real(path)
        for other, other_role, other_path, other_real in theirs:
            relation = _relation(real, other_real)
            if relation is None or (relation != "same" and not role == other_role == "import"):
                continue
            out.append(SharedFolder(code, role, path, other, other_role, other_path, relation))
    return out


def shared_folder_errors(db: Database, c: Connector) -> list[FieldError]:
    """The folders of `c` another connector already has (or holds, or lies in), each on its
    key, naming that connector."""
    if c.mode is not Mode.CSV:
        return []
    shared = _shared(c.code, (c.import_path, c.export_path), store.exchange_folders(db))
    return [FieldError(_ROLE_KEY[s.role], s.field_message()) for s in shared]


def shared_folders(db: Database, code: str | None = None) -> list[SharedFolder]:
    """The refused overlaps already stored (a database saved before the rule, a link pointed
    elsewhere since): those of the connector `code`, or every pair once."""
    folders = store.exchange_folders(db)
    out = []
    for i, (this, import_path, export_path) in enumerate(folders):
        if code is not None and this != code.upper():
            continue
        # Every pair once: each connector against those after it.
        others = folders if code is not None else folders[i + 1 :]
        out += _shared(this, (import_path, export_path), others)
    return out


def import_folder_conflict(db: Database, code: str) -> str | None:
    """Why the connector `code` must not receive while its import folder is shared (French,
    one sentence), or None."""
    for s in shared_folders(db, code):
        if s.role == "import":
            return (
                f"{s.sentence()} : aucune réception de {s.code} tant que l'un des deux n'est pas "
                "corrigé (Paramètres › E-connecteur)."
            )
    return None


def export_folder_conflict(db: Database, code: str) -> str | None:
    """The export folder of `code` is another connector's folder (French, one sentence), or
    None."""
    for s in shared_folders(db, code):
        if s.role == "export":
            return f"{s.sentence()} : corrigez le paramétrage de l'un des deux."
    return None


def _folder_errors(key: str, value: str | None, role: str, create: bool) -> list[FieldError]:
    what = (
        "le chemin d'import des fichiers" if role == "import" else "le chemin d'export des fichiers"
    )
    if not value:
        return [FieldError(key, f"{what} est obligatoire")]
    path = Path(value).expanduser()
    if not path.is_absolute():
        return [FieldError(key, f"« {value} » : indiquez un chemin complet (commençant par /)")]
    if not path.exists():
        if create:
            try:
                path.mkdir(parents=True)
            except OSError as exc:
                return [FieldError(key, f"impossible de créer « {value} » : {os_reason(exc)}")]
        else:
            return [FieldError(key, f"le dossier « {value} » n'existe pas", missing_folder=True)]
    if not path.is_dir():
        return [FieldError(key, f"« {value} » n'est pas un dossier")]
    if role == "import" and not os.access(path, os.R_OK | os.X_OK):
        return [FieldError(key, f"le dossier « {value} » n'est pas lisible")]
    if role == "import" and not os.access(path, os.W_OK):
        # received files are moved to archive/ and erreurs/ inside it
        return [FieldError(key, f"le dossier « {value} » n'est pas modifiable (archivage)")]
    if role == "export" and not os.access(path, os.W_OK | os.X_OK):
        return [FieldError(key, f"le dossier « {value} » n'est pas modifiable")]
    return []


# The GC records a connector names, with their indefinite article (« une entreprise »).
_ONE: dict[RefKind, str] = {
    RefKind.COMPANIES: "une entreprise",
    RefKind.SITES: "un site",
    RefKind.DEPOTS: "un dépôt",
    RefKind.PRICE_CATEGORIES: "une catégorie tarifaire",
    RefKind.CLIENT_FAMILIES: "une famille de clients",
    RefKind.SUPPLIER_FAMILIES: "une famille de fournisseurs",
}

# What the GC must hold before a connector can be saved, as the first-run advice names it.
CONNECTOR_NEEDS: tuple[tuple[RefKind, str], ...] = tuple(
    (kind, _ONE[kind])
    for kind in (
        RefKind.COMPANIES,
        RefKind.SITES,
        RefKind.DEPOTS,
        RefKind.CLIENT_FAMILIES,
        RefKind.SUPPLIER_FAMILIES,
    )
)


def _none_yet(kind: RefKind) -> str:
    """When a required list of the wizard is empty (a first run): where to make its record,
    « aucun dépôt dans la Gestion Commerciale : créez-en un dans Paramètres › Dépôts (ou
    « econnect gc import depots ») »."""
    article, noun = _ONE[kind].split(" ", 1)
    none = "aucune" if article == "une" else "aucun"
    return (
        f"{none} {noun} dans la Gestion Commerciale : créez-en {article} dans Paramètres › "
        f"{reference.REF_TABLES[kind].plural} (ou « econnect gc import {kind.value} »)"
    )


def gc_missing_for_connector(db: Database) -> list[str]:
    """What the GC lacks for a connector to be saved (« un dépôt », …): all of it on a new
    database, nothing once the GC data is loaded."""
    return [what for kind, what in CONNECTOR_NEEDS if not reference.codes(db, kind)]


def _required(db: Database, key: str, kind: RefKind, message: str) -> FieldError:
    """A required GC code left blank: `message`, or, when the GC has none to choose from,
    where to create one."""
    return FieldError(key, message if reference.codes(db, kind) else _none_yet(kind))


def _code_error(key: str, value: str | None, known: set[str], unknown: str) -> list[FieldError]:
    if value and value not in known:
        return [FieldError(key, f"{unknown} « {value} »")]
    return []


def _reference_error(
    db: Database, key: str, value: str | None, kind: RefKind, unknown: str
) -> list[FieldError]:
    """`_code_error` against the GC's records of `kind`."""
    return _code_error(key, value, reference.codes(db, kind), unknown)


def _send_errors(db: Database, c: Connector) -> list[FieldError]:
    s = c.send
    errors: list[FieldError] = []
    if s.articles is ArticlesToSend.FILTER:
        if not s.article_filter:
            errors.append(FieldError("envois.filtre_articles", "choisissez le filtre d'articles"))
        else:
            names = {f.name for f in filters_store.list_article_filters(db)}
            errors += _code_error(
                "envois.filtre_articles", s.article_filter, names, "filtre d'articles inconnu"
            )
    if s.articles is not ArticlesToSend.NONE and not s.price_category:
        errors.append(
            _required(
                db,
                "envois.categorie_tarifaire",
                RefKind.PRICE_CATEGORIES,
                "la catégorie tarifaire est obligatoire",
            )
        )
    errors += _reference_error(
        db,
        "envois.categorie_tarifaire",
        s.price_category,
        RefKind.PRICE_CATEGORIES,
        "catégorie tarifaire inconnue",
    )
    errors += _reference_error(db, "envois.unite", s.unit, RefKind.UNITS, "unité inconnue")
    if not s.depot:
        errors.append(
            _required(db, "envois.depot", RefKind.DEPOTS, "la sélection du dépôt est obligatoire")
        )
    errors += _reference_error(db, "envois.depot", s.depot, RefKind.DEPOTS, "dépôt inconnu")
    if s.clients is ClientsToSend.FILTER:
        if not s.client_filter:
            errors.append(FieldError("envois.filtre_clients", "choisissez le filtre de clients"))
        else:
            names = {f.name for f in filters_store.list_client_filters(db)}
            errors += _code_error(
                "envois.filtre_clients", s.client_filter, names, "filtre de clients inconnu"
            )
    return errors


def _receive_errors(db: Database, c: Connector) -> list[FieldError]:
    r = c.receive
    errors: list[FieldError] = []
    required = (
        (
            "receptions.entreprise",
            r.company,
            RefKind.COMPANIES,
            "l'entreprise affectée est obligatoire",
        ),
        ("receptions.site", r.site, RefKind.SITES, "le site affecté est obligatoire"),
        ("receptions.depot", r.depot, RefKind.DEPOTS, "le dépôt affecté est obligatoire"),
        (
            "receptions.famille_client",
            r.client_family,
            RefKind.CLIENT_FAMILIES,
            "la famille client est obligatoire",
        ),
        (
            "receptions.famille_fournisseur",
            r.supplier_family,
            RefKind.SUPPLIER_FAMILIES,
            "la famille fournisseur est obligatoire",
        ),
    )
    for key, value, kind, message in required:
        if not value:
            errors.append(_required(db, key, kind, message))
    company = reference.get_record(db, RefKind.COMPANIES, r.company) if r.company else None
    site = reference.get_record(db, RefKind.SITES, r.site) if r.site else None
    depot = reference.get_record(db, RefKind.DEPOTS, r.depot) if r.depot else None
    if r.company and company is None:
        errors.append(FieldError("receptions.entreprise", f"entreprise inconnue « {r.company} »"))
    if r.site and site is None:
        errors.append(FieldError("receptions.site", f"site inconnu « {r.site} »"))
    elif site and company and site.company_code != company.code:
        errors.append(
            FieldError(
                "receptions.site",
                f"le site « {site.code} » n'appartient pas à l'entreprise « {company.code} »",
            )
        )
    if r.depot and depot is None:
        errors.append(FieldError("receptions.depot", f"dépôt inconnu « {r.depot} »"))
    elif depot and site and depot.site_code != site.code:
        errors.append(
            FieldError(
                "receptions.depot",
                f"le dépôt « {depot.code} » n'appartient pas au site « {site.code} »",
            )
        )
    errors += _reference_error(
        db,
        "receptions.famille_client",
        r.client_family,
        RefKind.CLIENT_FAMILIES,
        "famille de clients inconnue",
    )
    errors += _reference_error(
        db,
        "receptions.famille_fournisseur",
        r.supplier_family,
        RefKind.SUPPLIER_FAMILIES,
        "famille de fournisseurs inconnue",
    )
    return errors


def save_connector(
    db: Database,
    c: Connector,
    *,
    new: bool,
    create_folders: bool = False,
    expected: Connector | None = None,
) -> Connector:
    """Checks everything, then saves (its folders normalised: `folder_path`); raises
    ValidationFailed listing each wrong key, and `Conflict` when the stored connector is no
    longer `expected` (what the screen read)."""
    c = normalised(c)
    errors = connector_errors(db, c, new=new)
    if create_folders and errors and all(e.missing_folder for e in errors):
        # Missing folders are made only once everything else holds: a refused connector
        # changes nothing, on disk neither (its missing folders are named, as for a
        # refused value).
        errors = connector_errors(db, c, new=new, create_folders=True)
    with write_transaction(db):
        # Folders checked again under the write lock: two operators saving two connectors on
        # one folder at the same moment.
        errors = errors or shared_folder_errors(db, c)
        if errors:
            raise ValidationFailed(
                f"Connecteur « {c.code} » non enregistré : {plural(len(errors), 'erreur')}.",
                [str(e) for e in errors],
            )
        store.save_connector(db, c, new=new, expected=expected)
    return store.require_connector(db, c.code)


def held_back_text(documents: int, tiers: int) -> str:
    """« 2 documents et 1 tiers » (tiers is the same in the plural)."""
    return f"{plural(documents, 'document')} et {plural(tiers, 'tiers', 'tiers')}"


def held_back_counts(db: Database, code: str) -> tuple[int, int]:
    """(documents, tiers) received for the connector and still held back."""
    code = code.upper()
    return staging.held_back_documents(db, code), staging.held_back_tiers(db, code)


def delete_connector(db: Database, code: str, *, drop_held_back: bool = False) -> tuple[int, int]:
    """Deletes a connector, its article correspondences and its staged reception data, in one
    transaction; the history of its synchronisations and the GC documents stay.

    Refused while a reception of it runs, and while received documents or tiers are held
    back unless `drop_held_back` (the operator confirmed knowing what is dropped). The files
    still waiting in its import folder are not touched. Returns the (documents, tiers)
    dropped."""
    connector = store.require_connector(db, code)
    with reception_lock(db, connector.code, wait=0), write_transaction(db):
        documents, tiers = held_back_counts(db, connector.code)
        if (documents or tiers) and not drop_held_back:
            raise UserError(
                f"{connector.code} a {held_back_text(documents, tiers)} en attente : "
                "confirmez leur abandon pour supprimer le connecteur."
            )
        staging.drop_connector_data(db, connector.code)
        store.delete_connector(db, connector.code)
    return documents, tiers


def export_toml(db: Database, code: str) -> str:
    return dump_connector(store.require_connector(db, code))


def import_toml(
    db: Database, text: str, source: str = "TOML", *, create_folders: bool = False
) -> tuple[Connector, bool]:
    """Validates everything first and changes nothing on error; an existing code is updated.
    Returns (connector, created)."""
    try:
        connector = load_connector(text, source)
    except ValidationFailed as exc:
        raise _with_gc_errors(db, exc, text, source) from exc
    new = store.get_connector(db, connector.code) is None
    return save_connector(db, connector, new=new, create_folders=create_folders), new


def _with_gc_errors(db: Database, exc: ValidationFailed, text: str, source: str):
    """A refused shape, plus what the other keys would meet: every wrong key named at once."""
    partial, refused = load_valid_part(text)
    if partial is None:
        return exc
    # folders are checked, never created, for a refused file; not guessed for a refused mode
    partial = normalised(partial)
    communication = (
        []
        if refused & {"mode", "liaison"}
        else _communication_errors(partial, create_folders=False)
        + shared_folder_errors(db, partial)
    )
    more = [
        str(e)
        for e in (communication + _send_errors(db, partial) + _receive_errors(db, partial))
        if e.key not in refused
    ]
    if not more:
        return exc
    errors = [*exc.errors, *more]
    return ValidationFailed(f"{source} refusé : {plural(len(errors), 'erreur')}.", errors)


# « Test de connexion » -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str  # French, shown as is


def _network_reason(reason: object) -> str:
    """The usual network failures in French (the system's reason otherwise, also French)."""
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée (aucun service à cette adresse)"
    if isinstance(reason, TimeoutError):
        return "pas de réponse dans le délai"
    if isinstance(reason, socket.gaierror):
        return "adresse introuvable"
    if isinstance(reason, ssl.SSLError):
        return "échec de la connexion sécurisée (certificat ?)"
    if isinstance(reason, OSError):
        return os_reason(reason)
    return str(reason)


def check_connection(c: Connector, timeout: float = 5.0) -> ConnectionResult:
    """CSV: the folders are usable. Webservice: a GET of the PrestaShop webservice root
    (<url>/api/) with the key as the basic-auth user."""
    if c.mode is Mode.CSV:
        errors = _communication_errors(c, create_folders=False)
        if errors:
            return ConnectionResult(False, join_messages(e.message for e in errors))
        return ConnectionResult(True, "Dossiers d'import et d'export accessibles.")
    if not c.url or not c.key:
        return ConnectionResult(False, "Renseignez l'adresse du site et la clé.")
    url = c.url.rstrip("/") + "/api/"
    token = base64.b64encode(f"{c.key}:".encode()).decode("ascii")
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except urllib.error.URLError as exc:
        return ConnectionResult(False, f"Site injoignable : {_network_reason(exc.reason)}.")
    except (TimeoutError, OSError) as exc:
        return ConnectionResult(False, f"Site injoignable : {_network_reason(exc)}.")
    except ValueError:
        return ConnectionResult(False, "Adresse du site invalide.")
    if status == 200:
        return ConnectionResult(True, "Connexion réussie : le webservice a accepté la clé.")
    if status in (401, 403):
        return ConnectionResult(False, "Clé refusée par le site (HTTP 401/403).")
    return ConnectionResult(False, f"Réponse inattendue du site (HTTP {status}).")
