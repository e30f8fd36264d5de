"""`econnect send`: the export files of « Envois » (spec section 5), on real files and databases."""

import csv
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal as D
from pathlib import Path

import pytest

from econnect_tui.errors import NotFound, UserError
from econnect_tui.files import remove_dead_temporaries
from econnect_tui.models.connector import (
    ArticlesToSend,
    ClientsToSend,
    Liaison,
    Mode,
    OutputEncoding,
)
from econnect_tui.models.gc import Article, ArticleFilter, ClientFilter, Price, Stock
from econnect_tui.models.reports import INTERRUPTED_SEND, ItemType, RunKind, RunStatus
from econnect_tui.store import articles as articles_store
from econnect_tui.store import filters as filters_store
from econnect_tui.store import history
from econnect_tui.store.mappings import set_mapping
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector
from econnect_tui.sync.send import (
    ARTICLES_COLUMNS,
    CLIENTS_COLUMNS,
    CONTACTS_COLUMNS,
    EXPORT_FILES,
    send,
)
from econnect_tui.tui.widgets.connector_status import read_overview
from tests.helpers import ROOT, demo_db, run_cli

# The demo's 32 articles less the two not available for export (DENEIG, GNR).
DEMO_EXPORT_ARTICLES = 30
DEMO_CLIENTS = 50
DEMO_CLIENT_CONTACTS = 60  # 62 contacts, 2 of them of suppliers


@pytest.fixture
def env(tmp_path):
    db = demo_db(tmp_path)
    c = save_connector(db, demo_connector(tmp_path / "facili"), new=True, create_folders=True)
    return db, c, Path(c.export_path)


def configure(db, c, **send_settings):
    """The connector with its « Envois » changed, saved (and checked) like the wizard does."""
    changed = c.model_copy(update={"send": c.send.model_copy(update=send_settings)})
    return save_connector(db, changed, new=False)


def read_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def by_code(rows: list[dict[str, str]], key: str = "CodeArticle") -> dict[str, dict[str, str]]:
    return {r[key]: r for r in rows}


def add_article(db, code, label, unit="HA", **fields):
    articles_store.upsert_articles(db, [Article(code=code, label=label, unit_code=unit, **fields)])


# -- the demo connector: articles available for export, TARIF1, DEP1, all clients, contacts


def test_demo_send_writes_the_three_files(env):
    db, _, folder = env
    result = send(db, "facili")
    assert result.connector == "FACILI"
    assert [(f.name, f.rows) for f in result.files] == [
        ("Articles.csv", DEMO_EXPORT_ARTICLES),
        ("Clients.csv", DEMO_CLIENTS),
        ("Contacts.csv", DEMO_CLIENT_CONTACTS),
    ]
    assert result.skipped == []
    assert sorted(p.name for p in folder.iterdir()) == [
        "Articles.csv",
        "Clients.csv",
        "Contacts.csv",
    ]
    for name, columns in (
        ("Articles.csv", ARTICLES_COLUMNS),
        ("Clients.csv", CLIENTS_COLUMNS),
        ("Contacts.csv", CONTACTS_COLUMNS),
    ):
        data = (folder / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + ";".join(columns).encode() + b"\r\n")
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")

    articles = by_code(read_rows(folder / "Articles.csv"))
    assert "DENEIG" not in articles and "GNR" not in articles  # not available for export
    assert articles["AMMONIT"] == {
        "CodeArticle": "AMMONIT",
        "CodeArticleExterne": "",
        "Libelle": "Engrais ammonitrate 33,5",
        "Famille": "FOURN",
        "Unite": "T",
        "PrixHT": "520,00",
        "TauxTVA": "20",
        "Stock": "120",
        "Actif": "Oui",
    }
    assert articles["SEMBLE"]["TauxTVA"] == "5,5"
    assert articles["LAB"]["Stock"] == ""  # no stock row: a service is not stocked
    assert articles["DEPL"]["PrixHT"] == "1,10"

    clients = read_rows(folder / "Clients.csv")
    assert [r["CodeClient"] for r in clients] == sorted(r["CodeClient"] for r in clients)
    first = clients[0]
    assert first["CodeClient"] == "0701" and first["Ville"] == "Chartres"
    assert first["Siret"] == "59331773800015" and first["ModeReglement"] == "Chèques"
    contacts = read_rows(folder / "Contacts.csv")
    assert {r["CodeClient"] for r in contacts} <= {r["CodeClient"] for r in clients}
    assert contacts[0] == {
        "CodeClient": "0701",
        "CodeContact": "C1",
        "Civilite": "M.",
        "Nom": "Martin",
        "Prenom": "Jean",
        "Fonction": "Gérant",
        "Telephone": "",
        "Mobile": "06 80 38 61 17",
        "Email": "martin@earl-701.fr",
    }


