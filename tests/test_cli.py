import json
import os
import re
import tempfile
from pathlib import Path

import pytest

from econnect_tui.db import open_db
from econnect_tui.store import documents
from tests.eta import gc_document, gc_line
from tests.helpers import run_cli, still_written, write_csv


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "econnect.db"
    result = run_cli("init", "--demo", db=path)
    assert result.returncode == 0, result.stderr
    return path


def test_init_creates_database_and_says_where(tmp_path):
    path = tmp_path / "new" / "e.db"
    result = run_cli("init", db=path)
    assert result.returncode == 0
    assert path.exists()
    assert str(path) in result.stderr
    assert result.stdout == ""
    # A new database has no GC data: the next steps are said (they were not).
    assert (
        "Prochaines étapes : chargez les données de la Gestion Commerciale (econnect gc import"
        " TYPE FICHIER : entreprises, sites, depots, familles-clients, familles-fournisseurs,"
        " unites, articles, clients…), puis créez le connecteur (econnect connector import"
        " FICHIER.toml, ou l'assistant : Paramètres › E-connecteur)." in result.stderr
    )
    again = run_cli("init", db=path)  # the GC loaded (here: not), said again; nothing else
    assert again.returncode == 0 and "Prochaines étapes" in again.stderr


def test_econnect_db_environment_variable(tmp_path):
    path = tmp_path / "env.db"
    result = run_cli("init", env={"ECONNECT_DB": str(path)})
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_python_m_and_console_script_are_the_same():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "econnect"
    assert script.exists(), "console script not installed"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("econnect ")


def test_gc_import_ok_prints_summary_on_stderr(demo, tmp_path):
    path = write_csv(tmp_path / "u.csv", "Code;Libelle\nJ;Jour\n")
    result = run_cli("gc", "import", "unites", str(path), db=demo)
    assert result.returncode == 0, result.stderr
    assert "1 ligne lue, 1 créé, 0 mis à jour, 0 inchangé (unités)." in result.stderr
    result = run_cli("gc", "import", "unites", str(path), "--json", db=demo)
    data = json.loads(result.stdout)
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 0, 1)
    path = write_csv(tmp_path / "u.csv", "Code;Libelle\nJ;Jours\n")
    result = run_cli("gc", "import", "unites", str(path), db=demo)
    assert "0 créé, 1 mis à jour, 0 inchangé" in result.stderr


def test_gc_import_refused_lists_every_error_and_exits_1(demo, tmp_path):
    path = write_csv(
        tmp_path / "articles.csv",
        "CodeArticle;Libelle;Famille;Unite\nA;A;NOPE;HA\nB;B;TRAVSOL;ZZ\n",
    )
    result = run_cli("gc", "import", "articles", str(path), db=demo)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "articles.csv:2: Famille: famille d'articles inconnue « NOPE »",
        "articles.csv:3: Unite: unité inconnue « ZZ »",
        "articles.csv refusé : 2 erreurs, rien n'a été importé.",
    ]
    assert "Traceback" not in result.stderr


def test_usage_error_exits_2_in_french(demo):
    result = run_cli("gc", "import", "nope", "x.csv", db=demo)
    assert result.returncode == 2
    assert "Valeur invalide" in result.stderr
    result = run_cli("frobnicate", db=demo)
    assert result.returncode == 2
    assert "Commande inconnue « frobnicate »" in result.stderr


def test_missing_database_exits_1_with_one_sentence(tmp_path):
    result = run_cli("documents", "list", db=tmp_path / "absent.db")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "n'existe pas" in result.stderr


