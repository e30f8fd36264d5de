"""Article correspondences and the record of every change (who, when, old → new), for undo.

Rules: on one connector an external code maps to one GC article and an article has at most one
external code; codes are trimmed and compared case-sensitively, as the ETA software writes them;
an empty code removes the correspondence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import Conflict, NotFound, UserError
from ..french import dated
from ..models.gc import ArticleFilter
from ..models.mapping import Mapping, MappingChange
from ..normal import InvisibleCharacter, clean_text
from ..normal import clean_code as normal_code
from .articles import filter_where
from .history import now

MAX_CODE = 60
UNCHECKED = object()  # `set_mapping(expected=…)` not given: the current code is not checked


def clean_code(code: str | None) -> str:
    """An external code in the normal form every reader gives it (`normal.clean_text`: NFC,
    invisible characters trimmed at both ends); one left inside is `check_external_code`'s."""
    return clean_text(code or "")


def check_external_code(code: str) -> None:
    if len(code) > MAX_CODE:
        raise UserError(f"Le code « {code[:20]}… » dépasse {MAX_CODE} caractères.")
    try:
        normal_code(code)
    except InvisibleCharacter as exc:
        raise UserError(f"Le code {exc}.") from None


def external_to_article(db: Database, connector_code: str) -> dict[str, str]:
    """External code -> GC article code, for one connector."""
    return _pairs(db, "m.external_code, a.code", "m.connector_code", connector_code)


def article_to_external(db: Database, connector_code: str) -> dict[str, str]:
    """GC article code -> external code, for one connector."""
    return _pairs(db, "a.code, m.external_code", "m.connector_code", connector_code)


def mappings_of_article(db: Database, article_code: str) -> dict[str, str]:
    """Connector code -> external code, for one article (the article card's tab)."""
    return _pairs(db, "m.connector_code, m.external_code", "a.code", article_code)


def _pairs(db: Database, columns: str, where: str, value: str) -> dict[str, str]:
    """Two columns of the correspondences joined to their articles, as a dict."""
    cur = db.execute(
        f"SELECT {columns} FROM article_mappings m"
        f" JOIN articles a ON a.id = m.article_id WHERE {where} = ?",
        [value],
    )
    return dict(cur.fetchall())


def articles_with_codes(
    db: Database, connector_code: str, selection: ArticleFilter
) -> Iterator[tuple[str, str, str]]:
    """(code, label, external code or "") of the articles a filter selects, by code."""
    where, params = filter_where(selection, "a")
    return db.execute(
        "SELECT a.code, a.label, coalesce(m.external_code, '') FROM articles a"
        " LEFT JOIN article_mappings m ON m.article_id = a.id AND m.connector_code = ?"
        f" WHERE {where} ORDER BY a.code",
        [connector_code, *params],
    )


def last_change_id(db: Database) -> int:
    """The newest correspondence change's id (0 when none): what a screen has seen."""
    return db.execute("SELECT coalesce(max(id), 0) FROM mapping_changes").fetchone()[0]


def articles_changed_since(db: Database, connector_code: str, change_id: int) -> list[str]:
    """The articles whose code on the connector changed after `change_id`."""
    cur = db.execute(
        "SELECT DISTINCT article_code FROM mapping_changes WHERE connector_code = ? AND id > ?",
        [connector_code, change_id],
    )
    return [code for (code,) in cur]


def list_mappings(db: Database, connector_code: str) -> list[Mapping]:
    cur = db.execute(
        "SELECT a.code, m.external_code FROM article_mappings m"
        " JOIN articles a ON a.id = m.article_id WHERE m.connector_code = ? ORDER BY a.code",
        [connector_code],
    )
    return [Mapping(connector_code=connector_code, article_code=a, external_code=e) for a, e in cur]


def _article_id(db: Database, article_code: str) -> int:
    row = db.execute("SELECT id FROM articles WHERE code = ?", [article_code]).fetchone()
    if row is None:
        raise NotFound(f"L'article « {article_code} » n'existe pas.")
    return row[0]


