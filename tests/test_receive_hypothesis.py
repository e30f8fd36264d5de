"""Arbitrary bytes and arbitrary row orders through the whole reception."""

from __future__ import annotations

import csv
import io
import itertools

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from econnect_tui.sync import reception
from tests.eta import DOC_HEADER, Setup, doc_rows, report_rows

_counter = itertools.count()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(
        st.binary(max_size=3000),
        st.lists(
            st.lists(
                st.sampled_from(
                    [
                        "D1",
                        "0701",
                        "FT-LAB",
                        "2",
                        "95",
                        "",
                        "3,5",
                        '"',
                        ";",
                        "\n",
                        "\x00",
                        "é",
                        "31/02/2026",
                        "18/11/2026",
                    ]
                ),
                max_size=16,
            ).map(";".join),
            max_size=8,
        ).map(lambda rows: (";".join(DOC_HEADER) + "\n" + "\n".join(rows)).encode("utf-8")),
    )
)
def test_any_bytes_are_received_or_refused_never_crash_never_lost(tmp_path_factory, content):
    s = _setup(tmp_path_factory)
    name = f"ImportDocuments_{next(_counter):05d}.csv"
    s.drop(name, content)
    result = reception.receive(s.db, "FACILI")  # never raises
    assert result.exit_code in (0, 3)
    assert name not in s.waiting()
    assert name in s.archived() or name in s.rejected()
    # every document integrated is whole: lines match the content hash's rows
    bad = s.db.execute(
        "SELECT count(*) FROM documents d WHERE NOT EXISTS"
        " (SELECT 1 FROM document_lines l WHERE l.document_id = d.id)"
    ).fetchone()[0]
    assert bad == 0


_SETUPS: dict[str, Setup] = {}


def _setup(factory) -> Setup:
    if "s" not in _SETUPS:
        _SETUPS["s"] = Setup(factory.mktemp("hyp"))
    return _SETUPS["s"]


def _documents():
    rows = []
    for i in range(6):
        lines = tuple(
            ("FT-LAB" if j % 2 else "FT-DEPL", f"L{j}", str(j + 1), "10.5")
            for j in range(1 + i % 3)
        )
        rows += doc_rows(f"D{i}", client="0701" if i % 2 else "0702", lines=lines)
    return rows


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(len(_documents()))))
def test_row_order_changes_nothing(tmp_path_factory, order):
    rows = _documents()
    s = Setup(tmp_path_factory.mktemp("order"))
    s.documents("ImportDocuments_1.csv", [rows[i] for i in order])
    assert reception.receive(s.db, "FACILI").exit_code == 0
    got = s.db.execute(
        "SELECT d.external_id, d.total_ttc, group_concat(l.position || ':' || l.label, ',')"
        " FROM documents d JOIN document_lines l ON l.document_id = d.id"
        " GROUP BY d.id ORDER BY d.external_id"
    ).fetchall()
    expected = Setup(tmp_path_factory.mktemp("ref"))
    expected.documents("ImportDocuments_1.csv", rows)
    reception.receive(expected.db, "FACILI")
    want = expected.db.execute(
        "SELECT d.external_id, d.total_ttc, group_concat(l.position || ':' || l.label, ',')"
        " FROM documents d JOIN document_lines l ON l.document_id = d.id"
        " GROUP BY d.id ORDER BY d.external_id"
    ).fetchall()
    assert got == want


