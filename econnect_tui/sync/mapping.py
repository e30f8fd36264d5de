"""Article correspondences (seed 2.2): the service behind the bulk screen « Mettre à jour la
correspondance des articles », the article card's « Publication › Correspondances » tab, the
reception's pending articles and `econnect mapping export|import`.

Thin over `store.mappings`, which holds the rules (one code per article and one article per code
on a connector, trimmed, case-sensitive, an empty code removes, every change recorded for undo).
This module adds what combines the store with files and with fuzzy matching:

* `suggestions` / `suggest_external_codes`: rapidfuzz `WRatio` on folded text (accents and case
  ignored), best first. A suggestion is only ever shown: the operator accepts it with a key.
* `pending_external_codes`: the external codes waiting in reception staging that no article holds.
* `grid_rows`: the bulk screen's rows (articles available for export, or those of a filter).
* `import_file` / `export_file`: the CSV `CodeArticle;CodeArticleExterne`.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, TextIO

from pydantic import BaseModel
from rapidfuzz import fuzz, process, utils
from sqlite_utils import Database

from ..db import write_transaction
from ..errors import UserError, ValidationFailed, os_reason
from ..exchange.csv import CsvFileError, format_cell, location, read_csv, write_csv_atomic
from ..exchange.mappingfile import MAPPING_HEADER, MAPPING_LAYOUT, code_cell, read_code
from ..models.gc import ArticleFilter
from ..models.mapping import MappingChange
from ..store import articles as articles_store
from ..store import connectors as connectors_store
from ..store import filters as filters_store
from ..store import mappings as store
from ..store import staging
from ..text import fold, fold_all

__all__ = [
    "ArticleMatcher",
    "ArticleSuggestion",
    "ImportSummary",
    "MappingRow",
    "PendingCode",
    "ShowMode",
    "export_file",
    "grid_rows",
    "import_file",
    "move_code",
    "pending_external_codes",
    "require_connector_code",
    "set_code",
    "suggest_external_codes",
    "suggestions",
]


def require_connector_code(db: Database, code: str) -> str:
    """The stored code of an existing connector (`facili` -> `FACILI`); NotFound otherwise."""
    return connectors_store.require_connector(db, code).code


def set_code(
    db: Database,
    connector: str,
    article_code: str,
    external_code: str | None,
    user: str,
    *,
    expected: str | object | None = store.UNCHECKED,
) -> MappingChange | None:
    """Maps an article to an external code on a connector, saved at once with its change record
    (`store.mappings.set_mapping`: trimmed, case-sensitive, empty removes, a code held by another
    article refused with « Le code X est déjà utilisé par l'article A sur C »). None when nothing
    changed. With `expected` (the code the operator saw), a code changed meanwhile by someone
    else is not overwritten: `Conflict` says what it is now."""
    return store.set_mapping(
        db,
        require_connector_code(db, connector),
        article_code,
        external_code,
        user,
        expected=expected,
    )


def move_code(
    db: Database,
    connector: str,
    external_code: str,
    from_article: str | None,
    to_article: str,
    to_article_had: str | None,
    user: str,
) -> MappingChange | None:
    """Gives `external_code` to `to_article` (the reception's picker), taking it from
    `from_article` when the screen showed it there, in one transaction. Checked against what
    the screen showed: `from_article` still holding the code, `to_article` still holding
    `to_article_had`; when another operator changed either meanwhile, nothing is written
    (`Conflict`). Returns the change of `to_article`."""
    code = require_connector_code(db, connector)
    with write_transaction(db):
        if from_article:
            store.set_mapping(db, code, from_article, None, user, expected=external_code)
        return store.set_mapping(db, code, to_article, external_code, user, expected=to_article_had)


# Suggestions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleSuggestion:
    """A GC article close to an external code, with the code it holds now on the connector."""

    article_code: str
    label: str
    score: float  # 0-100, rapidfuzz WRatio
    external_code: str | None  # its current correspondence on the connector, if any


@dataclass(frozen=True, slots=True)
class PendingCode:
    """An external article code waiting in reception staging (« Données en attente »)."""

    code: str
    label: str
    documents: int
    score: float = 0.0  # when ranked for an article


def _key(text: str) -> str:
    """The text fuzzy matching compares: folded, punctuation to spaces (`FT-LAB` ~ `ft lab`)."""
    return utils.default_process(fold(text))


class ArticleMatcher:
    """The GC articles prepared once for fuzzy matching, to suggest articles for many external
    codes (the reception lists every pending code): preparing 50,000 articles costs ~0.1 s,
    each `suggest` then ~50 ms."""

    def __init__(self, db: Database, connector_code: str) -> None:
        self.labels = articles_store.article_labels(db)
        texts = [f"{code} {label}" for code, label in self.labels.items()]
        self.choices = dict(zip(self.labels, map(utils.default_process, fold_all(texts))))
        self.held = store.article_to_external(db, connector_code)

    def suggest(
        self, external_code: str, label: str | None, limit: int = 5, min_score: float = 0
    ) -> list[ArticleSuggestion]:
        """The articles closest to an external code and its label, best first (ties by code);
        only those scoring at least `min_score` (0-100) when given."""
        query = _key(f"{external_code} {label or ''}")
        if not query:
            return []
        found = process.extract(
            query,
            self.choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit,
            score_cutoff=min_score or None,
        )
        ranked = sorted(found, key=lambda hit: (-hit[1], hit[2]))
        return [
            ArticleSuggestion(code, self.labels[code], round(score, 1), self.held.get(code))
            for _, score, code in ranked
        ]

    def search(
        self, typed: str, limit: int = 50, min_score: float = 60, near: str | None = None
    ) -> list[ArticleSuggestion]:
        """What an operator typing in the picker looks for, best first: codes starting with the
        text, then articles with a word starting with each typed word (« bal » finds BALCAR and
        BALRON before FILET, « Filet balle ronde »), then the fuzzy matches. Within the first two
        groups, articles closest to `near` (the external code and its label) come first, then by
        code: « semis » for « Semis maïs monograine » lists SEMMAIS before SEMCER."""
        query = _key(typed)
        if not query:
            return []
        words = query.split()
        starts = self._closest_first(
            [code for code, text in self.choices.items() if text.startswith(query)], near
        )
        found = set(starts)
        padded = [" " + word for word in words]
        in_words = self._closest_first(
            [
                code
                for code, text in self.choices.items()
                if code not in found and all(word in " " + text for word in padded)
            ],
            near,
        )
        found.update(in_words)
        fuzzy = [
            hit.article_code
            for hit in self.suggest(typed, None, limit=limit, min_score=min_score)
            if hit.article_code not in found
        ]
        return [
            ArticleSuggestion(code, self.labels[code], 100.0, self.held.get(code))
            for code in [*starts, *in_words, *fuzzy][:limit]
        ]

    def _closest_first(self, codes: list[str], near: str | None) -> list[str]:
        """`codes` by closeness to `near` (WRatio on folded text), ties by code; by code alone
        without `near`."""
        target = _key(near or "")
        if not target or len(codes) < 2:
            return sorted(codes)
        hits = process.extract(
            target,
            {code: self.choices[code] for code in codes},
            scorer=fuzz.WRatio,
            processor=None,
            limit=None,
        )
        return [code for _, _, code in sorted(hits, key=lambda hit: (-hit[1], hit[2]))]


def suggestions(
    db: Database, connector_code: str, external_code: str, label: str | None, limit: int = 5
) -> list[ArticleSuggestion]:
    """GC articles whose code or label is close to an external code and its label, best first.

    Never applied: the caller shows them and the operator chooses. For many codes in a row,
    build one `ArticleMatcher` and call its `suggest`."""
    return ArticleMatcher(db, connector_code).suggest(external_code, label, limit)


def pending_external_codes(db: Database, connector_code: str) -> list[PendingCode]:
    """External codes of the documents waiting in reception staging (received or previewed)
    that no article holds yet on the connector, by code."""
    mapped = store.external_to_article(db, connector_code)
    return [
        PendingCode(code, label or "", documents)
        for code, label, documents in staging.pending_articles(
            db, connector_code, include_preview=True
        )
        if code not in mapped
    ]


def suggest_external_codes(
    db: Database, connector_code: str, article_code: str, limit: int | None = None
) -> list[PendingCode]:
    """The pending external codes (`pending_external_codes`) ranked for one GC article, best
    first; every pending code is listed unless `limit` is given."""
    pending = pending_external_codes(db, connector_code)
    if not pending:
        return []
    query = _key(f"{article_code} {articles_store.article_label(db, article_code) or ''}")
    choices = {index: _key(f"{p.code} {p.label}") for index, p in enumerate(pending)}
    found = process.extract(
        query, choices, scorer=fuzz.WRatio, processor=None, limit=limit or len(pending)
    )
    ranked = sorted(found, key=lambda hit: (-hit[1], pending[hit[2]].code))
    return [
        PendingCode(pending[i].code, pending[i].label, pending[i].documents, round(score, 1))
        for _, score, i in ranked
    ]


# The bulk screen's rows -----------------------------------------------------------------------


class ShowMode(StrEnum):
    """Which articles « Mettre à jour la correspondance des articles » shows."""

    EXPORT = "disponibles-export"
    FILTER = "filtre"

    @property
    def label(self) -> str:
        if self is ShowMode.EXPORT:
            return "Afficher les articles disponibles à l'export"
        return "Afficher les articles correspondants au filtre"


class MappingRow(NamedTuple):
    """A named tuple: 50,000 of them are built straight from the cursor."""

    article_code: str
    label: str
    external_code: str  # "" when the article has no correspondence on the connector


def grid_rows(
    db: Database, connector_code: str, mode: ShowMode | str, filter_name: str | None = None
) -> list[MappingRow]:
    """The articles the mode selects (all of a filter's criteria must hold), by code, with their
    correspondence on the connector."""
    mode = ShowMode(mode)
    if mode is ShowMode.EXPORT:
        selection = ArticleFilter.model_construct(name="", families=[], export_available=True)
    else:
        if not filter_name:
            raise UserError("Choisissez un filtre d'articles.")
        selection = filters_store.get_article_filter(db, filter_name)
    return list(map(MappingRow._make, store.articles_with_codes(db, connector_code, selection)))


# The CSV file ---------------------------------------------------------------------------------


class ImportSummary(BaseModel):
    connector: str
    file: str
    rows: int
    added: int
    changed: int
    removed: int
    unchanged: int
    warnings: list[str] = []


def import_file(db: Database, connector: str, path: Path, user: str) -> ImportSummary:
    """Adds and changes the correspondences a file gives; never removes one it does not mention
    (an article given with an empty code loses its correspondence).

    The whole file is refused, nothing written, when a line is wrong: an unknown article, an
    article given twice, a code too long, a code given to two articles of the file, or a code
    another article keeps once the file is applied (a file may move a code from A to B when it
    also gives A another code). Every bad line is listed as `file:line: column: reason`."""
    code = require_connector_code(db, connector)
    path = Path(path)
    try:
        reader = read_csv(path, MAPPING_LAYOUT, filename=path.name)
    except CsvFileError as exc:
        raise ValidationFailed(f"{exc} ; rien n'a été importé.") from exc
    except OSError as exc:
        raise UserError(f"Impossible de lire le fichier {path} : {os_reason(exc)}.") from exc
    fname = reader.filename
    errors: list[tuple[int, str]] = []

    def error(line: int, column: str, reason: str) -> None:
        errors.append((line, f"{fname}:{line}: {column}: {reason}"))

    known = set(articles_store.article_ids(db))
    pairs: dict[str, tuple[int, str]] = {}  # article -> (line, code)
    given: dict[str, tuple[int, str]] = {}  # code -> (line, article)
    rows = 0
    for row in reader:
        rows += 1
        errors.extend((row.line, message) for message in row.errors)
        if _refused_cells(row.errors):
            continue  # a code with an invisible character inside: said once, with its place
        article = read_code(row.values.get("CodeArticle"))
        external = read_code(row.values.get("CodeArticleExterne"))
        if not article:
            error(row.line, "CodeArticle", "valeur obligatoire")
            continue
        if article not in known:
            error(row.line, "CodeArticle", f"article inconnu « {article} »")
            continue
        if article in pairs:
            error(
                row.line, "CodeArticle", f"« {article} » en double (déjà ligne {pairs[article][0]})"
            )
            continue
        pairs[article] = (row.line, external)
        if not external:
            continue
        try:
            store.check_external_code(external)
        except UserError as exc:
            reason = str(exc).rstrip(".")
            error(row.line, "CodeArticleExterne", reason[:1].lower() + reason[1:])
            continue
        if external in given:
            line, other = given[external]
            error(
                row.line,
                "CodeArticleExterne",
                f"le code {external} est déjà donné à l'article {other} (ligne {line})",
            )
            continue
        given[external] = (row.line, article)
    errors.extend((0, message) for message in reader.errors)
    # The end state: a code stays with an article the file does not mention (or mentions with
    # the same code) only if no other article of the file takes it.
    held = store.external_to_article(db, code)
    for external, (line, article) in given.items():
        owner = held.get(external)
        if owner is None or owner == article:
            continue
        if owner in pairs and pairs[owner][1] != external:
            continue  # the file gives the owner another code (or none): the code moves
        error(
            line,
            "CodeArticleExterne",
            f"le code {external} est déjà utilisé par l'article {owner} sur {code}",
        )
    if errors:
        n = len(errors)
        raise ValidationFailed(
            f"{fname} refusé : {n} erreur{'s' if n > 1 else ''}, rien n'a été importé.",
            [message for _, message in sorted(errors, key=lambda e: e[0])],
        )
    changes = store.apply_batch(
        db, code, ((article, external) for article, (_, external) in pairs.items()), user
    )
    added = sum(1 for c in changes if c.old_code is None)
    removed = sum(1 for c in changes if c.new_code is None)
    return ImportSummary(
        connector=code,
        file=str(path),
        rows=rows,
        added=added,
        changed=len(changes) - added - removed,
        removed=removed,
        unchanged=len(pairs) - len(changes),
        warnings=list(reader.warnings),
    )


def _refused_cells(messages: list[str]) -> set[str]:
    """The columns of the reader's located errors (« f.csv:3: CodeArticle: … »)."""
    return {cell[0] for m in messages if (where := location(m)) and (cell := where.cell())}


def _export_rows(db: Database, code: str) -> Iterator[tuple[str, str]]:
    for mapping in store.list_mappings(db, code):
        yield code_cell(mapping.article_code), code_cell(mapping.external_code)


def export_file(db: Database, connector: str, path: Path | None, out: TextIO | None = None) -> int:
    """Writes the connector's correspondences, by article code, as `CodeArticle;
    CodeArticleExterne`: to `path` through the shared atomic writer (UTF-8 with BOM), or, without
    a path, to `out` (standard output by default, no BOM). Returns the number of lines."""
    code = require_connector_code(db, connector)
    if path is not None:
        return write_csv_atomic(Path(path), MAPPING_HEADER, _export_rows(db, code))
    stream = out if out is not None else sys.stdout
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(MAPPING_HEADER)
    count = 0
    for row in _export_rows(db, code):
        writer.writerow([format_cell(value) for value in row])
        count += 1
    return count