def _owner(db: Database, connector_code: str, external_code: str) -> str | None:
    row = db.execute(
        "SELECT a.code FROM article_mappings m JOIN articles a ON a.id = m.article_id"
        " WHERE m.connector_code = ? AND m.external_code = ?",
        [connector_code, external_code],
    ).fetchone()
    return row[0] if row else None


def _changed_by(db: Database, connector_code: str, article_code: str) -> str:
    """« par marie le 28/11/2026 à 13:21 », from the article's last change record ("" if none)."""
    row = db.execute(
        "SELECT changed_by, changed_at FROM mapping_changes"
        " WHERE connector_code = ? AND article_code = ? ORDER BY id DESC LIMIT 1",
        [connector_code, article_code],
    ).fetchone()
    return dated(f" par {row[0]}", row[1]) if row else ""


def set_mapping(
    db: Database,
    connector_code: str,
    article_code: str,
    external_code: str | None,
    user: str,
    *,
    expected: str | object | None = UNCHECKED,
) -> MappingChange | None:
    """Maps (or, with an empty code, unmaps) an article; one transaction with its change record.
    Returns the change, or None when nothing changed.

    `expected` is the code the operator saw (None or "" for none): when the article holds
    another one now (another operator, `econnect mapping import`), nothing is written and
    `Conflict` says what it holds and who changed it."""
    code = clean_code(external_code)
    if code:
        check_external_code(code)
    with write_transaction(db):
        if (
            db.execute("SELECT 1 FROM connectors WHERE code = ?", [connector_code]).fetchone()
            is None
        ):
            raise NotFound(f"Le connecteur « {connector_code} » n'existe pas.")
        article_id = _article_id(db, article_code)
        row = db.execute(
            "SELECT external_code FROM article_mappings"
            " WHERE connector_code = ? AND article_id = ?",
            [connector_code, article_id],
        ).fetchone()
        old = row[0] if row else None
        if (old or "") == code:  # already so, whoever saved it: nothing to tell or write
            return None
        if expected is not UNCHECKED and (old or "") != clean_code(str(expected or "")):
            now_holds = f"son code est maintenant {old}" if old else "il n'a plus de code"
            then = f"le remplacer par {code}" if code else "retirer ce code"
            raise Conflict(
                f"L'article {article_code} a été modifié entre-temps"
                f"{_changed_by(db, connector_code, article_code)} : {now_holds} sur "
                f"{connector_code}. Rien n'a été enregistré ; validez de nouveau pour {then}.",
                current=old,
            )
        if code:
            owner = _owner(db, connector_code, code)
            if owner is not None and owner != article_code:
                raise UserError(
                    f"Le code {code} est déjà utilisé par l'article {owner} sur {connector_code}"
                )
            db.execute(
                "INSERT INTO article_mappings (connector_code, article_id, external_code)"
                " VALUES (?, ?, ?) ON CONFLICT(connector_code, article_id)"
                " DO UPDATE SET external_code = excluded.external_code",
                [connector_code, article_id, code],
            )
        else:
            db.execute(
                "DELETE FROM article_mappings WHERE connector_code = ? AND article_id = ?",
                [connector_code, article_id],
            )
        cur = db.execute(
            "INSERT INTO mapping_changes"
            " (connector_code, article_code, old_code, new_code, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [connector_code, article_code, old, code or None, user, now()],
        )
        change_id = cur.lastrowid
    return get_change(db, change_id)


def get_change(db: Database, change_id: int) -> MappingChange:
    row = db.execute(
        "SELECT id, connector_code, article_code, old_code, new_code, changed_by, changed_at,"
        " undone FROM mapping_changes WHERE id = ?",
        [change_id],
    ).fetchone()
    return _change(row)


def _change(row) -> MappingChange:
    return MappingChange(
        id=row[0],
        connector_code=row[1],
        article_code=row[2],
        old_code=row[3],
        new_code=row[4],
        changed_by=row[5],
        changed_at=row[6],
        undone=bool(row[7]),
    )


def recent_changes(db: Database, connector_code: str, limit: int = 50) -> list[MappingChange]:
    """Newest first."""
    cur = db.execute(
        "SELECT id, connector_code, article_code, old_code, new_code, changed_by, changed_at,"
        " undone FROM mapping_changes WHERE connector_code = ? ORDER BY id DESC LIMIT ?",
        [connector_code, limit],
    )
    return [_change(r) for r in cur]


