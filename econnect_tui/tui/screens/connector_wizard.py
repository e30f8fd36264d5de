"""« Paramétrer un connecteur » (Paramètres › E-connecteur): the seed's wizard, step by step.

Identification (code, liaison) › Mode de communication (CSV folders, or the PrestaShop site's
address and key with « Test de connexion ») › Envois › Réceptions, with « Étape précédente »
(F8, Ctrl+B), « Étape suivante » (F9, Ctrl+N) and « Terminer » (Ctrl+S). Each step is checked
by `sync.connectors.connector_errors`, its French messages shown under their fields; « Étape
suivante » does not leave a step with errors, « Terminer » checks every step and opens the
first one in error. A missing exchange folder is created when the operator agrees.

The key is typed in a masked Input; Ctrl+R shows it while the operator checks it, and it is
masked again when the step is left. It never goes to a notification or the log.

Creating starts at Identification; editing starts at « Mode de communication » (seed 3.2.2),
the code read-only. `open_wizard` opens it from any screen, in any mode.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from rich.text import Text
from sqlite_utils import Database
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Checkbox, ContentSwitcher, Input, RadioSet, Select, Static
from textual.worker import Worker, WorkerState

from ...errors import Conflict, UserError, ValidationFailed, failure_reason
from ...models.connector import (
    CODE_RE,
    ArticlesToSend,
    ClientsToSend,
    Connector,
    Liaison,
    Mode,
    OutputEncoding,
    UpdateMode,
)
from ...models.gc import DocType
from ...store import connectors as connectors_store
from ...store import filters as filters_store
from ...store import reference
from ...store.reference import RefKind
from ...sync.connectors import (
    STEPS,
    ConnectionResult,
    FieldError,
    check_connection,
    connector_errors,
    save_connector,
)
from ..widgets.form import FieldRow, FieldSpec, Form, FormScroll
from ..widgets.modebar import MODES
from .base import EconnectScreen
from .confirm import ConfirmScreen, leave_asking_first
from .menu import TextScreen

STEP_ORDER: tuple[str, ...] = tuple(STEPS)
_KEY_OF_NAME: dict[str, str] = {
    key.replace(".", "-"): key for keys in STEPS.values() for key in keys
}
STEP_TITLES: dict[str, str] = {
    "identification": "Identification",
    "communication": "Mode de communication",
    "envois": "Envois",
    "receptions": "Réceptions",
}
CONNECTION_TIMEOUT = 5.0  # seconds, for « Test de connexion »
PRESTASHOP_KEY_HELP = (
    "La clé se crée dans le back-office PrestaShop :\n"
    "1. Paramètres avancés › Webservice : « Activer le service web » sur Oui, puis Enregistrer.\n"
    "2. « Ajouter une nouvelle clé webservice » : « Générer » crée une clé de 32 caractères.\n"
    "3. Cochez les droits des ressources échangées : products, customers, addresses, orders "
    "(GET, POST, PUT), puis Enregistrer.\n"
    "4. Copiez la clé dans « Clé Prestashop » et l'adresse de la boutique (https://…) dans "
    "« Adresse du site internet ».\n\n"
    "« Test de connexion » (Ctrl+T) vérifie l'adresse et la clé."
)
_PLACEHOLDER_CODE = "_"  # stands for a code still wrong while the other steps are checked


def mode_label(mode: str) -> str:
    """« Paramètres » for "parametres": the title's first word, the mode the screen lives in."""
    return next((label for name, _, label in MODES if name == mode), "Paramètres")


def field_name(key: str) -> str:
    """The FieldRow name (a CSS id) of a TOML key: « envois.depot » -> « envois-depot »."""
    return key.replace(".", "-")


def _flat(c: Connector) -> dict[str, Any]:
    """The connector as {TOML key: value} (« envois.depot »: "DEP1")."""
    out: dict[str, Any] = {}
    for key, value in c.model_dump(by_alias=True, mode="json").items():
        if isinstance(value, dict):
            out.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            out[key] = value
    return out


