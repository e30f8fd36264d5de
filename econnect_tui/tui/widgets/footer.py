"""The footer of every screen and window: Textual's, rebuilt only when its keys change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer rebuilds all its keys each time its screen says the bindings may have
    changed: a move of the focus, a window opened over the screen or closed, the cursor moving
    to another column of a grid. A rebuilt footer lays out its whole screen again, and under a
    window that layout repaints the whole window and what it covers: F1 wrote the screen three
    to five times to the terminal (Textual's opening of a window costs two). Here the footer is
    rebuilt only when the keys it would show differ from those it shows."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _keys(self, screen: Screen) -> tuple:
        """Everything of the screen's bindings that `Footer.compose` shows."""
        app = screen.app
        return tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.action,
                binding.description,
                binding.group,
                enabled,
                tooltip,
            )
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        # Footer recomposes only when the app has the focus and the screen is its own: then it
        # will show `keys`, so they are remembered only then.
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = self._keys(screen)
            if keys == self._shown:
                return
            self._shown = keys
        super().bindings_changed(screen)
