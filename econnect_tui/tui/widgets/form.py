"""Forms: one row per field (label, input, its French error under it), built from FieldSpecs.

Used by every record editor (reference tables, article and tiers cards, contacts, connectors),
so fields look and behave the same everywhere: Tab/Shift+Tab move, errors sit under the field.

Kinds: text, decimal, password (an Input), bool (a `TickBox`, its X shown only when ticked;
`extra["text"]` is its own label), choice (a Select) and radio (a `ChoiceSet`: the arrows
choose, like a radio group of a desktop form; `extra["horizontal"]` puts the choices on one
line, `extra["hints"]` maps a value to the hint shown under the group while it is chosen). A
`stacked` field has its label on a line of its own above the editor (a section title for long
radio texts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Label, RadioButton, RadioSet, Select, Static

from ... import french
from ...french import parse_decimal
from ..terminal import FieldInput
from .dropdown import DropDown

FieldKind = Literal["text", "decimal", "bool", "choice", "password", "radio"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None  # (label, value)
    readonly: bool = False
    placeholder: str = ""
    help: str = ""
    allow_blank_choice: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    stacked: bool = False  # the label on its own line, the editor under it


class ChoiceButton(RadioButton):
    """A radio button whose mark shows only when chosen (« ▐●▌ » / « ▐ ▌ »): RadioButton draws
    the same mark in both states, told apart by its colour alone, lost in 16 colours."""

    @property
    def _button(self):
        self.BUTTON_INNER = RadioButton.BUTTON_INNER if self.value else " "
        return super()._button


class TickBox(Checkbox):
    """A checkbox whose X shows only when ticked (« ▐X▌ » / « ▐ ▌ »): Checkbox draws the X in
    both states, told apart by its colour alone (lost in 16 colours or a plain capture)."""

    @property
    def _button(self):
        self.BUTTON_INNER = Checkbox.BUTTON_INNER if self.value else " "
        return super()._button


class ChoiceSet(RadioSet):
    """A radio group whose arrows choose (not only highlight) and whose Enter moves on to the
    next field, as in a form. Each button's `name` is its value."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "choose(1)", "Choix suivant", show=False),
        Binding("up,left", "choose(-1)", "Choix précédent", show=False),
        Binding("space", "toggle_button", "Choisir", show=False),
        Binding("enter", "next_field", "Champ suivant", show=False),
    ]

    def on_mount(self) -> None:
        # RadioSet's own mount handler (run after this one) highlights the first line.
        self.call_after_refresh(self._highlight_pressed)

    def _highlight_pressed(self) -> None:
        self._selected = max(self.pressed_index, 0)

    @property
    def value(self) -> str | None:
        pressed = self.pressed_button
        return pressed.name if pressed is not None else None

    @value.setter
    def value(self, value: str | None) -> None:
        """Chooses a value from code (posting Changed when it changes). The buttons are set
        here, not through their own messages: a handler of another RadioSet's Changed runs
        with RadioButton.Changed prevented, which would leave two buttons on."""
        buttons = list(self.query(RadioButton))
        chosen = next((b for b in buttons if b.name == value), None)
        if chosen is None or chosen is self.pressed_button:
            return
        with self.prevent(RadioButton.Changed):
            for button in buttons:
                button.value = button is chosen
        self._pressed_button = chosen
        self._selected = buttons.index(chosen)
        self.post_message(self.Changed(self, chosen))

    def action_choose(self, step: int) -> None:
        if step > 0:
            self.action_next_button()
        else:
            self.action_previous_button()
        self.action_toggle_button()

    def action_next_field(self) -> None:
        self.screen.focus_next()


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return french.decimal(value)
    return str(value)