def test_a_mistyped_database_path_leaves_no_folder_and_no_log(tmp_path):
    result = run_cli("status", db=tmp_path / "typo" / "e.db")
    assert result.returncode == 1 and "n'existe pas" in result.stderr
    assert not (tmp_path / "typo").exists()
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("bonjour")
    assert run_cli("status", db=not_a_database).returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_no_traceback_when_the_log_cannot_be_written(tmp_path):
    (tmp_path / "file").write_text("")
    result = run_cli("init", db=tmp_path / "file" / "e.db")
    assert result.returncode == 1
    assert result.stderr == (
        f"Erreur du système de fichiers ({tmp_path / 'file' / 'e.db'}) : un élément du chemin"
        " n'est pas un dossier.\n"
    )


def test_file_system_errors_are_french_and_name_the_file_asked_for(demo, tmp_path):
    target = tmp_path / "absent" / "m.csv"
    result = run_cli("mapping", "export", "FACILI", str(target), db=demo)
    assert result.returncode == 1
    assert result.stderr == (
        f"Erreur du système de fichiers ({target}) : fichier ou dossier introuvable.\n"
    )


def test_output_cut_by_its_reader_ends_quietly_like_a_unix_tool(demo):
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "econnect_tui", "--db", str(demo), "mapping", "export", "FACILI"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader is gone before the first line
    _, err = process.communicate(timeout=60)
    assert process.returncode == 141
    assert err == b""


