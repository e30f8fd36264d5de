"""Fault injection for the crash tests; inert unless the environment asks for it.

ECONNECT_FAULT="point:n" kills this process with SIGKILL (kill -9, nothing cleaned up) the n-th
time the work reaches `point`; ECONNECT_PAUSE="point:seconds" sleeps there (to hold a lock
while another process tries). Points: staged (a file staged, by a reception or a preview),
archived, tiers, document, page, report; migrations (the schema brought up to date, not yet
committed); sent (a row of an export file handed to its writer: the temporary file is open,
the export file not yet replaced).
"""

from __future__ import annotations

import math
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator

from .settings import Settings


def _parse(variable: str, spec: str) -> tuple[str, float] | None:
    """« point:n » as the environment gave it (`settings`); a value that is not one is said
    once on stderr (a test that believes it injects a fault must not pass silently) and
    ignored."""
    if not spec:
        return None
    name, _, value = spec.partition(":")
    try:
        number = float(value or 1)
    except ValueError:
        number = math.nan
    if name and math.isfinite(number) and number >= 0:
        return name, number
    sys.stderr.write(f"{variable}=« {spec} » ignorée : attendu « point:nombre ».\n")
    return None


_SETTINGS = Settings()
_FAULT = _parse("ECONNECT_FAULT", _SETTINGS.fault)
_PAUSE = _parse("ECONNECT_PAUSE", _SETTINGS.pause)
_hits: dict[str, int] = {}


def checkpoint(point: str) -> None:
    if not (_FAULT or _PAUSE):
        return
    _hits[point] = _hits.get(point, 0) + 1
    if _PAUSE:
        name, seconds = _PAUSE
        if name == point and _hits[point] == 1:
            time.sleep(seconds)
    if _FAULT:
        name, n = _FAULT
        if name == point and _hits[point] == int(n):
            os.kill(os.getpid(), signal.SIGKILL)


def through(items: Iterable, point: str) -> Iterable:
    """`items`, with `point` reached after each one; `items` itself when no fault is asked
    for (a send of 100,000 rows pays nothing)."""
    if not (_FAULT or _PAUSE):
        return items
    return _each(items, point)


def _each(items: Iterable, point: str) -> Iterator:
    for item in items:
        yield item
        checkpoint(point)
