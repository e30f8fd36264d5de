"""What the TUI benchmarks share: a time that includes the screen's pending work."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import perf_counter

from textual.pilot import Pilot


async def settle(pilot: Pilot) -> None:
    """Process pending messages and render the screen until a round does nothing."""
    app = pilot.app
    for _ in range(20):
        start = perf_counter()
        await pilot._wait_for_screen()
        app.screen._on_timer_update()
        await asyncio.sleep(0)
        if perf_counter() - start < 0.002:
            break


async def timed(pilot: Pilot, action: Callable[[], object]) -> float:
    """Seconds of `action` (awaited when it returns an awaitable) plus the settle after it."""
    start = perf_counter()
    result = action()
    if isinstance(result, Awaitable):
        await result
    await settle(pilot)
    return perf_counter() - start


def duration(seconds: float) -> str:
    """« 12.5 ms » under a second, « 1.23 s » above: the tables' time column."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