def test_corrupt_database_no_traceback(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"\x00garbage" * 1000)
    result = run_cli("documents", "list", db=path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Impossible d'ouvrir la base" in result.stderr


def _add_document(path):
    db = open_db(path)
    doc = gc_document(
        [gc_line("FAUCH", "Fauchage", "2.5", "32", "80.00")], "0702", external_id="TEST-0001"
    )
    created = documents.create_document(db, doc)
    db.close()
    return created


def test_documents_list_and_validate(tmp_path):
    path = tmp_path / "e.db"
    assert run_cli("init", "--demo", db=path).returncode == 0
    created = _add_document(path)
    result = run_cli("documents", "list", "--json", db=path)
    assert result.returncode == 0
    data = {d["external_id"]: d for d in json.loads(result.stdout)}
    assert data["TEST-0001"]["number"] == created.number
    assert data["TEST-0001"]["total_ttc"] == "96.00"
    assert data["TEST-0001"]["lines"][0]["quantity"] == "2.5"
    text = run_cli("documents", "list", db=path).stdout
    assert created.number in text and "96,00" in text

    result = run_cli("documents", "validate", "TEST-0001", db=path)
    assert result.returncode == 0, result.stderr
    assert "validé" in result.stderr
    data = {
        d["external_id"]: d
        for d in json.loads(run_cli("documents", "list", "--json", db=path).stdout)
    }
    assert data["TEST-0001"]["status"] == "valide"
    result = run_cli("documents", "validate", created.number, db=path)
    assert "déjà validé" in result.stderr
    result = run_cli("documents", "validate", "NOPE", db=path)
    assert result.returncode == 1
    assert "Aucun document" in result.stderr


def test_log_file_keeps_details_beside_the_database(tmp_path):
    path = tmp_path / "e.db"
    run_cli("init", db=path)
    log = tmp_path / "econnect.log"
    log.unlink()
    run_cli("documents", "list", db=path)  # any command on an existing database
    assert log.exists()
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_documents_list_streams_pages_with_each_document_its_own_lines(tmp_path, monkeypatch):
    """Read a page at a time (one query for the lines of a page, not one per document): every
    document still gets its own lines, in order, and the JSON is the whole list's."""
    path = tmp_path / "e.db"
    assert run_cli("init", "--demo", db=path).returncode == 0
    db = open_db(path)
    whole = [
        documents.get_document(db, d.id) for d in documents.list_documents(db, with_lines=False)
    ]
    monkeypatch.setattr(documents, "_PAGE", 3)  # two pages out of the demo's four documents
    paged = list(documents.iter_documents(db, with_lines=True))
    assert len(whole) == 4 and all(d.lines for d in whole)
    assert [(d.number, d.lines) for d in paged] == [(d.number, d.lines) for d in whole]
    result = run_cli("documents", "list", "--json", db=path)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [d["number"] for d in listed] == [d.number for d in whole]
    assert listed[0]["lines"] == [line.model_dump(mode="json") for line in whole[0].lines]


def test_json_items_print_the_same_text_as_the_whole_list(capsys) -> None:
    from econnect_tui.cli._output import print_json, print_json_items

    items = [
        {"a": 1, "b": [1, 2], "c": {"d": "é"}},
        {"a": 2, "b": [], "c": {}, "e": "Labour\u2028parcelle\u0085 3\u2029"},
    ]
    for data in (items, [], items[:1]):
        print_json(data)
        whole = capsys.readouterr().out
        print_json_items(iter(data))
        assert capsys.readouterr().out == whole


def test_gc_import_help_lists_each_type_with_its_columns_in_loading_order(tmp_path):
    """Over SSH the operator has the command, not docs/cli.md: its help says what to load,
    in which order, with which columns."""
    result = run_cli("gc", "import", "--help")
    assert result.returncode == 0
    text = result.stdout
    assert "TYPE FICHIER" in text and "FILE" not in text
    order = [text.index(f"\n    {kind} ") for kind in ("entreprises", "sites", "depots")]
    assert order == sorted(order)
    assert "    sites                 Code*; Nom*; CodeEntreprise*" in text
    assert "    articles              CodeArticle*; Libelle*; Famille; Unite*;" in text


def test_the_tests_never_reach_the_user_s_own_data_folder():
    """A command called here without --db (each help below) sets the log up beside the default
    database: in the tests that default is a temporary folder, never the operator's own
    ~/.local/share/econnect (its econnect.log received every later test's log lines)."""
    from econnect_tui import paths

    assert "ECONNECT_DB" not in os.environ
    assert paths.default_db_path().is_relative_to(Path(tempfile.gettempdir()))


def test_every_help_is_french():
    """click's own words (headings, the subcommand in the usage line, the argument named in a
    help text) are French too: « Options : », « COMMANDE [ARGUMENTS]... », « FICHIER »."""
    import click
    from click.testing import CliRunner

    from econnect_tui.cli import cli

    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, command in walk(cli, []):
        text = CliRunner().invoke(cli, [*path, "--help"], prog_name="econnect").output
        assert text.startswith("Utilisation : econnect"), (path, text)
        assert "Options :\n" in text, (path, text)
        if isinstance(command, click.Group):
            usage = text.splitlines()[0]
            assert "COMMANDE" in usage and "[ARGUMENTS]..." in usage, (path, usage)
            assert "Commandes :\n" in text, (path, text)
        english = re.findall(r"Options:|\b(?:Commands|COMMAND|ARGS|FILE|Show)\b", text)
        assert not english, (path, english, text)


def test_connector_import_refused_creates_no_folder_even_with_creer_dossiers(demo, tmp_path):
    exported = run_cli("connector", "export", "FACILI", db=demo)
    assert exported.returncode == 0, exported.stderr
    text = exported.stdout
    lines = []
    for line in text.splitlines():
        if line.startswith("code ="):
            line = 'code = "NOUVEAU"'
        elif line.startswith("chemin_import ="):
            line = f'chemin_import = "{tmp_path / "eta" / "in"}"'
        elif line.startswith("chemin_export ="):
            line = f'chemin_export = "{tmp_path / "eta" / "out"}"'
        elif line.startswith("famille_client ="):
            line = 'famille_client = "ZZZ"'
        lines.append(line)
    toml = tmp_path / "nouveau.toml"
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cli("connector", "import", str(toml), "--creer-dossiers", db=demo)

    assert result.returncode == 1
    assert "receptions.famille_client : famille de clients inconnue « ZZZ »" in result.stderr
    assert "Traceback" not in result.stderr
    # cli.md: an import that does not validate changes nothing (the folders were made)
    assert not (tmp_path / "eta").exists()

    # Named as for a refused value (test_connectors): checked, not made.
    assert f"chemin_import : le dossier « {tmp_path / 'eta' / 'in'} » n'existe pas" in result.stderr

    # Put right, the same file makes them.
    toml.write_text(toml.read_text().replace('"ZZZ"', '"AGRI"'))
    result = run_cli("connector", "import", str(toml), "--creer-dossiers", db=demo)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "eta" / "in").is_dir() and (tmp_path / "eta" / "out").is_dir()


