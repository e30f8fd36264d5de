"""A connector's settings as TOML (`econnect connector export|import`): pure text <-> model."""

from __future__ import annotations

import re
import tomllib

import tomli_w
from pydantic import ValidationError

from ..errors import ValidationFailed
from ..models.connector import Connector, Mode
from ..text import plural

_ENUM_HINTS = {
    "liaison": "suivi-eta, prestashop",
    "mode": "csv, webservice",
    "articles": "disponibles-export, filtre, aucun",
    "clients": "tous, filtre, aucun",
    "encodage": "utf-8-sig, cp1252",
    "type_document": "livraison, commande",
    "mise_a_jour": "manuelle, ouverture",
}


def dump_connector(c: Connector) -> str:
    """The TOML of cli.md: every key written, empty strings for unset optional codes."""
    data = c.model_dump(mode="json", by_alias=True)
    top = {"code": data["code"], "liaison": data["liaison"], "mode": data["mode"]}
    if c.mode is Mode.CSV:
        top["chemin_import"] = data["chemin_import"] or ""
        top["chemin_export"] = data["chemin_export"] or ""
    else:
        top["url"] = data["url"] or ""
        top["cle"] = data["cle"] or ""
    envois = {k: ("" if v is None else v) for k, v in data["envois"].items()}
    receptions = {k: ("" if v is None else v) for k, v in data["receptions"].items()}
    return tomli_w.dumps({**top, "envois": envois, "receptions": receptions})


def load_connector(text: str, source: str = "TOML") -> Connector:
    """Parses and checks the shape; raises ValidationFailed naming each wrong key."""
    data = _parse(text, source)
    try:
        return Connector.model_validate(data)
    except ValidationError as exc:
        errors = [f"{_key(err['loc'])} : {_reason(err)}" for err in exc.errors()]
        raise ValidationFailed(
            f"{source} refusé : {plural(len(errors), 'erreur')}.", errors
        ) from exc


def load_valid_part(text: str) -> tuple[Connector | None, set[str]]:
    """For a TOML whose shape is refused: the connector without the refused keys (so the other
    keys can still be checked against the GC), and the refused keys. None when the keys left
    do not make a connector (a required key is wrong)."""
    try:
        data = _parse(text, "TOML")
        Connector.model_validate(data)
    except ValidationFailed:
        return None, set()
    except ValidationError as exc:
        refused = {_key(err["loc"]) for err in exc.errors()}
        for loc in (err["loc"] for err in exc.errors()):
            section = data
            for part in loc[:-1]:
                section = section.get(part, {}) if isinstance(section, dict) else {}
            if isinstance(section, dict):
                section.pop(loc[-1], None)
        try:
            return Connector.model_validate(data), refused
        except ValidationError:
            return None, refused
    return None, set()


def _parse(text: str, source: str) -> dict:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f" (ligne {where[1]}, colonne {where[2]})" if where else ""
        raise ValidationFailed(f"{source} : fichier TOML illisible{at}.") from exc
    except RecursionError as exc:  # thousands of nested [ or {: no connector looks like that
        raise ValidationFailed(
            f"{source} : fichier TOML illisible (tableaux imbriqués trop profondément)."
        ) from exc
    for section in ("envois", "receptions"):
        if section in data and not isinstance(data[section], dict):
            raise ValidationFailed(f"{source} : « {section} » doit être une section [{section}].")
    return data


def _key(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(fichier)"


def _reason(err: dict) -> str:
    kind = err.get("type", "")
    last = str(err["loc"][-1]) if err["loc"] else ""
    if kind == "extra_forbidden":
        return "clé inconnue"
    if kind == "missing":
        return "clé obligatoire manquante"
    if kind == "enum":
        return f"valeur « {err.get('input')} » invalide (attendu : {_ENUM_HINTS.get(last, '…')})"
    if kind.startswith("bool"):
        return "true ou false attendu"
    if kind.startswith("string"):
        return "texte attendu"
    msg = str(err.get("msg", ""))
    return msg.removeprefix("Value error, ")
