"""DropDown: Textual's Select with a French footer. Every drop-down of the app is one.

Textual's list (SelectOverlay) binds Échap to « Dismiss menu », which the footer shows while
the list is open. A subclass of the list with its own binding (a subclass's binding replaces
its parent's for the same key) and a Select that composes it keep everything else of Textual's
(`query_one(SelectOverlay)` and the CSS find the subclass as well).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay


class DropDownList(SelectOverlay):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Fermer la liste")]


class DropDown(Select):
    def compose(self) -> ComposeResult:
        # As Select.compose, with the French list.
        yield SelectCurrent(self.prompt)
        yield DropDownList(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
