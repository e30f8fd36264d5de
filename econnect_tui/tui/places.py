"""Which place each screen is, and how to reopen it: what `tui.memory` keeps between sessions.

A place is a screen that writes nothing by being opened, with what makes it the operator's (a
list's `/` filter and cursor row, the connector of a grid). A window (a confirmation, a picker,
the help, the palette), a card, the connector wizard, the reception and a report are no place:
the screen under them is (the list under a card, on the card's record; the dashboard under a
reception; the history under a report). Reopening never writes and never fails: what no longer
exists in the database gives the nearest place that does (a deleted connector's grid or history
gives the dashboard, a row gone leaves the cursor on the first row).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from typing import TYPE_CHECKING

from sqlite_utils import Database
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import OptionDoesNotExist

from ..store import connectors as connectors_store
from .memory import (
    ArticlesPlace,
    ConnectorsPlace,
    DashboardPlace,
    DocumentsPlace,
    HistoryPlace,
    HomePlace,
    ListView,
    MappingChoices,
    MappingPlace,
    Place,
    Remembered,
    SettingsPlace,
    TablePlace,
    TiersPlace,
)
from .screens.articles import ArticlesScreen
from .screens.connectors import ConnectorListScreen
from .screens.documents import DocumentsScreen
from .screens.history import KINDS, STATES, HistoryScreen
from .screens.home import HomeScreen
from .screens.mapping import MappingScreen
from .screens.reception import ReceptionScreen
from .screens.report import ReportScreen
from .screens.settings import EDITORS, SettingsScreen, TableEditorScreen
from .screens.sync import SyncScreen
from .screens.tiers import TiersScreen
from .widgets.correspondences import mapping_session
from .widgets.grid import GridPanel

if TYPE_CHECKING:
    from ..app import EconnectApp

log = logging.getLogger("econnect")

# Where the application is now -------------------------------------------------------------------


def _view(screen: Screen) -> ListView:
    panel = screen.query_one(GridPanel)
    key = panel.grid.cursor_key
    row = key if isinstance(key, (str, int)) and not isinstance(key, bool) else None
    return ListView(filter=panel.grid.filter_text, row=row)


def place_of(screen: Screen) -> Place | None:
    """The place `screen` is, None when it is none (see the module's docstring)."""
    if not screen.is_mounted:
        return None
    match screen:
        case HomeScreen():
            return HomePlace()
        case SyncScreen():
            return DashboardPlace()
        case MappingScreen():
            if screen.connector is None:  # no connector: the dashboard says what to do
                return DashboardPlace()
            return MappingPlace(connector=screen.connector, view=_view(screen))
        case HistoryScreen():
            return HistoryPlace(
                connector=screen.code, kind=screen.kind, state=screen.state, view=_view(screen)
            )
        case ArticlesScreen():
            return ArticlesPlace(view=_view(screen))
        case TiersScreen():
            return TiersPlace(kind=screen.kind, view=_view(screen))
        case DocumentsScreen():
            return DocumentsPlace(view=_view(screen))
        case SettingsScreen():
            menu = screen.query_one(OptionList)
            index = menu.highlighted
            entry = menu.get_option_at_index(index).id if index is not None else None
            return SettingsPlace(entry=entry)
        case TableEditorScreen():
            return TablePlace(table=screen.editor.key, view=_view(screen))
        case ConnectorListScreen():
            mode = "synchro" if screen.MODE == "synchro" else "parametres"
            return ConnectorsPlace(mode=mode, view=_view(screen))
    return None


def connector_of(screen: Screen) -> str | None:
    """The connector the operator chose on `screen`, if it is one where a connector is chosen."""
    match screen:
        case SyncScreen():
            return screen.focused_code()
        case MappingScreen():
            return screen.connector
        case HistoryScreen() | ReceptionScreen():
            return screen.code
        case ReportScreen():
            return screen.run.connector_code
    return None


def current_place(app: EconnectApp) -> Place:
    """The top place of the mode shown."""
    for screen in reversed(app.screen_stack):
        try:
            place = place_of(screen)
        except Exception:  # a screen half built or torn down: the one under it
            log.exception("place of %s", type(screen).__name__)
            continue
        if place is not None:
            return place
    return HomePlace()


def last_connector(app: EconnectApp, before: str | None) -> str | None:
    """The connector of the top screen of Synchro that has one (connectors are chosen there,
    whatever the mode shown now); else `before`."""
    try:
        stack = app.get_screen_stack("synchro")
    except KeyError:  # Synchro not opened in this session
        return before
    for screen in reversed(stack):
        try:
            code = connector_of(screen)
        except Exception:
            log.exception("connector of %s", type(screen).__name__)
            continue
        if code:
            return code
    return before


def remembered_now(app: EconnectApp) -> Remembered:
    """What to remember of the application as it is now."""
    session = mapping_session(app)
    return Remembered(
        place=current_place(app),
        connector=last_connector(app, app.memory.remembered.connector),
        mapping=MappingChoices(mode=session.mode, filter_name=session.filter_name),
    )


# Going back there --------------------------------------------------------------------------------


def reachable(db: Database, place: Place) -> Place:
    """`place`, or the nearest place this database still has."""
    match place:
        case MappingPlace() | HistoryPlace():
            if place.connector not in connectors_store.connector_codes(db):
                return DashboardPlace()
        case TablePlace():
            if place.table not in EDITORS:
                return SettingsPlace(entry=None)
    return place


def mode_of(place: Place) -> str:
    """The mode (F2 … F7 space) of `place`."""
    match place:
        case DashboardPlace() | MappingPlace() | HistoryPlace():
            return "synchro"
        case ArticlesPlace():
            return "articles"
        case TiersPlace():
            return "tiers"
        case DocumentsPlace():
            return "documents"
        case SettingsPlace() | TablePlace():
            return "parametres"
        case ConnectorsPlace():
            return place.mode
    return "accueil"


def seed_mapping_session(app: EconnectApp, remembered: Remembered) -> None:
    """The correspondence screen opens on the last connector and choices (a connector deleted
    since is not one: with several left, the screen asks which)."""
    session = mapping_session(app)
    if remembered.connector in connectors_store.connector_codes(app.db):
        session.connector = remembered.connector
    session.mode = remembered.mapping.mode
    session.filter_name = remembered.mapping.filter_name


async def reopen(app: EconnectApp, place: Place) -> None:
    """Completes the opening on `place`, whose mode is already shown (`mode_of`, the app's
    first mode): the screens above the mode's own, and the lists as they were left."""
    screen = app.screen
    match place:
        case MappingPlace():
            screen = MappingScreen(place.connector)
            await app.push_screen(screen)
        case HistoryPlace():
            screen = HistoryScreen(place.connector)
            screen.kind = place.kind if place.kind in KINDS else None
            screen.state = place.state if place.state in STATES else None
            await app.push_screen(screen)
        case TiersPlace() if isinstance(screen, TiersScreen) and screen.kind is not place.kind:
            screen.action_show(place.kind.value)
        case SettingsPlace() if isinstance(screen, SettingsScreen) and place.entry:
            _highlight(screen, place.entry)
        case TablePlace():
            if isinstance(screen, SettingsScreen):  # Échap comes back to its entry
                _highlight(screen, place.table)
            screen = TableEditorScreen(EDITORS[place.table])
            await app.push_screen(screen)
        case ConnectorsPlace():
            screen = ConnectorListScreen(place.mode)
            await app.push_screen(screen)
    view = getattr(place, "view", None)
    if view is not None and screen.query(GridPanel):
        screen.query_one(GridPanel).restore_view(view.filter, view.row)


def _highlight(screen: SettingsScreen, entry: str) -> None:
    menu = screen.query_one(OptionList)
    with suppress(OptionDoesNotExist):  # an entry gone: the menu as it opens
        menu.highlighted = menu.get_option_index(entry)
