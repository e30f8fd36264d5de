"""The article picker: choose the GC article of an external code (the reception's « Sans
correspondance » rows, seed 2.2.3).

A modal with a search line and a list. Before anything is typed the list starts with the
suggestions for the external code and its label (`sync.mapping.ArticleMatcher`: fuzzy on code and
label, accents and case ignored), then every article by code; typing searches code and label the
same fuzzy way, best first, leaving out articles too far from it (« Aucun article ne
correspond » when none is left, and Enter associates nothing). An article that already
corresponds to another external code on the connector says so (« déjà FT-SEMCER »): choosing it
moves the correspondence, which the caller confirms.

Keys: type to search, ↑/↓ (Page ↑/↓) to choose, Enter to associate, Escape to cancel.
Returns the chosen article's code, or None.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...sync.mapping import ArticleMatcher
from ..screens.base import EconnectModal
from .footer import KeysFooter

BROWSE_LIMIT = 200  # articles listed by code under the suggestions, before anything is typed
SEARCH_LIMIT = 50
# A typed search lists only articles this close (WRatio, 0-100): a word of the code or label
# scores 90, a typo 70-80, unrelated letters under 50 (« xwxwxw » 0, « qwerty » 45).
SEARCH_MIN_SCORE = 60
SUGGESTIONS = 5


class _PickerList(OptionList, can_focus=False):
    """The list never takes the focus: typing always goes to the search line."""


class ArticlePicker(EconnectModal[str | None]):
    BINDINGS = [
        Binding("enter", "accept", "Associer", priority=True),  # shown, though the search has focus
        Binding("escape", "close", "Annuler"),
        Binding("down", "move(1)", "Suivant", show=False),
        Binding("up", "move(-1)", "Précédent", show=False),
        Binding("pagedown", "move(8)", "Page suivante", show=False),
        Binding("pageup", "move(-8)", "Page précédente", show=False),
    ]
    DEFAULT_CSS = """
    ArticlePicker { align: center middle; }
    ArticlePicker > Vertical {
        width: 76; height: auto; max-height: 21;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ArticlePicker #picker-title { text-style: bold; height: 1; }
    ArticlePicker #picker-subtitle { color: $text-muted; height: auto; }
    ArticlePicker #picker-search-row { height: 1; margin-top: 1; }
    ArticlePicker #picker-search-row Label { width: auto; padding-right: 1; color: $text-accent; }
    ArticlePicker #picker-search { width: 1fr; background: $surface-lighten-1; }
    ArticlePicker OptionList {
        height: auto; max-height: 12; margin-top: 1; border: none; padding: 0;
        background: $surface;
    }
    ArticlePicker #picker-hint { color: $text-muted; height: 1; }
    ArticlePicker #picker-empty {
        display: none; height: 1; margin-top: 1; color: $text-warning; text-style: italic;
    }
    """

    def __init__(
        self,
        matcher: ArticleMatcher,
        external_code: str,
        label: str,
        *,
        documents: int = 0,
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.matcher = matcher
        self.external_code = external_code
        self.label = label
        self.documents = documents
        self.current = current
        self.codes: list[str] = []  # the option ids, in list order
        self._by_code = sorted(matcher.labels)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Correspondance de {self.external_code}", id="picker-title", markup=False)
            yield Static(self._subtitle(), id="picker-subtitle", markup=False)
            with Horizontal(id="picker-search-row"):
                yield Label("Rechercher")
                yield Input(
                    placeholder="code ou libellé de l'article GC…",
                    compact=True,
                    id="picker-search",
                )
            yield _PickerList(id="picker-list", compact=True)
            yield Static("Aucun article ne correspond", id="picker-empty")
            yield Static("Entrée : associer · ↑↓ : choisir · Échap : annuler", id="picker-hint")
        yield KeysFooter(compact=True, show_command_palette=False)

    def _subtitle(self) -> str:
        parts = [self.label or "(sans libellé)"]
        if self.documents:
            n = self.documents
            parts.append(f"{n} document{'s' if n > 1 else ''} en attente")
        if self.current:
            parts.append(f"actuellement associé à {self.current}")
        return " · ".join(parts)

    def on_mount(self) -> None:
        self.show_results("")
        self.query_one(Input).focus()

    # -- the list

    def _option(self, code: str, note: str = "") -> Option:
        width = 70
        code_width = 12
        held = self.matcher.held.get(code)
        notes = [n for n in (note, f"déjà {held}" if held else "") if n]
        note_text = " · ".join(notes)
        label_width = max(width - code_width - cell_len(note_text) - 4, 10)
        label = self.matcher.labels.get(code, "")
        if cell_len(label) > label_width:
            label = set_cell_size(label, label_width - 1) + "…"
        line = Text()
        line.append(set_cell_size(code, code_width), style="bold")
        line.append("  ")
        line.append(set_cell_size(label, label_width))
        if note_text:
            line.append("  ")
            line.append(note_text, style="dim")
        return Option(line, id=code)

    def show_results(self, query: str) -> None:
        options: list[Option | None] = []
        codes: list[str] = []
        query = query.strip()
        if query:
            hits = self.matcher.search(
                query,
                limit=SEARCH_LIMIT,
                min_score=SEARCH_MIN_SCORE,
                near=f"{self.external_code} {self.label}",
            )
            for hit in hits:
                options.append(self._option(hit.article_code))
                codes.append(hit.article_code)
        else:
            for hit in self.matcher.suggest(self.external_code, self.label, limit=SUGGESTIONS):
                options.append(self._option(hit.article_code, "suggestion"))
                codes.append(hit.article_code)
            if codes:
                options.append(None)
            suggested = set(codes)
            for code in self._by_code:
                if len(codes) >= BROWSE_LIMIT:
                    break
                if code not in suggested:
                    options.append(self._option(code))
                    codes.append(code)
        self.codes = codes
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        option_list.highlighted = 0 if codes else None
        option_list.display = bool(codes)
        self.query_one("#picker-empty").display = not codes

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_results(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    # -- keys

    def action_move(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if not self.codes:
            return
        current = option_list.highlighted or 0
        option_list.highlighted = max(0, min(current + step, len(self.codes) - 1))

    def action_accept(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.codes:
            self.notify("Aucun article ne correspond à la recherche.", severity="warning")
            return
        self.dismiss(self.codes[index])

    def action_close(self) -> None:
        self.dismiss(None)
