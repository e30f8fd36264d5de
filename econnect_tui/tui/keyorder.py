"""Keys handled one at a time, in the order they were typed.

Textual forwards each key to the widget focused when the *app* reads it, into that widget's
queue, and a key the widget does not handle itself (Tab, Backspace in an Input: bindings) only
acts once it has bubbled back up to the app. Keys typed fast (tmux send-keys, a paste of keys,
a scanner) are all forwarded before the first Tab has moved the focus: « 9001 Tab SARL » filled
one field with « 9001SARL ». Here the app hands a key (or a paste) on only once the previous one
has gone all the way up (every handler and binding on its path has run), and once a screen it
opened is mounted, so each key reaches the widget focused after the keys before it.
"""

from __future__ import annotations

from collections import deque
from time import monotonic

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import Screen

# A key whose journey cannot be followed (its widget removed meanwhile) holds the next ones
# back this long at most.
STUCK_AFTER = 1.0


class OrderedKeysApp(App):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keys_waiting: deque[events.Event] = deque()
        self._key_travelling: events.Event | None = None
        self._key_since = 0.0
        self._keys_busy = False
        self._stuck_check_armed = False

    def alt_key_in_use(self, key: str) -> bool:
        """Whether some binding uses this Alt key (then it is no Échap typed ahead)."""
        return False

    def _escape_then(self, event: events.Key) -> list[events.Key] | None:
        """Échap and the key after it read at once (the app was busy, a slow SSH link sent
        them in one packet) come as one « alt+key » from the terminal parser, which no binding
        here knows: both were lost. They are the two keys the operator typed."""
        character = event.character
        if (
            event.key.startswith("alt+")
            and character is not None
            and len(character) == 1
            and character.isalnum()
            and not self.alt_key_in_use(event.key)
        ):
            return [events.Key("escape", "\x1b"), events.Key(character, character)]
        return None

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and (keys := self._escape_then(event))
        ):
            for key in keys:
                await self.on_event(key)
            return
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._keys_busy:
                self._keys_waiting.append(event)
                if not self._stuck_check_armed:
                    self._stuck_check_armed = True
                    self.set_timer(STUCK_AFTER, self._check_stuck)
                return
            self._keys_busy = True
            await self._deliver(event)
            return
        await super().on_event(event)

    async def _deliver(self, event: events.Event) -> None:
        """Hands `event` to Textual (priority bindings, then the focused widget), then follows
        it; a key handled at once lets the next one go."""
        while True:
            # A screen just opened focuses its first field once mounted: the key is for it.
            if not self.screen.is_mounted and self.screen.call_later(
                self.call_later, self._release
            ):
                self._keys_waiting.appendleft(event)
                return
            await super().on_event(event)
            if event.is_forwarded:
                target = self.focused or self.screen
                self._key_travelling = event
                self._key_since = monotonic()
                if target.call_later(self._follow, event, target):
                    return
                self._key_travelling = None
            if not self._keys_waiting:
                self._keys_busy = False
                return
            event = self._keys_waiting.popleft()

    def _follow(self, event: events.Event, node: MessagePump) -> None:
        """Runs in `node`'s queue just after `node` handled `event`, which has then gone up to
        the parent (or stopped: the parent's queue is waited for all the same, harmlessly)."""
        if event is not self._key_travelling:
            return
        parent = self if isinstance(node, Screen) else node.parent
        if node is self or parent is None or not parent.call_later(self._follow, event, parent):
            self._key_travelling = None
            self.call_later(self._release)

    async def _release(self) -> None:
        if self._key_travelling is not None:
            return
        if self._keys_waiting:
            await self._deliver(self._keys_waiting.popleft())
        else:
            self._keys_busy = False

    def _check_stuck(self) -> None:
        if not self._keys_waiting:
            self._stuck_check_armed = False
            return
        if self._key_travelling is not None and monotonic() - self._key_since >= STUCK_AFTER:
            self._key_travelling = None
            self.call_later(self._release)
        self.set_timer(STUCK_AFTER, self._check_stuck)