def test_a_file_still_being_written_is_shown_as_its_kind_and_counted_waiting(tmp_path):
    db_path = tmp_path / "econnect.db"
    assert run_cli("init", "--demo", db=db_path).returncode == 0
    assert run_cli("receive", "FACILI", db=db_path).returncode in (0, 3)
    tiers = tmp_path / "facili" / "import" / "ImportTiers_9.csv"
    write_csv(tiers, "TypeTiers;CodeTiers;Nom\n")
    quiet = {"ECONNECT_SETTLE_SECONDS": "1"}

    # Still growing when the preview, the status and the reception look at it (twice).
    with still_written(tiers, lambda n: f"Client;07{n:02d};GAEC Neuf\r\n".encode(), every=0.2):
        preview = run_cli("receive", "FACILI", "--preview", "--json", db=db_path, env=quiet)
        status = run_cli("status", "--json", db=db_path, env=quiet)
        received = run_cli("receive", "FACILI", "--json", db=db_path, env=quiet)

    assert preview.returncode == 3, preview.stderr
    (shown,) = [f for f in json.loads(preview.stdout)["files"] if f["name"] == tiers.name]
    # It was said « non reconnu », size 0: a recognised ImportTiers file, left for later.
    assert shown["kind"] == "tiers"
    assert shown["size"] > 0
    assert shown["status"].startswith("fichier en cours d'écriture")
    # status said « 0 fichier en attente » (« Aucune donnée en attente ») with it there.
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)[0]["fichiers_en_attente"] == 1

    assert received.returncode == 3
    files = {f["name"]: f for f in json.loads(received.stdout)["files"]}
    assert files[tiers.name]["status"] == "laissé en place"
    assert tiers.exists()


def test_connector_delete_asks_then_keeps_the_history_readable(tmp_path):
    db = tmp_path / "econnect.db"
    assert run_cli("init", "--demo", db=db).returncode == 0
    assert run_cli("receive", "FACILI", db=db).returncode == 3  # two documents held back
    asked = run_cli("connector", "delete", "facili", db=db)
    assert asked.returncode == 1 and asked.stderr == (
        "FACILI a 2 documents et 0 tiers en attente : ajoutez --abandonner-retenus pour les "
        "abandonner et supprimer le connecteur.\n"
    )
    unconfirmed = run_cli("connector", "delete", "FACILI", "--abandonner-retenus", db=db)
    assert unconfirmed.returncode == 2 and unconfirmed.stderr == (
        "Suppression de FACILI non confirmée : ajoutez --oui pour supprimer sans question.\n"
    )
    assert "FACILI" in run_cli("connector", "list", db=db).stdout
    deleted = run_cli("connector", "delete", "FACILI", "--abandonner-retenus", "--oui", db=db)
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stderr == (
        "Connecteur FACILI supprimé avec ses correspondances d'articles ; 2 documents et 0 tiers "
        "en attente abandonnés ; l'historique est conservé.\n"
    )
    assert run_cli("connector", "list", db=db).stderr == "Aucun connecteur.\n"
    listed = run_cli("history", "FACILI", db=db)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2, listed.stderr
    report = run_cli("history", "FACILI", "--run", "2", db=db)
    assert report.returncode == 0 and "Réception n° 2 — FACILI" in report.stdout
    unknown = run_cli("history", "NOPE", db=db)
    assert unknown.returncode == 1 and unknown.stderr == "Le connecteur « NOPE » n'existe pas.\n"
