"""Value rules shared by GC master data and the ETA files, with French messages."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"« {value} » n'est pas une adresse e-mail valide")
    return value


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def check_siret(value: str) -> str:
    """A SIRET is 14 digits (spaces allowed) passing the Luhn check; returned without spaces."""
    digits = value.replace(" ", "").replace("\u00a0", "")
    if not (len(digits) == 14 and digits.isdigit()):
        raise ValueError(f"« {value} » n'est pas un SIRET (14 chiffres attendus)")
    if not luhn_ok(digits):
        raise ValueError(f"« {value} » n'est pas un SIRET valide (clé de contrôle fausse)")
    return digits


def check_code(value: str, what: str = "code") -> str:
    """A record code: trimmed, non-empty, printable, at most 40 characters."""
    value = value.strip()
    if not value:
        raise ValueError(f"le {what} est obligatoire")
    if len(value) > 40:
        raise ValueError(f"le {what} « {value[:40]}… » dépasse 40 caractères")
    if any(not ch.isprintable() for ch in value):
        raise ValueError(f"le {what} « {value} » contient un caractère non imprimable")
    return value


def french_reason(err: dict) -> str:
    """The French reason of one pydantic error (our validators already speak French)."""
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    kind = err.get("type", "")
    if kind in ("missing", "string_too_short"):
        return "valeur obligatoire"
    if kind.startswith("decimal") or kind.startswith("int") or kind.startswith("float"):
        return "nombre attendu"
    if kind.startswith("bool"):
        return "Oui ou Non attendu"
    if kind.startswith("date"):
        return "date attendue"
    return f"valeur refusée ({msg})"


def field_errors(exc) -> dict[str, str]:
    """Field name -> French reason, from a pydantic ValidationError (first error per field)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        out.setdefault(name, french_reason(err))
    return out
