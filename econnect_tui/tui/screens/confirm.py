"""A yes/no question whose default answer is the safe one (Annuler)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from .base import EconnectModal


class ConfirmScreen(EconnectModal[bool]):
    """Returns True only when the operator chooses the confirm button explicitly."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler"),
        Binding("left,right,tab,shift+tab", "toggle_focus", "Changer de bouton", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 60; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen #question { margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; min-width: 12; }
    """

    def __init__(
        self,
        question: str,
        confirm_label: str = "Confirmer",
        danger: bool = True,
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.question = question
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            with Horizontal():
                yield Button("Annuler", id="cancel", variant="primary")
                yield Button(
                    self.confirm_label,
                    id="confirm",
                    variant="error" if self.danger else "success",
                )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_toggle_focus(self) -> None:
        self.focus_next(Button)


def leave_asking_first(screen, changed: bool, question: str, confirm_label: str) -> None:
    """Dismisses `screen` at once when nothing changed; otherwise only once the operator has
    confirmed losing the changes (the question defaults to Annuler)."""
    if not changed:
        screen.dismiss(None)
        return

    def answered(leave: bool | None) -> None:
        if leave:
            screen.dismiss(None)

    screen.app.push_screen(ConfirmScreen(question, confirm_label), answered)
