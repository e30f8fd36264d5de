"""Shared fixtures. Snapshots live in the top-level `snapshots/<test file>/` folder."""

from __future__ import annotations

import atexit
import base64
import os
import shutil
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import pytest_textual_snapshot

from econnect_tui.text import plural

# The tests write files and receive them at once: no quiet period before a file is read (the
# receptions started as processes inherit it). The tests of the quiet period set their own.
os.environ["ECONNECT_SETTLE_SECONDS"] = "0"

# Never the operator's own data and config folders (database, log, memory, keys file): a command
# called without --db (the helps of test_cli) set the log up beside the real default database,
# and every later test's log lines went there. The processes the tests start inherit this too.
_OWN_FOLDERS = Path(tempfile.mkdtemp(prefix="econnect-tests-"))
atexit.register(shutil.rmtree, _OWN_FOLDERS, ignore_errors=True)
os.environ["XDG_DATA_HOME"] = str(_OWN_FOLDERS / "data")
os.environ["XDG_CONFIG_HOME"] = str(_OWN_FOLDERS / "config")
os.environ.pop("ECONNECT_DB", None)
os.environ.pop("ECONNECT_KEYS", None)

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = ROOT / "snapshots"


class RootSVGImageExtension(pytest_textual_snapshot.SVGImageExtension):
    """Keeps each test file's SVGs in snapshots/<test file name>/, not tests/__snapshots__."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOT_DIR / Path(test_location.filepath).stem)


@pytest.fixture
def snapshot(snapshot, monkeypatch):
    # snap_compare looks the extension up by module name at call time: swap it for ours.
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", RootSVGImageExtension)
    return snapshot


# The reliability suite (`make check`) records each fault it injects here; the table is printed
# at the end of the run: what was done, what was expected, what was found.
_LEDGER: list[dict] = []


@pytest.fixture
def ledger():
    def record(fault: str, runs: int, expected: int, found: int, files_lost: int, **extra):
        _LEDGER.append(
            {
                "fault": fault,
                "runs": runs,
                "expected": expected,
                "found": found,
                "files_lost": files_lost,
                **extra,
            }
        )

    return record


def pytest_terminal_summary(terminalreporter):
    if not _LEDGER:
        return
    tr = terminalreporter
    tr.section("Fiabilité : fautes injectées")
    width = max(len(row["fault"]) for row in _LEDGER)
    tr.write_line(
        f"{'faute injectée':<{width}}  exécutions  documents attendus/trouvés  fichiers perdus"
    )
    for row in _LEDGER:
        tr.write_line(
            f"{row['fault']:<{width}}  {row['runs']:>10}  {row['expected']:>12} / "
            f"{row['found']:<12}  {row['files_lost']:>15}"
        )
    total_lost = sum(row["files_lost"] for row in _LEDGER)
    mismatched = sum(row["expected"] != row["found"] for row in _LEDGER)
    runs = sum(r["runs"] for r in _LEDGER)
    lost = plural(total_lost, "fichier perdu", "fichiers perdus")
    tr.write_line(
        f"{plural(len(_LEDGER), 'faute')}, {plural(runs, 'exécution')}, "
        f"{plural(mismatched, 'écart')} de documents, {lost}"
    )


# « Test de connexion » is tested against a real local HTTP server, not a mock.
PRESTASHOP_KEY = "GOODKEY"


class _PrestaShop(BaseHTTPRequestHandler):
    """The PrestaShop webservice root: 200 with the right key as basic-auth user, else 401."""

    def do_GET(self):
        expected = "Basic " + base64.b64encode(f"{PRESTASHOP_KEY}:".encode()).decode()
        ok = self.path == "/api/" and self.headers.get("Authorization") == expected
        self.send_response(200 if ok else 401)
        self.end_headers()
        self.wfile.write(b"<prestashop/>")

    def log_message(self, *args):
        pass


@pytest.fixture
def prestashop():
    """The URL of a local PrestaShop webservice accepting PRESTASHOP_KEY."""
    server = HTTPServer(("127.0.0.1", 0), _PrestaShop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def closed_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
