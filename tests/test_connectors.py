import json
import re

import pytest

from econnect_tui.errors import UserError, ValidationFailed
from econnect_tui.exchange.connector_toml import dump_connector, load_connector
from econnect_tui.models.connector import (
    ArticlesToSend,
    ClientsToSend,
    Connector,
    Liaison,
    Mode,
    ReceiveSettings,
    SendSettings,
)
from econnect_tui.store import connectors as store
from econnect_tui.store import filters as filters_store
from econnect_tui.sync import connectors as service
from econnect_tui.sync.demo import demo_connector
from tests.helpers import demo_db, run_cli

CLI_EXAMPLE = """
code = "FACILI"                  # 1-10 letters, digits, _ ; stored upper-case
liaison = "suivi-eta"            # or "prestashop"
mode = "csv"                     # or "webservice"
chemin_import = "{root}/in"    # csv mode
chemin_export = "{root}/out"   # csv mode
# url = "https://shop.example"   # webservice mode
# cle = "…"                      # webservice mode; printed masked by `connector list`

[envois]
articles = "disponibles-export"  # or "filtre" or "aucun"
filtre_articles = ""             # the article filter's name when articles = "filtre"
categorie_tarifaire = "TARIF1"
unite = ""                       # optional: the unit to send prices in
depot = "DEP1"
clients = "aucun"                # or "tous" or "filtre"
filtre_clients = ""
contacts = false
encodage = "utf-8-sig"           # or "cp1252"

[receptions]
type_document = "livraison"      # or "commande"
entreprise = "ENT1"
site = "SITE1"
depot = "DEP1"
famille_client = "FC1"
famille_fournisseur = "FF1"
mise_a_jour = "manuelle"         # or "ouverture": warn at application start when data is pending
"""


@pytest.fixture
def db(tmp_path):
    return demo_db(tmp_path)


def good(tmp_path, **changes) -> Connector:
    c = demo_connector(tmp_path / "facili")
    (tmp_path / "facili" / "import").mkdir(parents=True, exist_ok=True)
    (tmp_path / "facili" / "export").mkdir(parents=True, exist_ok=True)
    return c.model_copy(update=changes)


def keys(errors) -> dict[str, str]:
    return {e.key: e.message for e in errors}


def test_code_format_and_upper_case():
    assert Connector(code="facili_2").code == "FACILI_2"
    for bad in ("", "TROP_LONG_CODE", "ÉTA", "a b", "a-b"):
        with pytest.raises(ValueError, match="1 à 10 lettres"):
            Connector(code=bad)


def test_a_complete_connector_is_valid(db, tmp_path):
    assert service.connector_errors(db, good(tmp_path), new=True) == []


def test_duplicate_code(db, tmp_path):
    service.save_connector(db, good(tmp_path), new=True)
    assert "existe déjà" in keys(service.connector_errors(db, good(tmp_path), new=True))["code"]


def test_folders_rules(db, tmp_path):
    c = good(tmp_path, import_path=None)
    assert "obligatoire" in keys(service.connector_errors(db, c, new=True))["chemin_import"]
    c = good(tmp_path, export_path=str(tmp_path / "facili" / "import"))
    assert "doivent différer" in keys(service.connector_errors(db, c, new=True))["chemin_export"]
    c = good(tmp_path, import_path="relatif/in")
    assert "chemin complet" in keys(service.connector_errors(db, c, new=True))["chemin_import"]
    afile = tmp_path / "afile"
    afile.write_text("x")
    c = good(tmp_path, export_path=str(afile))
    assert (
        "n'est pas un dossier" in keys(service.connector_errors(db, c, new=True))["chemin_export"]
    )


def test_missing_folder_can_be_created_on_request(db, tmp_path):
    c = good(tmp_path, import_path=str(tmp_path / "new" / "in"))
    errors = service.connector_errors(db, c, new=True)
    assert errors[0].missing_folder and errors[0].key == "chemin_import"
    assert not (tmp_path / "new" / "in").exists()
    assert service.connector_errors(db, c, new=True, create_folders=True) == []
    assert (tmp_path / "new" / "in").is_dir()


def test_liaison_and_mode(db, tmp_path):
    c = good(tmp_path, mode=Mode.WEBSERVICE, url="https://shop.example", key="K" * 32)
    assert "CSV" in keys(service.connector_errors(db, c, new=True))["mode"]
    c = good(tmp_path, liaison=Liaison.PRESTASHOP)
    assert "webservice" in keys(service.connector_errors(db, c, new=True))["mode"]
    c = good(tmp_path, liaison=Liaison.PRESTASHOP, mode=Mode.WEBSERVICE, url="ftp://x", key="")
    errs = keys(service.connector_errors(db, c, new=True))
    assert "http://" in errs["url"] and "obligatoire" in errs["cle"]


