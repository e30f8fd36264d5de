"""Fault injection for the crash tests; inert unless the environment asks for it.

ECONNECT_FAULT="point:n" kills this process with SIGKILL (kill -9, nothing cleaned up) the n-th
time the work reaches `point`; ECONNECT_PAUSE="point:seconds" sleeps there (to hold a lock
while another process tries). Points: staged, archived, tiers, document, page, report;
migrations (the schema brought up to date, not yet committed).
"""

from __future__ import annotations

import math
import os
import signal
import sys
import time


def _parse(variable: str) -> tuple[str, float] | None:
    """« point:n » from the environment; a value that is not one is said once on stderr (a
    test that believes it injects a fault must not pass silently) and ignored."""
    spec = os.environ.get(variable, "")
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


_FAULT = _parse("ECONNECT_FAULT")
_PAUSE = _parse("ECONNECT_PAUSE")
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
