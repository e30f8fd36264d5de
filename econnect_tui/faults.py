"""Fault injection for the crash tests; inert unless the environment asks for it.

ECONNECT_FAULT="point:n" kills this process with SIGKILL (kill -9, nothing cleaned up) the n-th
time the work reaches `point`; ECONNECT_PAUSE="point:seconds" sleeps there (to hold a lock
while another process tries). Points: staged (a file staged, by a reception or a preview),
archived, tiers, document, page, report; migrations (the schema brought up to date, not yet
committed); sent (a row of an export file handed to its writer: the temporary file is open,
the export file not yet replaced).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable, Iterator

_FAULT = os.environ.get("ECONNECT_FAULT", "")
_PAUSE = os.environ.get("ECONNECT_PAUSE", "")
_hits: dict[str, int] = {}


def _parse(spec: str) -> tuple[str, float]:
    name, _, value = spec.partition(":")
    return name, float(value or 1)


def checkpoint(point: str) -> None:
    if not (_FAULT or _PAUSE):
        return
    _hits[point] = _hits.get(point, 0) + 1
    if _PAUSE:
        name, seconds = _parse(_PAUSE)
        if name == point and _hits[point] == 1:
            time.sleep(seconds)
    if _FAULT:
        name, n = _parse(_FAULT)
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