def test_send_rules(db, tmp_path):
    c = good(tmp_path)
    c.send = SendSettings(articles=ArticlesToSend.FILTER, clients=ClientsToSend.FILTER)
    errs = keys(service.connector_errors(db, c, new=True))
    assert set(errs) == {
        "envois.filtre_articles",
        "envois.categorie_tarifaire",
        "envois.depot",
        "envois.filtre_clients",
    }
    c.send = SendSettings(
        articles=ArticlesToSend.FILTER,
        article_filter="Nope",
        price_category="X",
        unit="Y",
        depot="Z",
        clients=ClientsToSend.FILTER,
        client_filter="Nope",
    )
    errs = keys(service.connector_errors(db, c, new=True))
    assert errs["envois.filtre_articles"] == "filtre d'articles inconnu « Nope »"
    assert errs["envois.categorie_tarifaire"] == "catégorie tarifaire inconnue « X »"
    assert errs["envois.unite"] == "unité inconnue « Y »"
    assert errs["envois.depot"] == "dépôt inconnu « Z »"
    assert errs["envois.filtre_clients"] == "filtre de clients inconnu « Nope »"


def test_receive_rules(db, tmp_path):
    c = good(tmp_path)
    c.receive = ReceiveSettings()
    errs = keys(service.connector_errors(db, c, new=True))
    assert {k for k in errs if k.startswith("receptions.")} == {
        "receptions.entreprise",
        "receptions.site",
        "receptions.depot",
        "receptions.famille_client",
        "receptions.famille_fournisseur",
    }
    c.receive = ReceiveSettings(
        company="ETA1",
        site="CHARTRES",
        depot="DEP2",
        client_family="INTRANTS",
        supplier_family="AGRI",
    )
    errs = keys(service.connector_errors(db, c, new=True))
    assert errs["receptions.depot"] == "le dépôt « DEP2 » n'appartient pas au site « CHARTRES »"
    assert "famille de clients inconnue" in errs["receptions.famille_client"]
    assert "famille de fournisseurs inconnue" in errs["receptions.famille_fournisseur"]


def test_save_refuses_with_every_key_and_stores_nothing(db, tmp_path):
    c = good(tmp_path)
    c.receive = ReceiveSettings()
    with pytest.raises(ValidationFailed) as info:
        service.save_connector(db, c, new=True)
    assert len(info.value.errors) == 5
    assert store.get_connector(db, "FACILI") is None


def test_store_round_trip(db, tmp_path):
    c = good(tmp_path)
    service.save_connector(db, c, new=True)
    assert store.require_connector(db, "facili") == c


def test_filter_used_by_a_connector_cannot_be_deleted(db, tmp_path):
    c = good(tmp_path)
    c.send = c.send.model_copy(
        update={"articles": ArticlesToSend.FILTER, "article_filter": "Prestations de récolte"}
    )
    service.save_connector(db, c, new=True)
    with pytest.raises(UserError, match="utilisé par le connecteur FACILI"):
        filters_store.delete_article_filter(db, "Prestations de récolte")


def test_toml_round_trip(db, tmp_path):
    c = good(tmp_path)
    assert load_connector(dump_connector(c)) == c
    ws = good(
        tmp_path, liaison=Liaison.PRESTASHOP, mode=Mode.WEBSERVICE, url="https://s.fr", key="ABC"
    )
    ws = ws.model_copy(update={"import_path": None, "export_path": None})
    assert load_connector(dump_connector(ws)) == ws


def test_toml_errors_name_the_key():
    with pytest.raises(ValidationFailed) as info:
        load_connector('code = "X"\nfoo = 1\n[envois]\narticles = "tout"\ncontacts = "oui"\n')
    assert set(info.value.errors) == {
        "foo : clé inconnue",
        "envois.articles : valeur « tout » invalide (attendu : disponibles-export, filtre, aucun)",
        "envois.contacts : true ou false attendu",
    }
    with pytest.raises(ValidationFailed, match="ligne 1"):
        load_connector("code = = 3")


def test_import_names_the_wrong_gc_codes_beside_a_refused_shape(db, tmp_path):
    text = dump_connector(good(tmp_path))
    text = text.replace('encodage = "utf-8-sig"', 'encodage = "latin1"')
    text = re.sub(r"(?m)^unite = .*$", 'unite = "ZZ"', text)
    text = re.sub(r"(?m)^site = .*$", 'site = "NOPE"', text)
    with pytest.raises(ValidationFailed) as info:
        service.import_toml(db, text, "f.toml")
    assert info.value.errors == [
        "envois.encodage : valeur « latin1 » invalide (attendu : utf-8-sig, cp1252)",
        "envois.unite : unité inconnue « ZZ »",
        "receptions.site : site inconnu « NOPE »",
    ]
    assert str(info.value) == "f.toml refusé : 3 erreurs."
    assert store.get_connector(db, "FACILI") is None