# -- Articles


def test_articles_of_a_filter_include_those_not_available_for_export(env):
    db, c, folder = env
    configure(db, c, articles=ArticlesToSend.FILTER, article_filter="Prestations de récolte")
    send(db, "FACILI")
    codes = [r["CodeArticle"] for r in read_rows(folder / "Articles.csv")]
    assert codes == sorted(
        [
            *("MOISBLE", "MOISCOLZA", "MOISMAIS", "ARRBET", "BROY"),  # RECOLTE
            *("ENSIL", "FAUCH", "ANDAIN", "BALRON", "BALCAR", "ENRUB"),  # FOURRAGE
        ]
    )
    filters_store.save_article_filter(db, ArticleFilter(name="Gazole", code_prefix="GN"))
    configure(db, c, articles=ArticlesToSend.FILTER, article_filter="Gazole")
    send(db, "FACILI")
    assert [r["CodeArticle"] for r in read_rows(folder / "Articles.csv")] == ["GNR"]


def test_articles_none_writes_nothing_and_leaves_an_older_file_alone(env):
    db, c, folder = env
    old = b"\xef\xbb\xbfCodeArticle\r\nANCIEN\r\n"
    (folder / "Articles.csv").write_bytes(old)
    configure(db, c, articles=ArticlesToSend.NONE)
    result = send(db, "FACILI")
    assert (folder / "Articles.csv").read_bytes() == old
    assert [f.name for f in result.files] == ["Clients.csv", "Contacts.csv"]
    assert [(s.name, s.reason) for s in result.skipped] == [
        ("Articles.csv", "non envoyé : « Ne pas envoyer les articles »")
    ]


def test_price_category(env):
    db, c, folder = env
    configure(db, c, price_category="ADH")
    send(db, "FACILI")
    articles = by_code(read_rows(folder / "Articles.csv"))
    assert articles["LAB"]["PrixHT"] == "88,00"
    assert articles["HERS"]["PrixHT"] == "44,00"


def test_price_unit_with_its_fallback_to_the_articles_own_unit(env):
    db, c, folder = env
    add_article(db, "ZOWN", "Prix dans son unité", unit="HA", export_available=True)
    add_article(db, "ZNOPRICE", "Sans tarif", unit="HA", export_available=True)
    articles_store.upsert_prices(
        db,
        [
            Price(article_code="ZOWN", price_category_code="TARIF1", unit_code="HA", price=D(10)),
            Price(article_code="ZOWN", price_category_code="ADH", price=D(9)),
        ],
    )
    articles_store.save_article(
        db,
        articles_store.require_article(db, "GNR").model_copy(update={"export_available": True}),
        new=False,
    )

    send(db, "FACILI")  # no unit asked: the base price in the article's own unit
    articles = by_code(read_rows(folder / "Articles.csv"))
    assert (articles["GNR"]["Unite"], articles["GNR"]["PrixHT"]) == ("L", "1,32")
    assert (articles["ZOWN"]["Unite"], articles["ZOWN"]["PrixHT"]) == ("HA", "10")
    assert (articles["ZNOPRICE"]["Unite"], articles["ZNOPRICE"]["PrixHT"]) == ("HA", "")

    configure(db, c, unit="M3")
    send(db, "FACILI")
    articles = by_code(read_rows(folder / "Articles.csv"))
    # a price in the asked unit: that price and that unit
    assert (articles["GNR"]["Unite"], articles["GNR"]["PrixHT"]) == ("M3", "1320,00")
    # none in that unit: the base price, with the unit it is for
    assert (articles["LAB"]["Unite"], articles["LAB"]["PrixHT"]) == ("HA", "95,00")
    assert (articles["EPLIS"]["Unite"], articles["EPLIS"]["PrixHT"]) == ("M3", "3,20")
    assert (articles["ZOWN"]["Unite"], articles["ZOWN"]["PrixHT"]) == ("HA", "10")
    assert (articles["ZNOPRICE"]["Unite"], articles["ZNOPRICE"]["PrixHT"]) == ("HA", "")