def undo_change(db: Database, change: MappingChange, user: str) -> MappingChange | None:
    """Puts back the code a change replaced; the undo is itself recorded (and undoable)."""
    with write_transaction(db):
        try:
            result = set_mapping(
                db,
                change.connector_code,
                change.article_code,
                change.old_code,
                user,
                expected=change.new_code,
            )
        except Conflict as exc:
            raise UserError(
                f"L'article {change.article_code} a changé depuis : annulation impossible."
            ) from exc
        db.execute("UPDATE mapping_changes SET undone = 1 WHERE id = ?", [change.id])
    return result


def set_many(db: Database, connector_code: str, pairs: Iterable[tuple[str, str]], user: str) -> int:
    """Several (article, external code) pairs in one transaction; returns how many changed."""
    changed = 0
    with write_transaction(db):
        for article_code, external_code in pairs:
            if set_mapping(db, connector_code, article_code, external_code, user) is not None:
                changed += 1
    return changed


def apply_batch(
    db: Database, connector_code: str, pairs: Iterable[tuple[str, str | None]], user: str
) -> list[MappingChange]:
    """Several (article, external code) pairs applied together, as one transaction with one
    change record per article that changes (an empty code removes the correspondence).

    Unlike `set_many`, the pairs are checked against the state once they are all applied, not
    one by one: a batch may move a code from article A to article B when it also gives A another
    code, or swap two codes. The caller checks the batch first (`sync.mapping.import_file` lists
    every bad line); the UNIQUE constraint still refuses an inconsistent end state (nothing is
    written then). An article given twice keeps the last pair. Returns the changes, in order."""
    wanted: dict[str, str] = {}
    for article_code, external_code in pairs:
        code = clean_code(external_code)
        if code:
            check_external_code(code)
        wanted[article_code] = code
    with write_transaction(db):
        if (
            db.execute("SELECT 1 FROM connectors WHERE code = ?", [connector_code]).fetchone()
            is None
        ):
            raise NotFound(f"Le connecteur « {connector_code} » n'existe pas.")
        current = {
            code: (article_id, external)
            for code, article_id, external in db.execute(
                "SELECT a.code, a.id, m.external_code FROM articles a"
                " JOIN json_each(?) k ON k.value = a.code"
                " LEFT JOIN article_mappings m ON m.article_id = a.id AND m.connector_code = ?",
                [json.dumps(list(wanted)), connector_code],
            )
        }
        changed: list[tuple[str, int, str | None, str]] = []
        for article_code, code in wanted.items():
            if article_code not in current:
                raise NotFound(f"L'article « {article_code} » n'existe pas.")
            article_id, old = current[article_code]
            if (old or "") != code:
                changed.append((article_code, article_id, old, code))
        if not changed:
            return []
        # Remove first, then insert: a code moving between two changed articles never meets
        # itself half-way.
        db.conn.executemany(
            "DELETE FROM article_mappings WHERE connector_code = ? AND article_id = ?",
            [(connector_code, article_id) for _, article_id, _, _ in changed],
        )
        db.conn.executemany(
            "INSERT INTO article_mappings (connector_code, article_id, external_code)"
            " VALUES (?, ?, ?)",
            [(connector_code, article_id, code) for _, article_id, _, code in changed if code],
        )
        first = db.execute("SELECT coalesce(max(id), 0) + 1 FROM mapping_changes").fetchone()[0]
        when = now()
        db.conn.executemany(
            "INSERT INTO mapping_changes"
            " (id, connector_code, article_code, old_code, new_code, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (first + i, connector_code, article_code, old, code or None, user, when)
                for i, (article_code, _, old, code) in enumerate(changed)
            ],
        )
        rows = db.execute(
            "SELECT id, connector_code, article_code, old_code, new_code, changed_by, changed_at,"
            " undone FROM mapping_changes WHERE id >= ? ORDER BY id",
            [first],
        ).fetchall()
    return [_change(r) for r in rows]
