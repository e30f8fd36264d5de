"""What the environment configures, read here and nowhere else. The CLI builds `Settings` once
per command and hands the values to the core (the reception's quiet period, for instance); a
core function called without them (a test, a script) takes them from `Settings()` at that call.

* ECONNECT_SETTLE_SECONDS: how long a file must be seen unchanged before the reception reads
  it (default 5 s, 0 to 600; another value is said once in the log and the default kept);
* ECONNECT_KEYS: the operator's keys file (default `~/.config/econnect/keys.toml`);
* ECONNECT_FAULT, ECONNECT_PAUSE: the crash tests' fault injection (`faults`);
* ECONNECT_DB is `--db`'s environment form, read by click with the option (`cli`); XDG_DATA_HOME
  and XDG_CONFIG_HOME are read by platformdirs (`paths`, the keys file).

Pure apart from the environment it reads: imports nothing of the app.
"""

from __future__ import annotations

import logging
import math

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MAX_SETTLE_SECONDS", "SETTLE_SECONDS", "Settings", "settle_seconds"]

log = logging.getLogger("econnect")

SETTLE_SECONDS = 5.0
MAX_SETTLE_SECONDS = 600.0
_SETTLE_REFUSED: set[str] = set()  # values already said in the log, once per process


class Settings(BaseSettings):
    """The environment's values as given (texts): each is checked where it is used, leniently,
    so that a bad value is said and ignored, never a reason for a command to fail."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    settle_text: str | None = Field(None, validation_alias="ECONNECT_SETTLE_SECONDS")
    keys: str | None = Field(None, validation_alias="ECONNECT_KEYS")
    fault: str = Field("", validation_alias="ECONNECT_FAULT")
    pause: str = Field("", validation_alias="ECONNECT_PAUSE")

    @property
    def settle_seconds(self) -> float:
        """How long a file must have been seen unchanged before it is read: the ETA software
        may write it under its final name, and one read half-written is archived, its end
        never read. ECONNECT_SETTLE_SECONDS changes it (the tests, which write files and
        receive at once); out of 0–600 s (« inf », « nan », hours), the default, said once."""
        raw = self.settle_text
        if raw is None:
            return SETTLE_SECONDS
        try:
            seconds = float(raw)
        except ValueError:
            seconds = math.nan
        if 0 <= seconds <= MAX_SETTLE_SECONDS:  # False for nan
            return seconds
        if raw not in _SETTLE_REFUSED:  # said once per process, not at every look at the folder
            _SETTLE_REFUSED.add(raw)
            log.warning(
                "ECONNECT_SETTLE_SECONDS=« %s » ignorée (attendu 0 à %g s) : délai de %g s.",
                raw,
                MAX_SETTLE_SECONDS,
                SETTLE_SECONDS,
            )
        return SETTLE_SECONDS


def settle_seconds() -> float:
    """The quiet period the environment gives now (`Settings.settle_seconds`)."""
    return Settings().settle_seconds