def test_stock_of_the_connectors_depot(env):
    db, c, folder = env
    configure(db, c, depot="DEP2")
    send(db, "FACILI")
    articles = by_code(read_rows(folder / "Articles.csv"))
    assert articles["SEMBLE"]["Stock"] == "900"
    assert articles["FICELLE"]["Stock"] == "0"  # a stock row holding 0
    assert articles["LAB"]["Stock"] == ""  # no stock row


def test_external_code_is_this_connectors_correspondence(env, tmp_path):
    db, _, folder = env
    other = demo_connector(tmp_path / "autre").model_copy(update={"code": "AUTRE"})
    save_connector(db, other, new=True, create_folders=True)
    set_mapping(db, "FACILI", "LAB", "ETA-LAB", "test")
    set_mapping(db, "AUTRE", "HERS", "X-HERS", "test")
    send(db, "FACILI")
    articles = by_code(read_rows(folder / "Articles.csv"))
    assert articles["LAB"]["CodeArticleExterne"] == "ETA-LAB"
    assert articles["HERS"]["CodeArticleExterne"] == ""  # mapped on another connector only
    assert articles["DECH"]["CodeArticleExterne"] == ""


# -- Clients and contacts


def test_clients_of_a_filter_and_their_contacts(env):
    db, c, folder = env
    configure(db, c, clients=ClientsToSend.FILTER, client_filter="Exploitants d'Eure-et-Loir")
    send(db, "FACILI")
    clients = read_rows(folder / "Clients.csv")
    assert len(clients) == 32  # 40 AGRI, less 8 outside Eure-et-Loir (45…, 41…)
    assert all(r["Famille"] == "AGRI" and r["CodePostal"].startswith("28") for r in clients)
    codes = {r["CodeClient"] for r in clients}
    contacts = read_rows(folder / "Contacts.csv")
    assert contacts and {r["CodeClient"] for r in contacts} <= codes
    assert "0709" not in {r["CodeClient"] for r in contacts}  # Patay, 45310


def test_client_filter_city_ignores_case_accents_and_spaces(env):
    db, c, folder = env
    filters_store.save_client_filter(db, ClientFilter(name="Dunois", city="  CHATEAUDUN "))
    configure(db, c, clients=ClientsToSend.FILTER, client_filter="Dunois")
    send(db, "FACILI")
    clients = read_rows(folder / "Clients.csv")
    assert [r["CodeClient"] for r in clients] == ["0703", "0713", "0723", "0733", "0743"]
    assert {r["Ville"] for r in clients} == {"Châteaudun"}


def test_clients_none_and_contacts(env):
    db, c, folder = env
    old = b"CodeClient\r\nANCIEN\r\n"
    (folder / "Clients.csv").write_bytes(old)
    (folder / "Contacts.csv").write_bytes(old)
    configure(db, c, clients=ClientsToSend.NONE, contacts=True)
    result = send(db, "FACILI")
    assert [f.name for f in result.files] == ["Articles.csv"]
    assert (folder / "Clients.csv").read_bytes() == old
    assert (folder / "Contacts.csv").read_bytes() == old  # contacts of no clients: not sent
    reasons = {s.name: s.reason for s in result.skipped}
    assert reasons == {
        "Clients.csv": "non envoyé : « Ne pas envoyer les clients »",
        "Contacts.csv": "non envoyé : aucun client n'est envoyé (« Ne pas envoyer les clients »)",
    }


def test_contacts_unticked(env):
    db, c, folder = env
    configure(db, c, contacts=False)
    result = send(db, "FACILI")
    assert [f.name for f in result.files] == ["Articles.csv", "Clients.csv"]
    assert not (folder / "Contacts.csv").exists()
    assert "n'est pas coché" in result.skipped[0].reason


# -- the bytes


def setup_small_file(db, c):
    filters_store.save_article_filter(db, ArticleFilter(name="Z", code_prefix="Z"))
    add_article(db, "ZA", "=2+3", unit="HA", family_code="SEMIS")
    add_article(db, "ZB", 'Épandage "bio"', unit="U", vat_rate=D("5.5"), active=False)
    articles_store.upsert_prices(
        db, [Price(article_code="ZA", price_category_code="TARIF1", price=D("12.50"))]
    )
    articles_store.upsert_stocks(
        db, [Stock(article_code="ZA", depot_code="DEP1", quantity=D("-3.25"))]
    )
    set_mapping(db, "FACILI", "ZA", "ETA;ZA", "test")
    return configure(
        db,
        c,
        articles=ArticlesToSend.FILTER,
        article_filter="Z",
        clients=ClientsToSend.NONE,
        contacts=False,
    )