def _csv_line(cells: list[str]) -> str:
    """One row as the writer writes it (« ; », minimal quoting, CRLF)."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(cells)
    return out.getvalue()


_CLIENT_NAMES = ["EARL du Moulin", "GAEC de l'Étang", "SCEA « Les Prés »", "Hélène Lefèvre"]
_LABEL = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçôœ ;'\"\n-", min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda t: t[:1].isalpha())
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    documents=st.lists(
        st.tuples(st.sampled_from(_CLIENT_NAMES), st.lists(_LABEL, min_size=1, max_size=3)),
        min_size=2,
        max_size=6,
    ),
    data=st.data(),
)
def test_a_stray_quote_holds_back_its_own_document_only(tmp_path_factory, documents, data):
    """One quote put before a cell of one row (labels over several lines, with « ; » and quotes,
    in the others): that row's document is in error with its place, every other document is
    integrated as written."""
    s = _setup(tmp_path_factory)
    run = next(_counter)
    rows = []
    for i, (name, labels) in enumerate(documents):
        lines = tuple(("FT-LAB", label, "2", "95") for label in labels)
        rows += doc_rows(f"S{run}-{i}", name=name, lines=lines)
    # a row on one line; NomClient (3) or LibelleArticle (7), written without quotes
    choices = [
        (r, c)
        for r, row in enumerate(rows)
        if "\n" not in row[7]
        for c in (3, 7)
        if not any(ch in row[c] for ch in ';"')
    ]
    assume(choices)
    r, c = data.draw(st.sampled_from(choices))
    texts = [_csv_line(row) for row in [DOC_HEADER, *rows]]
    at = len(_csv_line([*rows[r][:c], ""])) - 2  # where cell c starts (the line end left out)
    texts[r + 1] = texts[r + 1][:at] + '"' + texts[r + 1][at:]
    line = 2 + sum(row[7].count("\n") + 1 for row in rows[:r])
    name = f"ImportDocuments_{run:05d}.csv"
    s.drop(name, "".join(texts))
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    damaged = rows[r][0]
    wanted = {f"S{run}-{i}" for i in range(len(documents))} - {damaged}
    integrated = {d for d in s.gc_documents() if d.startswith(f"S{run}-")}
    assert integrated == wanted
    messages = " ".join(row.messages for row in report_rows(s, result))
    column = DOC_HEADER[c]
    assert f"Erreur : {column} ligne {line} : " in messages and "guillemet" in messages
    stored = s.db.execute(
        "SELECT d.external_id, l.label FROM documents d"
        " JOIN document_lines l ON l.document_id = d.id WHERE d.external_id LIKE ?"
        " ORDER BY d.external_id, l.position",
        (f"S{run}-%",),
    ).fetchall()
    expected = [
        (f"S{run}-{i}", label)
        for i, (_, labels) in enumerate(documents)
        if f"S{run}-{i}" != damaged
        for label in labels
    ]
    assert stored == sorted(expected, key=lambda pair: pair[0])  # stable: lines in order


# The « clean and mapped » rule is written twice: in SQL (`_check_versions`: every row clean,
# its article mapped, its unit known, the header fields equal) for the fast path, and in Python
# (`_plan_document`) for the detailed check that says what and where. They must agree.
_LINE = st.fixed_dictionaries(
    {
        "article": st.sampled_from(["FT-LAB", "FT-DEPL", "FT-SEMMAIS", "NOUVEAU"]),
        "unit": st.sampled_from(["", "", "ZZZ"]),
        "quantity": st.sampled_from(["2", "2", "1,5", "", "x"]),
        "amount_off": st.booleans(),
        "other_client": st.sampled_from([False, False, False, True]),
    }
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents=st.lists(st.lists(_LINE, min_size=1, max_size=3), min_size=1, max_size=4))
def test_the_sql_check_and_the_python_check_agree(tmp_path_factory, documents):
    from econnect_tui.exchange.staged import read_lines
    from econnect_tui.store import connectors as connectors_store
    from econnect_tui.store import documents as documents_store
    from econnect_tui.store import staging
    from econnect_tui.sync.reception.documents import (
        DocumentContext,
        _check_versions,
        _plan_checked,
        _plan_document,
    )

    s = _setup(tmp_path_factory)
    run = next(_counter)
    rows = []
    for d, lines in enumerate(documents):
        numero = f"Q{run:05d}_{d}"
        spec = tuple((line["article"], "Travail", "2", "95") for line in lines)
        for line, row in zip(lines, doc_rows(numero, lines=spec)):
            row[8] = line["quantity"]  # Quantite (MontantHT computed for 2)
            row[9] = line["unit"]
            if line["amount_off"]:
                row[12] = "1,00"
            if line["other_client"]:
                row[2] = "0702"
            rows.append(row)
    s.documents(f"ImportDocuments_{run:05d}.csv", rows)
    reception.preview(s.db, "FACILI")
    try:
        versions = [
            v
            for page in staging.iter_open_versions(s.db, "FACILI", include_preview=True)
            for v in page
            if v.numero.startswith(f"Q{run:05d}_")
        ]
        assert len(versions) == len(documents)
        ctx = DocumentContext(s.db, connectors_store.require_connector(s.db, "FACILI"), set())
        states = documents_store.external_states(s.db, "FACILI", [v.numero for v in versions])
        checked = _check_versions(s.db, "FACILI", versions)
        lines = read_lines(staging.lines_of(s.db, versions))
        for v in versions:
            key = (v.numero, v.file_id)
            detailed = _plan_document(ctx, v, lines[key], states.get(v.numero))
            if checked[key] is None:  # SQL found something wrong: so does Python
                assert detailed.status.startswith("Erreur") or detailed.unmapped, detailed
                continue
            fast = _plan_checked(ctx, v, checked[key], states.get(v.numero))
            assert not detailed.status.startswith("Erreur") and not detailed.unmapped
            assert (detailed.status, detailed.ok, detailed.held, detailed.messages) == (
                fast.status,
                fast.ok,
                fast.held,
                fast.messages,
            )
            assert detailed.content_hash == fast.content_hash
            assert detailed.totals.total_ttc == fast.totals.total_ttc
    finally:
        for f in staging.preview_files(s.db, "FACILI"):
            staging.forget_file(s.db, f.id)
        for path in s.import_dir.glob("ImportDocuments_*.csv"):
            path.unlink()
