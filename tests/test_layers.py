"""The layers of docs/architecture.md hold: the core loads no terminal library, and the import
contracts of pyproject.toml (`make lint`) fail when one is broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "econnect_tui"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Every module of sync/, store/, exchange/ and the CLI's, imported without starting the app.
_IMPORT_THE_CORE = r"""
import importlib, pkgutil, sys
import econnect_tui.cli
for package in ("econnect_tui.sync", "econnect_tui.store", "econnect_tui.exchange"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("textual", "rich"))
print(" ".join(loaded) or "none")
"""


def test_the_core_and_the_cli_load_no_terminal_library():
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_THE_CORE], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def _lint_copy(tmp_path: Path, broken: tuple[str, str] | None = None):
    """lint-imports run on a copy of the package, with `broken` = (module file, import line)
    added to it."""
    shutil.copytree(PACKAGE, tmp_path / "econnect_tui", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if broken is not None:
        module, line = broken
        path = tmp_path / "econnect_tui" / module
        path.write_text(path.read_text() + f"\n{line}\n")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
def test_the_import_contracts_hold_on_the_package_as_it_is(tmp_path):
    done = _lint_copy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("store/staging.py", "from ..exchange import facilitime", "store is the SQL"),
        ("exchange/csv/reader.py", "from ...db import open_db", "exchange is pure"),
        ("tui/memory.py", "from ..exchange.csv import read_csv", "screens and commands"),
        ("cli/gc.py", "from ..db import write_transaction", "screens and commands"),
        ("errors.py", "from .db import open_db", "Layers"),
        ("migrations.py", "from .store import staging", "the database knows no store"),
        ("sync/runs.py", "from ..tui import keymap", "sync knows no interface"),
    ],
)
def test_an_import_against_the_layers_breaks_a_contract(tmp_path, module, line, contract):
    done = _lint_copy(tmp_path, (module, line))
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