def test_exact_bytes_of_a_small_file(env):
    db, c, folder = env
    setup_small_file(db, c)
    send(db, "FACILI")
    assert (folder / "Articles.csv").read_bytes() == (
        "\ufeffCodeArticle;CodeArticleExterne;Libelle;Famille;Unite;PrixHT;TauxTVA;Stock;Actif\r\n"
        'ZA;"ETA;ZA";\'=2+3;SEMIS;HA;12,50;20;-3,25;Oui\r\n'
        'ZB;;"Épandage ""bio""";;U;;5,5;;Non\r\n'
    ).encode("utf-8")
    assert sorted(p.name for p in folder.iterdir()) == ["Articles.csv"]


def test_windows_1252_option(env):
    db, c, folder = env
    c = setup_small_file(db, c)
    configure(db, c, encoding=OutputEncoding.CP1252, clients=ClientsToSend.ALL)
    send(db, "FACILI")
    assert (folder / "Articles.csv").read_bytes() == (
        b"CodeArticle;CodeArticleExterne;Libelle;Famille;Unite;PrixHT;TauxTVA;Stock;Actif\r\n"
        b'ZA;"ETA;ZA";\'=2+3;SEMIS;HA;12,50;20;-3,25;Oui\r\n'
        b'ZB;;"\xc9pandage ""bio""";;U;;5,5;;Non\r\n'
    )
    clients = (folder / "Clients.csv").read_bytes()
    assert clients.startswith(b"CodeClient;")  # no BOM
    assert b";Ch\xe2teaudun;" in clients and b"Ch\xc3" not in clients


# -- atomic replacement


def test_a_reader_never_sees_a_partial_file(env):
    db, _, folder = env
    send(db, "FACILI")
    old = (folder / "Articles.csv").read_bytes()
    n = 20_000
    articles_store.upsert_articles(
        db,
        (
            Article(code=f"X{i:05d}", label=f"Article {i}", unit_code="U", export_available=True)
            for i in range(n)
        ),
    )
    expected_lines = 1 + DEMO_EXPORT_ARTICLES + n
    seen = {"old": 0, "new": 0}
    bad: list[str] = []
    started = threading.Event()
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            data = (folder / "Articles.csv").read_bytes()
            started.set()
            if data == old:
                seen["old"] += 1
                continue
            lines = data.split(b"\r\n")
            if lines[-1] != b"" or len(lines) - 1 != expected_lines:
                bad.append(f"{len(data)} bytes, {len(lines) - 1} lines")
            else:
                rows = read_rows(folder / "Articles.csv")
                if len(rows) != expected_lines - 1:
                    bad.append(f"{len(rows)} rows")
                seen["new"] += 1

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        assert started.wait(5)
        result = send(db, "FACILI")
        for _ in range(3):  # a few more reads of the new file
            seen_new = seen["new"]
            while seen["new"] == seen_new and reader.is_alive():
                threading.Event().wait(0.01)
    finally:
        stop.set()
        reader.join()
    assert result.files[0].rows == expected_lines - 1
    assert bad == []
    assert seen["old"] >= 1 and seen["new"] >= 1
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- failures


def test_unknown_connector(env):
    db, _, _ = env
    with pytest.raises(NotFound, match="n'existe pas"):
        send(db, "NOPE")


def test_a_webservice_connector_sends_no_csv(env, tmp_path):
    db, _, _ = env
    presta = demo_connector(tmp_path / "p").model_copy(
        update={
            "code": "PRESTA",
            "liaison": Liaison.PRESTASHOP,
            "mode": Mode.WEBSERVICE,
            "import_path": None,
            "export_path": None,
            "url": "https://shop.example",
            "key": "ABCDEFGHIJKLMNOP",
        }
    )
    save_connector(db, presta, new=True)
    with pytest.raises(UserError, match="PrestaShop échange par webservice"):
        send(db, "PRESTA")
    assert history.list_runs(db, "PRESTA") == []