class FieldRow(Vertical):
    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: auto; }
    FieldRow Label { width: 26; padding: 0 1 0 0; }
    FieldRow Input, FieldRow Select { width: 1fr; }
    FieldRow Checkbox { width: 1fr; border: none; padding: 0; height: 1; }
    FieldRow .field-error { color: $error; padding-left: 26; height: auto; }
    FieldRow .field-help { color: $text-muted; padding-left: 26; height: auto; }
    FieldRow ChoiceSet { width: 1fr; height: auto; background: transparent; }
    FieldRow ChoiceSet:blur > RadioButton.-selected > .toggle--label { background: transparent; }
    FieldRow ChoiceSet.-horizontal { layout: horizontal; }
    FieldRow ChoiceSet.-horizontal > RadioButton { width: auto; margin-right: 2; }
    FieldRow Label.field-title { width: 1fr; text-style: bold; color: $accent; }
    FieldRow.-stacked .field-error, FieldRow.-stacked .field-help { padding-left: 2; }
    FieldRow.-stacked > ChoiceSet, FieldRow.-stacked > Checkbox { margin-left: 1; }
    """

    def __init__(self, spec: FieldSpec, value: Any) -> None:
        super().__init__(id=f"field-{spec.name}", classes="-stacked" if spec.stacked else "")
        self.spec = spec
        self.initial = value
        self._editor_widget: Widget | None = None

    def compose(self) -> ComposeResult:
        spec = self.spec
        label = spec.label + (" *" if spec.required else "")
        self._editor_widget = self._editor()
        if spec.stacked:
            yield Label(label, classes="field-title")
            yield self._editor_widget
        else:
            with Horizontal():
                yield Label(label)
                yield self._editor_widget
        hint = self._hint(value=self.initial)
        if spec.help or hint:
            yield Static(spec.help or hint, classes="field-help")
        yield Static("", classes="field-error")

    def _hint(self, value: Any) -> str:
        return str(self.spec.extra.get("hints", {}).get(value, ""))

    def _editor(self):
        spec, value = self.spec, self.initial
        if spec.kind == "bool":
            text = spec.extra.get("text", "")
            return TickBox(text, bool(value), disabled=spec.readonly, compact=True)
        if spec.kind == "radio":
            options = list(spec.choices() if spec.choices else [])
            return ChoiceSet(
                *(ChoiceButton(text, choice == value, name=choice) for text, choice in options),
                disabled=spec.readonly,
                compact=True,
                classes="-horizontal" if spec.extra.get("horizontal") else "",
            )
        if spec.kind == "choice":
            options = list(spec.choices() if spec.choices else [])
            values = {v for _, v in options}
            current = value if value in values else Select.NULL
            return DropDown(
                options,
                value=current,
                allow_blank=spec.allow_blank_choice,
                prompt=spec.extra.get("blank", "(aucun)")
                if spec.allow_blank_choice
                else "Choisir…",
                disabled=spec.readonly,
                compact=True,
            )
        return FieldInput(
            _display(value),
            placeholder=spec.placeholder,
            password=spec.kind == "password",
            disabled=spec.readonly,
            compact=True,
        )

    @property
    def editor(self):
        assert self._editor_widget is not None
        return self._editor_widget

    def raw(self) -> Any:
        editor = self.editor
        if isinstance(editor, (Checkbox, ChoiceSet)):
            return editor.value
        if isinstance(editor, Select):
            return None if editor.value is Select.NULL else editor.value
        return editor.value

    def parsed(self) -> Any:
        """The typed value; raises ValueError with a French reason."""
        raw = self.raw()
        if self.spec.kind in ("bool", "choice", "radio"):
            if self.spec.required and raw is None:
                raise ValueError("choix obligatoire")
            return raw
        text = (raw or "").strip()
        if not text:
            if self.spec.required:
                raise ValueError("valeur obligatoire")
            return None
        if self.spec.kind == "decimal":
            return parse_decimal(text)
        return text

    def set_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(message or "")
        error.display = bool(message)

    def on_mount(self) -> None:
        self.set_error(None)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        """A radio field shows the hint of the chosen value (the event goes on bubbling)."""
        if self.spec.extra.get("hints") and not self.spec.help:
            self.query_one(".field-help", Static).update(self._hint(self.raw()))


class FormScroll(VerticalScroll, can_focus=False):
    """Scrolls a long form. Never focused itself: Tab and Shift+Tab go from field to field
    (a scrolling container takes the focus, with nothing to show it, when it can scroll); the
    field focused scrolls into view."""


class Form(Vertical):
    """A column of FieldRows. `values()` returns parsed values or marks the fields in error."""

    DEFAULT_CSS = """
    Form { height: auto; padding: 0 1; }
    """

    def __init__(self, fields: Sequence[FieldSpec], values: dict[str, Any] | None = None, **kw):
        super().__init__(**kw)
        self.fields = list(fields)
        self.initial = dict(values or {})

    def compose(self) -> ComposeResult:
        for spec in self.fields:
            yield FieldRow(spec, self.initial.get(spec.name))

    def row(self, name: str) -> FieldRow:
        return self.query_one(f"#field-{name}", FieldRow)

    def values(self) -> dict[str, Any] | None:
        """Parsed values, or None when a field is wrong (its error is shown)."""
        out: dict[str, Any] = {}
        ok = True
        for spec in self.fields:
            row = self.row(spec.name)
            try:
                out[spec.name] = row.parsed()
                row.set_error(None)
            except ValueError as exc:
                row.set_error(str(exc))
                ok = False
        return out if ok else None

    def raw_values(self) -> dict[str, Any]:
        return {spec.name: self.row(spec.name).raw() for spec in self.fields}

    def on_mount(self) -> None:
        # What the operator was shown, not the values given: a Select without a blank line
        # shows (and holds) its first choice when given none (a new article's Unité).
        self._opened = {spec.name: self._comparable(spec) for spec in self.fields}

    def _comparable(self, spec: FieldSpec) -> Any:
        raw = self.row(spec.name).raw()
        if spec.kind == "bool":
            return bool(raw)
        if spec.kind in ("choice", "radio"):
            return raw or None
        return (raw or "").strip()

    def changed(self) -> bool:
        """Whether a field differs from what it showed when the form was opened."""
        opened = getattr(self, "_opened", None)
        if opened is None:  # not mounted yet: nothing typed
            return False
        return any(self._comparable(spec) != opened[spec.name] for spec in self.fields)

    def set_errors(self, errors: dict[str, str]) -> None:
        for spec in self.fields:
            self.row(spec.name).set_error(errors.get(spec.name))

    def focus_first(self) -> None:
        for spec in self.fields:
            editor = self.row(spec.name).editor
            if not editor.disabled:
                editor.focus()
                return