def test_cli_example_imports_and_exports_the_same(tmp_path):
    db_path = tmp_path / "e.db"
    assert run_cli("init", db=db_path).returncode == 0
    # the example's codes, created first (every code must name an existing GC record)
    files = {
        "entreprises": "Code;Nom\nENT1;Entreprise\n",
        "sites": "Code;Nom;CodeEntreprise\nSITE1;Site;ENT1\n",
        "depots": "Code;Nom;CodeSite\nDEP1;Dépôt;SITE1\n",
        "categories-tarifaires": "Code;Libelle\nTARIF1;Tarif\n",
        "familles-clients": "Code;Libelle\nFC1;Clients\n",
        "familles-fournisseurs": "Code;Libelle\nFF1;Fournisseurs\n",
    }
    for kind, content in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(content, encoding="utf-8")
        assert run_cli("gc", "import", kind, str(path), db=db_path).returncode == 0
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    example = tmp_path / "facili.toml"
    example.write_text(CLI_EXAMPLE.replace("{root}", str(tmp_path)), encoding="utf-8")
    result = run_cli("connector", "import", str(example), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "Connecteur FACILI créé." in result.stderr
    exported = run_cli("connector", "export", "FACILI", db=db_path).stdout
    assert load_connector(exported) == load_connector(example.read_text())
    again = tmp_path / "again.toml"
    again.write_text(exported)
    result = run_cli("connector", "import", str(again), db=db_path)
    assert "Connecteur FACILI mis à jour." in result.stderr


def test_cli_import_refused_changes_nothing(tmp_path):
    db_path = tmp_path / "e.db"
    run_cli("init", "--demo", db=db_path)
    before = run_cli("connector", "export", "FACILI", db=db_path).stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(before.replace('depot = "DEP1"', 'depot = "NOPE"', 1))
    result = run_cli("connector", "import", str(bad), db=db_path)
    assert result.returncode == 1
    assert "envois.depot : dépôt inconnu « NOPE »" in result.stderr
    assert run_cli("connector", "export", "FACILI", db=db_path).stdout == before


def test_cli_list_masks_the_key(tmp_path):
    db_path = tmp_path / "e.db"
    run_cli("init", "--demo", db=db_path)
    toml = run_cli("connector", "export", "FACILI", db=db_path).stdout
    ws = load_connector(toml).model_copy(
        update={
            "code": "SHOP",
            "liaison": Liaison.PRESTASHOP,
            "mode": Mode.WEBSERVICE,
            "url": "https://boutique.example",
            "key": "SECRETKEY1234567890ABCD",
            "import_path": None,
            "export_path": None,
        }
    )
    path = tmp_path / "shop.toml"
    path.write_text(dump_connector(ws))
    assert run_cli("connector", "import", str(path), db=db_path).returncode == 0
    listing = run_cli("connector", "list", db=db_path)
    assert "SECRETKEY" not in listing.stdout
    assert "ABCD" in listing.stdout  # the last 4 characters, to tell keys apart
    data = json.loads(run_cli("connector", "list", "--json", db=db_path).stdout)
    assert [c["code"] for c in data] == ["FACILI", "SHOP"]
    assert "SECRETKEY" not in json.dumps(data)
    assert "SECRETKEY" not in (tmp_path / "econnect.log").read_text()


# « Test de connexion » against a real local HTTP server -----------------------------------


def ws(url, key):
    return Connector(
        code="SHOP", liaison=Liaison.PRESTASHOP, mode=Mode.WEBSERVICE, url=url, key=key
    )


def test_connection_ok(prestashop):
    result = service.check_connection(ws(prestashop, "GOODKEY"))
    assert result.ok and "réussie" in result.message


def test_connection_refused_key(prestashop):
    result = service.check_connection(ws(prestashop, "BADKEY"))
    assert not result.ok and "Clé refusée" in result.message


def test_connection_unreachable():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = service.check_connection(ws(f"http://127.0.0.1:{port}", "K"), timeout=2)
    assert not result.ok and "injoignable" in result.message


def test_connection_csv_checks_folders(tmp_path):
    c = demo_connector(tmp_path)
    assert not service.check_connection(c).ok
    (tmp_path / "import").mkdir()
    (tmp_path / "export").mkdir()
    assert service.check_connection(c).ok


# Deleting a connector ---------------------------------------------------------------------


def _counts(db, code="FACILI") -> dict[str, int]:
    def count(sql: str) -> int:
        return db.execute(sql, [code]).fetchone()[0]

    return {
        "files": count("SELECT count(*) FROM received_files WHERE connector_code = ?"),
        "versions": count("SELECT count(*) FROM document_versions WHERE connector_code = ?"),
        "lines": count(
            "SELECT count(*) FROM staged_lines l JOIN received_files f ON f.id = l.file_id"
            " WHERE f.connector_code = ?"
        ),
        "mappings": count("SELECT count(*) FROM article_mappings WHERE connector_code = ?"),
        "runs": count("SELECT count(*) FROM sync_runs WHERE connector_code = ?"),
        "documents": count("SELECT count(*) FROM documents WHERE connector_code = ?"),
    }


def test_delete_connector_without_held_back_data(tmp_path):
    from econnect_tui.db import open_db
    from econnect_tui.sync.demo import load_demo

    db = open_db(tmp_path / "e.db")
    load_demo(db, tmp_path)
    before = _counts(db)
    assert before["files"] and before["mappings"] and before["runs"] and before["documents"]
    assert service.delete_connector(db, "facili") == (0, 0)
    after = _counts(db)
    assert store.get_connector(db, "FACILI") is None
    assert (after["files"], after["versions"], after["lines"], after["mappings"]) == (0, 0, 0, 0)
    # The history and the GC documents stay; so do the files waiting in the import folder.
    assert after["runs"] == before["runs"] and after["documents"] == before["documents"]
    assert len(list((tmp_path / "facili" / "import").glob("*.csv"))) == 2
    assert db.execute("SELECT count(*) FROM staged_tiers").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM reception_locks").fetchone()[0] == 0


def test_delete_connector_refused_while_data_is_held_back(tmp_path):
    from econnect_tui.db import open_db
    from econnect_tui.sync.demo import load_demo
    from econnect_tui.sync.reception import receive

    db = open_db(tmp_path / "e.db")
    load_demo(db, tmp_path)
    receive(db, "FACILI")
    assert service.held_back_counts(db, "FACILI") == (2, 0)
    before = _counts(db)
    with pytest.raises(UserError) as info:
        service.delete_connector(db, "FACILI")
    assert str(info.value) == (
        "FACILI a 2 documents et 0 tiers en attente : "
        "confirmez leur abandon pour supprimer le connecteur."
    )
    assert _counts(db) == before and store.get_connector(db, "FACILI") is not None
    assert service.delete_connector(db, "FACILI", drop_held_back=True) == (2, 0)
    assert _counts(db)["files"] == 0 and _counts(db)["runs"] == before["runs"]


def test_delete_connector_refused_during_a_reception(tmp_path):
    from econnect_tui.db import open_db
    from econnect_tui.errors import Busy
    from econnect_tui.store import locks
    from econnect_tui.sync.demo import load_demo

    db = open_db(tmp_path / "e.db")
    load_demo(db, tmp_path)
    # A live process (this test's parent) holds the reception lock.
    import os
    import socket

    locks.put_lock(db, "FACILI", os.getppid(), socket.gethostname(), "paul")
    with pytest.raises(Busy, match="Une réception est déjà en cours pour FACILI"):
        service.delete_connector(db, "FACILI")
    assert store.get_connector(db, "FACILI") is not None


def test_held_back_text():
    assert service.held_back_text(1, 0) == "1 document et 0 tiers"
    assert service.held_back_text(2, 3) == "2 documents et 3 tiers"


def test_import_names_the_wrong_folders_beside_a_refused_shape(db, tmp_path):
    """A support technician's first TOML: a wrong value, a relative export path and an import
    folder not made yet. Only the value was named; once it was put right the folders were
    refused in a second round. Every wrong key is named at once (folders checked, not made)."""
    text = dump_connector(good(tmp_path))
    text = text.replace('encodage = "utf-8-sig"', 'encodage = "latin1"')
    text = re.sub(r"(?m)^chemin_export = .*$", 'chemin_export = "eta/export"', text)
    missing = tmp_path / "pas-encore" / "import"
    text = re.sub(r"(?m)^chemin_import = .*$", f'chemin_import = "{missing}"', text)
    with pytest.raises(ValidationFailed) as info:
        service.import_toml(db, text, "f.toml", create_folders=True)
    assert info.value.errors == [
        "envois.encodage : valeur « latin1 » invalide (attendu : utf-8-sig, cp1252)",
        f"chemin_import : le dossier « {missing} » n'existe pas",
        "chemin_export : « eta/export » : indiquez un chemin complet (commençant par /)",
    ]
    assert not missing.exists()  # a refused file creates nothing
    assert store.get_connector(db, "FACILI") is None