def test_export_folder_missing_is_one_sentence_and_recorded(env):
    db, _, folder = env
    folder.rmdir()
    with pytest.raises(UserError) as caught:
        send(db, "FACILI")
    assert (
        str(caught.value) == f"Le dossier d'export « {folder} » du connecteur FACILI n'existe pas."
    )
    run = history.last_run(db, "FACILI", RunKind.SEND)
    assert run.status is RunStatus.ERROR and run.message == str(caught.value)
    assert run.finished_at is not None


def test_export_path_that_is_a_file_is_refused_and_nothing_is_written(env):
    db, _, folder = env
    folder.rmdir()
    folder.write_bytes(b"not a folder")
    with pytest.raises(UserError, match=r"n'est pas un dossier\.$"):
        send(db, "FACILI")
    assert folder.read_bytes() == b"not a folder"
    assert history.last_run(db, "FACILI", RunKind.SEND).status is RunStatus.ERROR


FSIZE_SCRIPT = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["econnect", "--db", sys.argv[2], "send", "FACILI"]
from econnect_tui.cli import main
main()
"""


def test_disk_full_keeps_the_old_file_and_leaves_no_temporary_file(env, tmp_path):
    """RLIMIT_FSIZE makes writes past a size fail with EFBIG, as a full disk would (ENOSPC)."""
    db, _, folder = env
    send(db, "FACILI")
    old = {p.name: p.read_bytes() for p in folder.iterdir()}
    # Quotes are doubled in the CSV: Articles.csv grows twice as fast as the database, so a
    # limit above the database's size still stops the file half-way.
    articles_store.upsert_articles(
        db,
        (
            Article(code=f"Q{i:04d}", label='"' * 2000, unit_code="U", export_available=True)
            for i in range(1500)
        ),
    )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_path = tmp_path / "econnect.db"
    limit = db_path.stat().st_size + 1_500_000
    assert limit + 1_000_000 < 1500 * 4000
    result = subprocess.run(
        [sys.executable, "-c", FSIZE_SCRIPT, str(limit), str(db_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Impossible d'écrire Articles.csv dans « {folder} » : le fichier dépasse la taille "
        "maximale autorisée ; l'ancien Articles.csv est conservé."
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == old  # intact, no .tmp left
    run = history.last_run(db, "FACILI", RunKind.SEND)
    assert run.status is RunStatus.ERROR and "taille maximale" in run.message
    report = history.get_run(db, run.id)
    assert [(f.name, f.status) for f in report.files] == [("Articles.csv", "erreur")]
    assert [r.ok for r in report.rows] == [False]


# -- history


def test_each_send_is_one_history_run(env):
    db, c, folder = env
    configure(db, c, clients=ClientsToSend.NONE)
    result = send(db, "FACILI")
    run = history.get_run(db, result.run_id, "FACILI")
    assert run.kind is RunKind.SEND and run.status is RunStatus.OK
    assert run.counts == {"articles": DEMO_EXPORT_ARTICLES}
    assert run.message == f"1 fichier écrit : Articles.csv ({DEMO_EXPORT_ARTICLES})."
    assert [(f.name, f.status, f.rows) for f in run.files] == [
        ("Articles.csv", "écrit", DEMO_EXPORT_ARTICLES),
        ("Clients.csv", "conservé", None),
        ("Contacts.csv", "conservé", None),
    ]
    assert run.files[0].path == str(folder / "Articles.csv")
    assert run.files[0].size == (folder / "Articles.csv").stat().st_size
    assert [(r.type, r.identifier, r.ok) for r in run.rows] == [
        (ItemType.FILE, "Articles.csv", True),
        (ItemType.FILE, "Clients.csv", True),
        (ItemType.FILE, "Contacts.csv", True),
    ]
    assert run.rows[0].messages == f"{DEMO_EXPORT_ARTICLES} articles envoyés"
    assert run.rows[2].messages.startswith("Non envoyé : aucun client")


# -- the command


def test_cli_send_summary_and_json(env, tmp_path):
    _, _, folder = env
    db_path = tmp_path / "econnect.db"
    result = run_cli("send", "FACILI", db=db_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Articles.csv : {DEMO_EXPORT_ARTICLES} lignes écrites",
        f"Clients.csv : {DEMO_CLIENTS} lignes écrites",
        f"Contacts.csv : {DEMO_CLIENT_CONTACTS} lignes écrites",
        f"Envoi FACILI terminé : fichiers écrits dans {folder}.",
    ]
    result = run_cli("send", "facili", "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["connector"] == "FACILI"
    assert [(f["name"], f["rows"]) for f in data["files"]] == [
        ("Articles.csv", DEMO_EXPORT_ARTICLES),
        ("Clients.csv", DEMO_CLIENTS),
        ("Contacts.csv", DEMO_CLIENT_CONTACTS),
    ]
    assert data["files"][0]["path"] == str(folder / "Articles.csv")


def test_cli_send_failure_exits_1_with_one_sentence(env, tmp_path):
    _, _, folder = env
    folder.rmdir()
    result = run_cli("send", "FACILI", db=tmp_path / "econnect.db")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"Le dossier d'export « {folder} » du connecteur FACILI n'existe pas."
    )
    result = run_cli("send", "NOPE", db=tmp_path / "econnect.db")
    assert result.returncode == 1
    assert result.stderr.strip() == "Le connecteur « NOPE » n'existe pas."


# A writer of an export file in another process: writes a row, says so, then waits for a line on
# its standard input before finishing (or is killed there).
_WRITER = r"""
import sys
from pathlib import Path
from econnect_tui.files import atomic_writer
with atomic_writer(Path(sys.argv[1])) as f:
    f.write("CodeClient\r\n0701\r\n")
    f.flush()
    print("ready", flush=True)
    sys.stdin.readline()
