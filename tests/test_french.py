"""Rules of the French the application shows, checked over every string literal of the
package (docstrings left out): accented capitals, and counts written in the plural they take
instead of « fichier(s) ». And the reasons of a failure, never a bare English exception."""

from __future__ import annotations

import ast
import errno
import re
import sqlite3
from pathlib import Path

import econnect_tui
from econnect_tui.errors import UserError, failure_reason
from econnect_tui.models.reports import join_messages, split_messages

PACKAGE = Path(econnect_tui.__file__).parent

# French words whose capital keeps its accent (« Échec », « État », « À l'ouverture »).
UNACCENTED_CAPITAL = re.compile(
    r"\b(?:E(?:tat|chec|tape|cart|cri|cran|l[eé]ment|chap|v[eé]nement|galement|quipe|tiquette)"
    r"|A (?:l'|la |partir))"
)
# The contract's report header « Nom du fichier | Type | Identifiant | Etat | Messages » (and
# the report's column and detail that repeat it) keeps its « Etat ».
CONTRACT_ETAT = {"cli/sync.py", "models/reports.py", "tui/screens/report.py"}
COUNT_WITH_S = re.compile(r"\w\(s\)")


def _literals():
    """(file relative to the package, line, text) of every string literal but docstrings."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                yield path.relative_to(PACKAGE).as_posix(), node.lineno, node.value


def test_french_capitals_keep_their_accent():
    found = [
        f"{name}:{line}: {match.group()}"
        for name, line, text in _literals()
        for match in UNACCENTED_CAPITAL.finditer(text)
        if not (match.group() == "Etat" and name in CONTRACT_ETAT)
    ]
    assert not found, found


def test_counts_are_not_written_with_a_parenthesised_s():
    found = [
        f"{name}:{line}: {text!r}" for name, line, text in _literals() if COUNT_WITH_S.search(text)
    ]
    assert not found, found


def test_failure_reasons_are_french():
    disk_full = OSError(errno.ENOSPC, "No space left on device", "/srv/eta/in/archive")
    assert failure_reason(disk_full) == "disque plein (/srv/eta/in/archive)"
    locked = sqlite3.OperationalError("database is locked")
    assert failure_reason(locked) == (
        "erreur de base de données (elle est verrouillée par un autre programme)"
    )
    assert failure_reason(UserError("Le dossier n'existe pas.")) == "Le dossier n'existe pas"
    # A bug: named for support, said to be one.
    assert failure_reason(ValueError("boom")) == "erreur inattendue (ValueError : boom)"


def test_report_messages_are_separated_by_a_spaced_semicolon():
    assert join_messages(["Mise à jour", "modifié : Telephone"]) == (
        "Mise à jour ; modifié : Telephone"
    )
    # Runs recorded before the space was added read the same.
    for text in ("Mise à jour ; modifié : Telephone", "Mise à jour; modifié : Telephone"):
        assert split_messages(text) == ["Mise à jour", "modifié : Telephone"]
    assert split_messages("« 3;5 » n'est pas un nombre") == ["« 3;5 » n'est pas un nombre"]
