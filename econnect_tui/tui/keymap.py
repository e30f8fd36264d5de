"""The operator's own keys: a TOML file gives other keys to the application's actions.

Each action an operator may want on another key has a binding id (« synchro.receive »); the
file maps ids to keys, Textual's keymap does the rest (footer and help follow). The file is
per operator (`~/.config/econnect/keys.toml`, or `ECONNECT_KEYS`): two operators sharing a
database over SSH keep their own keys. A bad file never stops the application: its problems
are said in French and the default keys stay.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, ValidationError
from textual.binding import Binding
from textual.dom import DOMNode

from ..errors import os_reason
from ..settings import Settings

KEYS_ENV = "ECONNECT_KEYS"


class KeysFile(BaseModel):
    """keys.toml: `[touches]` then `"synchro.receive" = "a"` (several keys: `"a,f12"`)."""

    model_config = ConfigDict(extra="forbid")
    touches: dict[str, str] = {}


def keys_file() -> Path | None:
    """The operator's keys file; None for an account without a home (the default keys)."""
    configured = Settings().keys
    try:
        if configured:
            return Path(configured).expanduser()
        return platformdirs.user_config_path("econnect") / "keys.toml"
    except (RuntimeError, KeyError):
        return None


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def binding_ids() -> dict[str, Binding]:
    """Every binding id of the application, with the first binding that declares it (its
    default keys and description)."""
    from .. import app  # noqa: F401  (imports every screen and widget)

    ids: dict[str, Binding] = {}
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("econnect_tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.setdefault(binding.id, binding)
    return dict(sorted(ids.items()))


def _shape_error(exc: ValidationError) -> str:
    """What is wrong in a file that TOML reads but that is not `[touches]` with texts."""
    loc = exc.errors()[0]["loc"]
    if len(loc) == 2:  # "synchro.receive" = 3
        return f"« {loc[1]} » : les touches s'écrivent entre guillemets (« f9 », « a,f12 »)"
    if loc == ("touches",):
        return "« touches » doit être une section [touches]"
    return f"« {'.'.join(str(part) for part in loc)} » inconnu : seule la section [touches] est lue"


def load_keymap(path: Path, known: set[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap of the file (empty when there is none) and what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [
            f"Fichier des touches {path} illisible ({os_reason(exc)}) : touches par défaut."
        ]
    except UnicodeDecodeError:
        return {}, [f"Fichier des touches {path} illisible (pas en UTF-8) : touches par défaut."]
    try:
        parsed = KeysFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f" (ligne {where[1]}, colonne {where[2]})" if where else ""
        return {}, [f"Fichier des touches {path} : TOML illisible{at} ; touches par défaut."]
    except ValidationError as exc:
        return {}, [f"Fichier des touches {path} : {_shape_error(exc)} ; touches par défaut."]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for ident, keys in parsed.touches.items():
        names = [key.strip() for key in keys.split(",") if key.strip()]
        if ident not in known:
            problems.append(f"Fichier des touches {path} : « {ident} » n'est pas une action.")
        elif not names:
            problems.append(f"Fichier des touches {path} : aucune touche pour « {ident} ».")
        else:
            keymap[ident] = ",".join(names)
    return keymap, problems