"""


def _writer(path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "ready\n"
    return process


def test_only_the_temporary_files_of_dead_writers_are_removed(tmp_path):
    """A killed writer's temporary file goes; a live writer's (locked while it writes) stays and
    its write ends well; nothing else named like one is touched."""
    folder = tmp_path / "export"
    folder.mkdir()
    dead = _writer(folder / "Articles.csv")
    dead.kill()  # kill -9: nothing cleaned up
    dead.wait()
    live = _writer(folder / "Clients.csv")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    (folder / ".Contacts.csv.deadbeef.tmp").symlink_to(outside)
    os.mkfifo(folder / ".Contacts.csv.0badcafe.tmp")
    (folder / ".Notes.csv.12345678.tmp").write_text("not ours")
    (folder / ".Articles.csv.zz.tmp").write_text("not ours either")
    before = sorted(p.name for p in folder.iterdir())
    left = [n for n in before if n.startswith(".Articles.csv.") and len(n) == 26]
    assert len(left) == 1  # the killed writer's
    try:
        removed = remove_dead_temporaries(folder, EXPORT_FILES)
        assert removed == left
        assert sorted(p.name for p in folder.iterdir()) == sorted(set(before) - set(left))
    finally:
        live.communicate("\n", timeout=30)
    assert live.returncode == 0
    assert (folder / "Clients.csv").read_bytes() == b"\xef\xbb\xbfCodeClient\r\n0701\r\n"
    assert outside.read_text() == "keep"


def test_a_send_marks_a_killed_send_interrupted_and_removes_its_temporary_file(tmp_path):
    db = demo_db(tmp_path)
    c = demo_connector(tmp_path / "facili")
    save_connector(db, c, new=True, create_folders=True)
    export = tmp_path / "facili" / "export"
    killed = run_cli(
        "send", "FACILI", db=tmp_path / "econnect.db", env={"ECONNECT_FAULT": "sent:40"}
    )
    assert killed.returncode == -9
    debris = [p.name for p in export.iterdir() if p.name.endswith(".tmp")]
    assert debris and debris[0].startswith(".Clients.csv.")  # Articles.csv was written
    assert history.last_run(db, "FACILI", RunKind.SEND).status is RunStatus.RUNNING
    # shown interrupted at once, as a send, by `status` and the dashboard
    status = json.loads(run_cli("status", "--json", db=tmp_path / "econnect.db").stdout)
    assert status[0]["etat_dernier_envoi"] == "erreur"
    overview = read_overview(db, c, with_pending=False)
    assert overview.last_send.state == "✗ Interrompu"
    assert ("✗ Envoi du", "error") in [(text[:10], kind) for text, kind in overview.alerts()]
    result = send(db, "FACILI")
    assert sorted(p.name for p in export.iterdir()) == [
        "Articles.csv",
        "Clients.csv",
        "Contacts.csv",
    ]
    runs = history.list_runs(db, "FACILI", RunKind.SEND)
    assert [r.id for r in runs] == [result.run_id, result.run_id - 1]
    assert runs[1].status is RunStatus.ERROR and runs[1].message == INTERRUPTED_SEND
    assert runs[1].state == "✗ Interrompu"