def _nested(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if "." in key:
            section, sub = key.split(".", 1)
            out.setdefault(section, {})[sub] = value
        else:
            out[key] = value
    return out


def _normal(value: Any) -> Any:
    """Values compared as the model sees them: texts stripped, a blank text is None."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


# Choices for the Selects and radio groups --------------------------------------------------------


def _labels(enum) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(member.label, member.value) for member in enum]


def _ref_choices(db: Database, kind: RefKind, keep: Callable[[Any], bool] = lambda r: True):
    def choices() -> list[tuple[str, str]]:
        return [
            (f"{r.code} — {getattr(r, 'name', None) or getattr(r, 'label', '')}", r.code)
            for r in reference.list_records(db, kind)
            if keep(r)
        ]

    return choices


def _sites_of(db: Database, company: str | None):
    return _ref_choices(db, RefKind.SITES, lambda s: company is None or s.company_code == company)


def _depots_of(db: Database, site: str | None):
    return _ref_choices(db, RefKind.DEPOTS, lambda d: site is None or d.site_code == site)


def _doc_types() -> list[tuple[str, str]]:
    return [("Commandes", DocType.ORDER.value), ("Livraisons", DocType.DELIVERY.value)]


_UPDATE_HINTS = {
    UpdateMode.MANUAL.value: "(Aucun avertissement de données en attente de réception"
    " ne s'affiche)",
    UpdateMode.AT_OPENING.value: "(Avertissement indiquant que les données sont en attente"
    " de réception)",
}


def _choice(name: str, label: str, choices, *, required: bool = False, blank: str = "(aucun)"):
    return FieldSpec(
        field_name(name),
        label,
        kind="choice",
        required=required,
        choices=choices,
        # Not « Choisir… »: typing C in the open list would pick the prompt, not CHARTRES.
        extra={"blank": "(à choisir)" if required else blank},
    )


def step_groups(
    db: Database, step: str, values: dict[str, Any], *, new: bool
) -> list[tuple[str | None, str, list[FieldSpec]]]:
    """(section title, group id, fields) of one step, in the seed's order and words."""
    if step == "identification":
        return [
            (
                None,
                "group-identification",
                [
                    FieldSpec(
                        "code",
                        "Code du connecteur",
                        required=True,
                        readonly=not new,
                        placeholder="1 à 10 lettres, chiffres ou _",
                    ),
                    FieldSpec(
                        "liaison",
                        "Liaison",
                        kind="radio",
                        choices=_labels(Liaison),
                        extra={"horizontal": True},
                    ),
                ],
            )
        ]
    if step == "communication":
        return [
            (
                None,
                "group-mode",
                [
                    FieldSpec(
                        "mode",
                        "Mode de communication",
                        kind="radio",
                        choices=_labels(Mode),
                        extra={"horizontal": True},
                    )
                ],
            ),
            (
                None,
                "group-csv",
                [
                    FieldSpec(
                        "chemin_export",
                        "Chemin d'export des fichiers",
                        placeholder="/chemin/complet/du/dossier",
                    ),
                    FieldSpec(
                        "chemin_import",
                        "Chemin d'import des fichiers",
                        placeholder="/chemin/complet/du/dossier",
                    ),
                ],
            ),
            (
                None,
                "group-webservice",
                [
                    FieldSpec(
                        "url",
                        "Adresse du site internet",
                        required=True,
                        placeholder="https://www.exemple.fr",
                    ),
                    FieldSpec(
                        "cle",
                        "Clé Prestashop",
                        kind="password",
                        required=True,
                        help="Ctrl+R : afficher ou masquer la clé",
                    ),
                ],
            ),
        ]
    if step == "envois":
        filters_a = lambda: [(f.name, f.name) for f in filters_store.list_article_filters(db)]  # noqa: E731
        filters_c = lambda: [(f.name, f.name) for f in filters_store.list_client_filters(db)]  # noqa: E731
        return [
            (
                None,
                "group-articles",
                [
                    FieldSpec(
                        field_name("envois.articles"),
                        "Articles",
                        kind="radio",
                        choices=_labels(ArticlesToSend),
                        stacked=True,
                    ),
                    _choice(
                        "envois.filtre_articles", "Filtre d'articles", filters_a, required=True
                    ),
                ],
            ),
            (
                "Tarif et unité par défaut",
                "group-price",
                [
                    _choice(
                        "envois.categorie_tarifaire",
                        "Catégorie tarifaire à envoyer",
                        _ref_choices(db, RefKind.PRICE_CATEGORIES),
                        blank="(aucune)",
                    ),
                    _choice(
                        "envois.unite",
                        "Unité à envoyer",
                        _ref_choices(db, RefKind.UNITS),
                        blank="(aucune)",
                    ),
                    _choice(
                        "envois.depot",
                        "Sélection du dépôt",
                        _ref_choices(db, RefKind.DEPOTS),
                        required=True,
                    ),
                ],
            ),
            (
                None,
                "group-clients",
                [
                    FieldSpec(
                        field_name("envois.clients"),
                        "Clients",
                        kind="radio",
                        choices=_labels(ClientsToSend),
                        stacked=True,
                    ),
                    _choice("envois.filtre_clients", "Filtre de clients", filters_c, required=True),
                    FieldSpec(
                        field_name("envois.contacts"),
                        "Contacts",
                        kind="bool",
                        stacked=True,
                        extra={"text": "Envoyer les contacts associés aux clients"},
                    ),
                ],
            ),
            (
                None,
                "group-encoding",
                [
                    FieldSpec(
                        field_name("envois.encodage"),
                        "Encodage des fichiers",
                        kind="radio",
                        choices=_labels(OutputEncoding),
                        extra={"horizontal": True},
                    )
                ],
            ),
        ]
    company = values.get("receptions.entreprise")
    site = values.get("receptions.site")
    return [
        (
            "Documents",
            "group-documents",
            [
                FieldSpec(
                    field_name("receptions.type_document"),
                    "Type de document généré lors de la réception",
                    kind="radio",
                    required=True,
                    choices=_doc_types,
                    extra={"horizontal": True},
                ),
                _choice(
                    "receptions.entreprise",
                    "Entreprise affectée",
                    _ref_choices(db, RefKind.COMPANIES),
                    required=True,
                ),
                _choice("receptions.site", "Site affecté", _sites_of(db, company), required=True),
                _choice("receptions.depot", "Dépôt affecté", _depots_of(db, site), required=True),
            ],
        ),
        (
            "Tiers",
            "group-tiers",
            [
                _choice(
                    "receptions.famille_client",
                    "Famille client affectée lors de la création d'un tiers",
                    _ref_choices(db, RefKind.CLIENT_FAMILIES),
                    required=True,
                ),
                _choice(
                    "receptions.famille_fournisseur",
                    "Famille fournisseur affectée lors de la création d'un tiers",
                    _ref_choices(db, RefKind.SUPPLIER_FAMILIES),
                    required=True,
                ),
            ],
        ),
        (
            None,
            "group-update",
            [
                FieldSpec(
                    field_name("receptions.mise_a_jour"),
                    "Mise à jour des réceptions",
                    kind="radio",
                    choices=_labels(UpdateMode),
                    stacked=True,
                    extra={"hints": _UPDATE_HINTS},
                )
            ],
        ),
    ]


# A new connector's choices the GC may offer only one of (then chosen for the operator).
_ONLY_CHOICES = {
    "envois.categorie_tarifaire": RefKind.PRICE_CATEGORIES,
    "envois.depot": RefKind.DEPOTS,
    "receptions.famille_client": RefKind.CLIENT_FAMILIES,
    "receptions.famille_fournisseur": RefKind.SUPPLIER_FAMILIES,
}
_CHOSEN_WHEN_ONLY = (*_ONLY_CHOICES, "receptions.entreprise", "receptions.site", "receptions.depot")


def _new_connector_values(db: Database) -> dict[str, Any]:
    """A new connector's values: the defaults, and each GC record it names (company, site,
    depot, price category, families) when the GC has only one to choose from."""
    values = _flat(Connector(code=_PLACEHOLDER_CODE))
    values["code"] = ""
    for key, kind in _ONLY_CHOICES.items():
        records = reference.list_records(db, kind)
        if len(records) == 1 and not values.get(key):
            values[key] = records[0].code
    companies = reference.list_records(db, RefKind.COMPANIES)
    if len(companies) == 1:
        values["receptions.entreprise"] = companies[0].code
        sites = [
            s
            for s in reference.list_records(db, RefKind.SITES)
            if s.company_code == companies[0].code
        ]
        if len(sites) == 1:
            values["receptions.site"] = sites[0].code
            depots = [
                d
                for d in reference.list_records(db, RefKind.DEPOTS)
                if d.site_code == sites[0].code
            ]
            if len(depots) == 1:
                values["receptions.depot"] = depots[0].code
    return values


def _checked(c: Connector) -> ConnectionResult:
    """« Test de connexion », run in a thread; never raises (the answer is shown as is)."""
    try:
        return check_connection(c, timeout=CONNECTION_TIMEOUT)
    except Exception as exc:  # the screen shows the reason instead of crashing
        return ConnectionResult(False, f"Test impossible : {failure_reason(exc)}.")


class ConnectorWizardScreen(EconnectScreen):
    """Create (code None) or edit a connector, one step of the seed at a time. Dismissed with
    the saved connector's code, or None when the operator leaves.

    A step's fields are built the first time it is shown (the wizard opens at once, and each
    key press styles a quarter of the widgets); until then its values are the initial ones."""

    MODE = "parametres"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f8,ctrl+b", "previous", "Étape précédente", key_display="F8", id="wizard.previous"
        ),
        Binding("f9,ctrl+n", "next", "Étape suivante", key_display="F9", id="wizard.next"),
        Binding("ctrl+s", "finish", "Terminer", key_display="Ctrl+S", id="wizard.finish"),
        # Off the footer (80 columns): their keys are written on the button and under the key.
        Binding(
            "ctrl+t",
            "test_connection",
            "Test de connexion",
            show=False,
            id="wizard.test_connection",
        ),
        Binding("ctrl+r", "reveal(True)", "Afficher la clé", show=False, id="wizard.reveal"),
        Binding("ctrl+r", "reveal(False)", "Masquer la clé", show=False, id="wizard.reveal"),
        Binding("escape", "leave", "Fermer"),
    ]
    DEFAULT_CSS = """
    ConnectorWizardScreen #wizard-title { height: 1; padding: 0 1; text-style: bold; }
    ConnectorWizardScreen #wizard-progress { height: 1; padding: 0 1; color: $text-muted; }
    ConnectorWizardScreen ContentSwitcher { height: 1fr; }
    ConnectorWizardScreen .wizard-step { height: 1fr; scrollbar-size-vertical: 1; }
    ConnectorWizardScreen FieldRow Label { width: 31; }
    ConnectorWizardScreen FieldRow .field-error,
    ConnectorWizardScreen FieldRow .field-help { padding-left: 31; }
    ConnectorWizardScreen FieldRow.-stacked .field-error,
    ConnectorWizardScreen FieldRow.-stacked .field-help { padding-left: 3; }
    ConnectorWizardScreen #step-receptions FieldRow Label { width: 36; }
    ConnectorWizardScreen #step-receptions FieldRow .field-error { padding-left: 36; }
    ConnectorWizardScreen #step-receptions FieldRow.-stacked .field-error { padding-left: 3; }
    ConnectorWizardScreen FieldRow Label.field-title { width: 1fr; }
    ConnectorWizardScreen FieldRow Input { background: $surface; }
    ConnectorWizardScreen FieldRow Input:focus { background: $surface-lighten-1; }
    ConnectorWizardScreen #connection-row { height: auto; padding: 1 1 0 32; }
    ConnectorWizardScreen #connection-row Button { width: auto; }
    ConnectorWizardScreen #connection-result { width: 1fr; height: auto; padding: 0 1 0 32; }
    ConnectorWizardScreen #connection-result.-ok { color: $text-success; }
    ConnectorWizardScreen #connection-result.-error { color: $text-error; }
    ConnectorWizardScreen #connection-result.-running { color: $text-muted; }
    ConnectorWizardScreen #wizard-message { height: auto; padding: 0 1; color: $text-error; }
    ConnectorWizardScreen #wizard-buttons { height: 1; margin-bottom: 0; }
    """

    def __init__(
        self, code: str | None = None, *, step: str | None = None, mode: str = "parametres"
    ) -> None:
        super().__init__()
        self.MODE = mode
        self.new = code is None
        self.code = code.upper() if code else None
        wanted = step or ("identification" if self.new else "communication")
        if wanted not in STEPS:
            raise ValueError(f"unknown step {wanted!r}")
        self.step = wanted
        self.initial: dict[str, Any] = {}  # {TOML key: value} when the wizard opened
        self._unbuilt: dict[str, Any] = {}  # the values of the fields not built yet
        self._rows: dict[str, FieldRow] = {}
        self._mounted: set[str] = set()
        self._shown_errors: dict[str, Any] = {}  # key -> its value when its error was shown
        self._counting_errors = False  # the message under the step counts its errors
        self._ready = False
        # The connector as read when the wizard opened: saving over a version another
        # operator saved meanwhile is refused once, saying so.
        self.stored: Connector | None = None

    def _load(self) -> None:
        if self.code is None:
            values = _new_connector_values(self.db)
        else:
            self.stored = connectors_store.require_connector(self.db, self.code)
            values = _flat(self.stored)
        self.initial = {key: _normal(value) for key, value in values.items()}
        self._unbuilt = dict(self.initial)

    # -- layout

    def compose_body(self) -> ComposeResult:
        self._load()
        yield Static("", id="wizard-title")
        yield Static("", id="wizard-progress")
        with ContentSwitcher(initial=None):
            for step in STEP_ORDER:
                yield FormScroll(id=f"step-{step}", classes="wizard-step")
        yield Static("", id="wizard-message")
        with Horizontal(classes="buttons", id="wizard-buttons"):
            yield Button("Étape précédente (F8)", id="previous", compact=True)
            yield Button("Étape suivante (F9)", id="next", compact=True, variant="primary")
            yield Button("Terminer (Ctrl+S)", id="finish", compact=True, variant="success")

    def _step_widgets(self, step: str) -> list[Widget]:
        values = self.values()
        widgets: list[Widget] = []
        for title, group_id, specs in step_groups(self.db, step, values, new=self.new):
            if title:
                widgets.append(Static(title, classes="section-title"))
            initial = {spec.name: values.get(_KEY_OF_NAME[spec.name]) for spec in specs}
            widgets.append(Form(specs, initial, id=group_id))
        if step == "communication":
            widgets.append(
                Horizontal(
                    Button("Test de connexion (Ctrl+T)", id="test-connection", compact=True),
                    Button("En savoir +", id="learn-more", compact=True),
                    id="connection-row",
                )
            )
            widgets.append(Static("", id="connection-result"))
        return widgets

    async def _mount_step(self, step: str) -> None:
        if step in self._mounted:
            return
        self._mounted.add(step)
        if self.new and step in ("envois", "receptions"):
            # The GC may have got its records since the wizard opened (a first run): the only
            # one of each is chosen, as when the wizard opens.
            defaults = _new_connector_values(self.db)
            for key in _CHOSEN_WHEN_ONLY:
                if key.startswith(f"{step}.") and not self._unbuilt.get(key):
                    self._unbuilt[key] = self.initial[key] = defaults.get(key)
        container = self.query_one(f"#step-{step}", FormScroll)
        await container.mount_all(self._step_widgets(step))
        for row in container.query(FieldRow):
            self._rows[_KEY_OF_NAME[row.spec.name]] = row
        if step == "communication":
            self.query_one("#connection-result").display = False
            self._show_mode_groups()
        elif step == "envois":
            self._show_filters()

    async def on_mount(self) -> None:
        where = "création" if self.new else str(self.code)
        self.sub_title = f"{mode_label(self.MODE)} › E-connecteur › {where}"
        self.query_one("#wizard-message").display = False
        await self._mount_step(self.step)
        self._show_step()
        self._ready = True

    # -- values

    def row(self, key: str) -> FieldRow:
        """The field of a TOML key (its step shown at least once)."""
        return self._rows[key]

    def values(self) -> dict[str, Any]:
        """{TOML key: value} of every field of every step (blank texts as None)."""
        out = dict(self._unbuilt)
        for key, row in self._rows.items():
            out[key] = _normal(row.raw())
        return out

    def changed(self) -> bool:
        return self._ready and self.values() != self.initial

    def draft(self) -> tuple[Connector, dict[str, str]]:
        """The connector as typed (the other mode's settings and unused filters dropped), and
        the code's own error (the draft then carries a placeholder code)."""
        values = self.values()
        code = values.get("code") or ""
        code_error = ""
        if not code:
            code_error = "le code du connecteur est obligatoire"
        elif not CODE_RE.match(code):
            code_error = "1 à 10 lettres, chiffres ou « _ » (sans accent ni espace)"
        values["code"] = _PLACEHOLDER_CODE if code_error else code
        if values.get("mode") == Mode.CSV.value:
            values["url"] = values["cle"] = None
        else:
            values["chemin_import"] = values["chemin_export"] = None
        if values.get("envois.articles") != ArticlesToSend.FILTER.value:
            values["envois.filtre_articles"] = None
        if values.get("envois.clients") != ClientsToSend.FILTER.value:
            values["envois.filtre_clients"] = None
        connector = Connector.model_validate(_nested(values))
        return connector, ({"code": code_error} if code_error else {})

    def errors(self, *, create_folders: bool = False) -> list[FieldError]:
        connector, own = self.draft()
        errors = [FieldError(key, message) for key, message in own.items()]
        for error in connector_errors(
            self.db, connector, new=self.new, create_folders=create_folders
        ):
            if not (own and error.key == "code"):
                errors.append(error)
        return errors

    def step_errors(self, step: str, *, create_folders: bool = False) -> list[FieldError]:
        return [e for e in self.errors(create_folders=create_folders) if e.key in STEPS[step]]

    # -- showing a step

    def _show_step(self) -> None:
        index = STEP_ORDER.index(self.step)
        self.query_one(ContentSwitcher).current = f"step-{self.step}"
        self.query_one("#wizard-title", Static).update(
            f"Étape {index + 1}/{len(STEP_ORDER)} — {STEP_TITLES[self.step]}"
        )
        progress = Text(no_wrap=True, overflow="ellipsis")
        for i, step in enumerate(STEP_ORDER):
            if i:
                progress.append(" › ")
            style = "bold reverse" if step == self.step else ("" if i < index else "dim")
            progress.append(f" {i + 1} {STEP_TITLES[step]} ", style=style)
        self.query_one("#wizard-progress", Static).update(progress)
        self.query_one("#previous", Button).disabled = index == 0
        self.query_one("#next", Button).disabled = index == len(STEP_ORDER) - 1
        self.refresh_bindings()
        # At once, not after a refresh: keys typed right after F9 are for the new step.
        self._focus_step()

    def _focus_step(self) -> None:
        container = self.query_one(f"#step-{self.step}")
        for widget in self.focus_chain:
            if container in widget.ancestors:
                widget.focus()
                return

    async def go_to(self, step: str, errors: list[FieldError] | None = None) -> None:
        """Shows `step` (built the first time), with these errors under its fields."""
        if self.step == "communication" and step != "communication":
            self._mask_key()
        self._refresh_choices()
        await self._mount_step(step)
        self.step = step
        self.show_errors(step, errors or [])
        self._show_step()
        if errors:
            self._focus_error(errors)

    def show_errors(self, step: str, errors: list[FieldError]) -> None:
        messages: dict[str, str] = {}
        for error in errors:
            messages.setdefault(error.key, _sentence(error.message))
        for key in STEPS[step]:
            row = self.row(key)
            row.set_error(messages.get(key))
            if key in messages:
                self._shown_errors[key] = row.raw()
            else:
                self._shown_errors.pop(key, None)
        self._show_error_count()

    def _show_error_count(self) -> None:
        """« Corrigez les champs signalés (N erreurs). », N the errors still shown on the step."""
        count = sum(1 for key in self._shown_errors if key in STEPS[self.step])
        self.show_message(
            f"Corrigez les champs signalés ({count} erreur{'s' if count > 1 else ''})."
            if count
            else None
        )
        self._counting_errors = True

    def show_message(self, message: str | None) -> None:
        widget = self.query_one("#wizard-message", Static)
        widget.update(message or "")
        widget.display = bool(message)
        self._counting_errors = False

    def _focus_error(self, errors: list[FieldError]) -> None:
        """Focuses the first field in error, in the order of the screen."""
        editors = {self.row(error.key).editor for error in errors}
        for widget in self.focus_chain:
            if widget in editors:
                widget.focus()
                return

    # -- reacting to the fields

    def _row_of(self, widget: Widget) -> FieldRow | None:
        for node in widget.ancestors_with_self:
            if isinstance(node, FieldRow):
                return node
        return None

    def _key_of(self, row: FieldRow) -> str | None:
        for key, candidate in self._rows.items():
            if candidate is row:
                return key
        return None

    def _field_changed(self, widget: Widget) -> str | None:
        """Clears the error of a field the operator changed; returns its key. (Widgets also
        post Changed when they are mounted: only a value other than the one the error was
        about clears it.)"""
        row = self._row_of(widget)
        key = self._key_of(row) if row is not None else None
        if (
            row is not None
            and key in self._shown_errors
            and _normal(row.raw()) != _normal(self._shown_errors[key])
        ):
            del self._shown_errors[key]
            row.set_error(None)
            if self._counting_errors:
                self._show_error_count()
        return key

    def on_input_changed(self, event: Input.Changed) -> None:
        key = self._field_changed(event.input)
        if key in STEPS["communication"] and self._ready and self.connection_text:
            self._show_connection(None)  # the answer was about other settings

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._field_changed(event.checkbox)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        key = self._field_changed(event.radio_set)
        if key == "liaison" and self._ready:
            # The liaison decides the way of communicating: PrestaShop by webservice,
            # Suivi ETA by CSV files.
            prestashop = self.row("liaison").raw() == Liaison.PRESTASHOP.value
            mode = (Mode.WEBSERVICE if prestashop else Mode.CSV).value
            if "mode" in self._rows:
                self.row("mode").editor.value = mode
            else:
                self._unbuilt["mode"] = mode
        elif key == "mode":
            self._show_mode_groups()
            self._show_connection(None)
        elif key in ("envois.articles", "envois.clients"):
            self._show_filters()

    def on_select_changed(self, event: Select.Changed) -> None:
        key = self._field_changed(event.select)
        if key == "receptions.entreprise":
            company = self.row(key).raw()
            self._refill("receptions.site", _sites_of(self.db, company)())
        elif key == "receptions.site":
            site = self.row(key).raw()
            self._refill("receptions.depot", _depots_of(self.db, site)())

    def on_screen_resume(self) -> None:
        if self._ready:
            self._refresh_choices()

    def _refresh_choices(self) -> None:
        """Reads the GC's lists again: a depot or a family created since the wizard opened (in
        another space, by `econnect gc import`, by a colleague) can be chosen without leaving
        it; every choice made that still exists is kept."""
        values = self.values()
        for step in STEP_ORDER:
            if step not in self._mounted:
                continue
            for _, _, specs in step_groups(self.db, step, values, new=self.new):
                for spec in specs:
                    key = _KEY_OF_NAME[spec.name]
                    if spec.kind == "choice" and spec.choices and key in self._rows:
                        self._refill(key, list(spec.choices()))

    def _refill(self, key: str, options: list[tuple[str, str]]) -> None:
        """New choices for a Select, keeping its value when still one of them."""
        select = self.row(key).editor
        assert isinstance(select, Select)
        current = select.value
        select.set_options(options)
        if current is not Select.NULL and any(value == current for _, value in options):
            select.value = current

    def _show_mode_groups(self) -> None:
        if "communication" not in self._mounted:
            return
        csv = self.values().get("mode") != Mode.WEBSERVICE.value
        self.query_one("#group-csv").display = csv
        self.query_one("#group-webservice").display = not csv
        self.query_one("#learn-more").display = not csv  # the seed's link, beside the key
        self.refresh_bindings()

    def _show_filters(self) -> None:
        articles = self.row("envois.articles").raw() == ArticlesToSend.FILTER.value
        clients = self.row("envois.clients").raw() == ClientsToSend.FILTER.value
        self.row("envois.filtre_articles").display = articles
        self.row("envois.filtre_clients").display = clients

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field, as in the other forms."""
        event.stop()
        self.focus_next()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button == "previous":
            await self.action_previous()
        elif button == "next":
            await self.action_next()
        elif button == "finish":
            await self.action_finish()
        elif button == "test-connection":
            self.action_test_connection()
        elif button == "learn-more":
            self.app.push_screen(TextScreen("En savoir + : la clé PrestaShop", PRESTASHOP_KEY_HELP))

    # -- keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        index = STEP_ORDER.index(self.step)
        if action == "previous":
            return index > 0
        if action == "next":
            return index < len(STEP_ORDER) - 1
        if action == "test_connection":
            return self.step == "communication"
        if action == "reveal":
            webservice = self.values().get("mode") == Mode.WEBSERVICE.value
            if self.step != "communication" or "cle" not in self._rows or not webservice:
                return False
            key_input = self.row("cle").editor
            return key_input.password == bool(parameters and parameters[0])
        return True

    async def action_previous(self) -> None:
        index = STEP_ORDER.index(self.step)
        if index > 0:
            self.show_message(None)
            await self.go_to(STEP_ORDER[index - 1])

    async def action_next(self) -> None:
        """« Étape suivante »: refused while the step has errors (a missing folder is offered
        to be created)."""
        index = STEP_ORDER.index(self.step)
        if index >= len(STEP_ORDER) - 1:
            return
        step = self.step
        errors = self.step_errors(step)
        if not errors:
            await self.go_to(STEP_ORDER[index + 1])
            return
        await self.go_to(step, errors)
        if all(e.missing_folder for e in errors):
            self._offer_folders(errors, lambda: self._after_folders_next(step))

    async def _after_folders_next(self, step: str) -> None:
        errors = self.step_errors(step)
        if errors:
            await self.go_to(step, errors)
        else:
            await self.go_to(STEP_ORDER[STEP_ORDER.index(step) + 1])

    async def action_finish(self) -> None:
        """« Terminer »: checks every step, opens the first one in error, else saves."""
        errors = self.errors()
        if not errors:
            self._save()
            return
        first = min(errors, key=lambda e: STEP_ORDER.index(_step_of(e.key)))
        step = _step_of(first.key)
        await self.go_to(step, [e for e in errors if _step_of(e.key) == step])
        if all(e.missing_folder for e in errors):
            self._offer_folders(errors, self.action_finish)

    def _offer_folders(self, errors: list[FieldError], then: Callable[[], Awaitable[None]]) -> None:
        """Asks to create the missing folders; creates them and goes on when agreed."""
        connector, _ = self.draft()
        # In the order of the screen: export, then import.
        keys = {e.key for e in errors}
        paths = [
            path
            for key, path in (
                ("chemin_export", connector.export_path),
                ("chemin_import", connector.import_path),
            )
            if key in keys
        ]
        names = " et ".join(f"« {p} »" for p in paths)
        plural = len(paths) > 1
        question = (
            f"Les dossiers {names} n'existent pas. Les créer ?"
            if plural
            else f"Le dossier {names} n'existe pas. Le créer ?"
        )

        async def answered(create: bool | None) -> None:
            if not create:
                return
            failed = [
                e
                for e in self.errors(create_folders=True)
                if e.key in ("chemin_import", "chemin_export")
            ]
            if failed:
                await self.go_to("communication", failed)
                return
            self.notify("Dossier créé." if not plural else "Dossiers créés.")
            await then()

        self.app.push_screen(
            ConfirmScreen(
                question, "Créer les dossiers" if plural else "Créer le dossier", danger=False
            ),
            answered,
        )

    def _save(self) -> None:
        connector, _ = self.draft()
        try:
            saved = save_connector(self.db, connector, new=self.new, expected=self.stored)
        except Conflict as exc:
            # Said once: « Terminer » again replaces the other version, knowingly.
            self.stored = exc.current if isinstance(exc.current, Connector) else None
            self.show_message(str(exc))
            return
        except ValidationFailed:
            # Something changed since the check (a folder removed, a code deleted): check
            # again, which opens the step in error.
            self.call_later(self.action_finish)
            return
        except UserError as exc:
            self.show_message(str(exc))
            return
        self.notify(f"Connecteur « {saved.code} » enregistré.")
        self.dismiss(saved.code)

    def unsaved_changes(self) -> str | None:
        """Where changes wait to be saved (said when quitting), None when there are none."""
        return self.sub_title if self.changed() else None

    def action_leave(self) -> None:
        leave_asking_first(
            self, self.changed(), "Abandonner les modifications du connecteur ?", "Abandonner"
        )

    # -- the key and « Test de connexion »

    def action_reveal(self, show: bool) -> None:
        key_input = self.row("cle").editor
        assert isinstance(key_input, Input)
        key_input.password = not show
        self.refresh_bindings()

    def _mask_key(self) -> None:
        key_input = self.row("cle").editor
        if isinstance(key_input, Input) and not key_input.password:
            key_input.password = True
            self.refresh_bindings()

    def action_test_connection(self) -> None:
        if self.step != "communication":
            return
        connector, _ = self.draft()
        self._show_connection(None, running=True)
        self.run_worker(
            lambda: _checked(connector),
            name="test-connexion",
            group="connection-test",
            description="Test de connexion",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "connection-test":
            return
        if event.state is WorkerState.SUCCESS:
            self._show_connection(event.worker.result)
        elif event.state is WorkerState.ERROR:
            self._show_connection(ConnectionResult(False, "Test impossible."))

    def _show_connection(self, result: ConnectionResult | None, *, running: bool = False) -> None:
        widget = self.query_one("#connection-result", Static)
        widget.remove_class("-ok", "-error", "-running")
        if running:
            widget.update("Test en cours…")
            widget.add_class("-running")
        elif result is not None:
            widget.update(("✓ " if result.ok else "✗ ") + _sentence(result.message))
            widget.add_class("-ok" if result.ok else "-error")
        widget.display = running or result is not None

    @property
    def connection_text(self) -> str:
        """The answer of « Test de connexion » as shown ('' when none)."""
        widget = self.query_one("#connection-result", Static)
        return str(widget.render()) if widget.display else ""


def _step_of(key: str) -> str:
    for step, keys in STEPS.items():
        if key in keys:
            return step
    return STEP_ORDER[0]


def open_wizard(
    app: App,
    code: str | None = None,
    *,
    step: str | None = None,
    mode: str = "parametres",
    on_done: Callable[[str | None], None] | None = None,
) -> ConnectorWizardScreen:
    """Opens the wizard in `mode` (switching to it first): creating when `code` is None (at
    Identification), else editing that connector (at « Mode de communication »); `step`
    chooses another first step. `on_done` receives the saved code, or None when the operator
    left without saving."""
    if code is not None:
        connectors_store.require_connector(app.db, code)  # type: ignore[attr-defined]
    if getattr(app, "current_mode", None) != mode and mode in getattr(app, "MODES", {}):
        app.switch_mode(mode)
    screen = ConnectorWizardScreen(code, step=step, mode=mode)
    app.push_screen(screen, on_done)
    return screen
