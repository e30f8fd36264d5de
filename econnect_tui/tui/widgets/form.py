"""Forms: one row per field (label, input, its French error under it), built from FieldSpecs.

Used by every record editor (reference tables, article and tiers cards, contacts, connectors),
so fields look and behave the same everywhere: Tab/Shift+Tab move, errors sit under the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select, Static

from ...exchange.csvfile import parse_decimal

FieldKind = Literal["text", "decimal", "bool", "choice", "password"]


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


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
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
    """

    def __init__(self, spec: FieldSpec, value: Any) -> None:
        super().__init__(id=f"field-{spec.name}")
        self.spec = spec
        self.initial = value

    def compose(self) -> ComposeResult:
        spec = self.spec
        label = spec.label + (" *" if spec.required else "")
        with Horizontal():
            yield Label(label)
            yield self._editor()
        if spec.help:
            yield Static(spec.help, classes="field-help")
        yield Static("", classes="field-error")

    def _editor(self):
        spec, value = self.spec, self.initial
        if spec.kind == "bool":
            return Checkbox("", bool(value), disabled=spec.readonly, compact=True)
        if spec.kind == "choice":
            options = list(spec.choices() if spec.choices else [])
            values = {v for _, v in options}
            current = value if value in values else Select.NULL
            return Select(
                options,
                value=current,
                allow_blank=spec.allow_blank_choice,
                prompt=spec.extra.get("blank", "(aucun)")
                if spec.allow_blank_choice
                else "Choisir…",
                disabled=spec.readonly,
                compact=True,
            )
        return Input(
            _display(value),
            placeholder=spec.placeholder,
            password=spec.kind == "password",
            disabled=spec.readonly,
            compact=True,
        )

    @property
    def editor(self):
        return self.query_one("Horizontal").children[1]

    def raw(self) -> Any:
        editor = self.editor
        if isinstance(editor, Checkbox):
            return editor.value
        if isinstance(editor, Select):
            return None if editor.value is Select.NULL else editor.value
        return editor.value

    def parsed(self) -> Any:
        """The typed value; raises ValueError with a French reason."""
        raw = self.raw()
        if self.spec.kind in ("bool", "choice"):
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

    def changed(self) -> bool:
        for spec in self.fields:
            raw = self.row(spec.name).raw()
            initial = self.initial.get(spec.name)
            if spec.kind in ("bool", "choice"):
                if (raw or None) != (initial or None) and not (
                    spec.kind == "bool" and bool(raw) == bool(initial)
                ):
                    return True
            elif (raw or "").strip() != _display(initial):
                return True
        return False

    def set_errors(self, errors: dict[str, str]) -> None:
        for spec in self.fields:
            self.row(spec.name).set_error(errors.get(spec.name))

    def focus_first(self) -> None:
        for spec in self.fields:
            editor = self.row(spec.name).editor
            if not editor.disabled:
                editor.focus()
                return

    def focus_field(self, name: str) -> None:
        self.row(name).editor.focus()
