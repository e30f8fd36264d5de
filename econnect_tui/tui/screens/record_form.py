"""A modal that edits one record with a Form: Ctrl+S/F9 saves, Escape leaves (asking first when
something changed). The save callback raises to refuse; its French reasons land on the fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from ...errors import UserError
from ...models.reports import join_messages
from ...models.validators import field_errors
from ..widgets.form import FieldSpec, Form, FormScroll
from .base import EconnectModal
from .confirm import leave_asking_first


class RecordFormScreen(EconnectModal[Any]):
    BINDINGS = [
        Binding("ctrl+s,f9", "save", "Enregistrer", key_display="Ctrl+S", id="form.save"),
        Binding("escape", "cancel", "Annuler"),
    ]
    DEFAULT_CSS = """
    RecordFormScreen { align: center middle; }
    RecordFormScreen > Vertical {
        width: 76; height: auto; max-height: 22;
        border: round $primary; background: $surface; padding: 0 1;
    }
    RecordFormScreen #form-title { text-style: bold; padding: 0 1; }
    RecordFormScreen FormScroll { height: auto; max-height: 15; }
    RecordFormScreen #form-message { color: $error; padding: 0 1; height: auto; }
    RecordFormScreen .buttons { height: auto; align-horizontal: right; }
    RecordFormScreen .buttons Button { margin-left: 1; min-width: 10; }
    """

    def __init__(
        self,
        title: str,
        fields: Sequence[FieldSpec],
        values: dict[str, Any] | None,
        save: Callable[[dict[str, Any]], Any],
    ) -> None:
        super().__init__()
        self.form_title = title
        self.form = Form(fields, values)
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, id="form-title")
            with FormScroll():
                yield self.form
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button("Enregistrer (Ctrl+S)", id="save", variant="primary", compact=True)
                yield Button("Annuler (Échap)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#form-message").display = False
        self.form.focus_first()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it saves."""
        event.stop()
        inputs = [w for w in self.form.query(Input) if not w.disabled]
        if inputs and event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def show_message(self, message: str | None) -> None:
        widget = self.query_one("#form-message", Static)
        widget.update(message or "")
        widget.display = bool(message)

    def action_save(self) -> None:
        values = self.form.values()
        if values is None:
            self.show_message("Corrigez les champs signalés.")
            return
        try:
            result = self.save(values)
        except ValidationError as exc:
            errors = field_errors(exc)
            self.form.set_errors(errors)
            unplaced = [m for name, m in errors.items() if name not in values]
            self.show_message(join_messages(unplaced) or "Corrigez les champs signalés.")
            return
        except UserError as exc:
            self.show_message(str(exc))
            return
        self.dismiss(result if result is not None else True)

    def unsaved_changes(self) -> str | None:
        """Where changes wait to be saved (said when quitting), None when there are none."""
        return self.form_title if self.form.changed() else None

    def action_cancel(self) -> None:
        leave_asking_first(
            self, self.unsaved_changes() is not None, "Abandonner les modifications ?", "Abandonner"
        )
