"""The `econnect` command: thin click commands that parse, call a service, print.

One module per command group; every command shares the error handling of `EconnectGroup`:
a user error is one French sentence on stderr and exit 1, never a traceback (the traceback
of an unexpected error goes to the log file beside the database).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from sqlite_utils import Database

from .. import paths
from ..errors import UserError, ValidationFailed, describe, os_reason
from ..settings import Settings
from ..sync.database import open_database
from . import _french
from ._output import EXIT_FAILED, say, use_forgiving_streams

log = logging.getLogger("econnect")
_french.install()


@dataclass
class Context:
    db_path: Path
    log_path: Path | None = None
    settings: Settings = field(default_factory=Settings)
    _db: Database | None = field(default=None, repr=False)

    def db(self, *, create: bool = False) -> Database:
        if self._db is None:
            self._db = open_database(self.db_path, create=create)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class EconnectGroup(click.Group):
    """Turns errors into one French sentence and the exit codes of cli.md."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            for line in exc.errors:
                say(line)
            say(str(exc))
            ctx.exit(EXIT_FAILED)
        except UserError as exc:
            log.info("user error: %s", exc)
            say(str(exc))
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # `econnect documents list | head`: the reader went away. No message, the exit
            # status of a Unix tool stopped by SIGPIPE; the rest of the output is dropped.
            _drop_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except sqlite3.Error as exc:
            log.exception("database error")
            say(f"Erreur de base de données : {describe(exc)}.")
            ctx.exit(EXIT_FAILED)
        except OSError as exc:
            log.exception("file system error")
            where = f" ({exc.filename})" if exc.filename else ""
            say(f"Erreur du système de fichiers{where} : {os_reason(exc)}.")
            ctx.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            say("Interrompu.")
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug, not a user error: short message, traceback in the log
            _unexpected(exc, ctx.obj)
            ctx.exit(EXIT_FAILED)


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


def _drop_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _unexpected(exc: BaseException, obj: Context | None) -> None:
    log.exception("unexpected error", exc_info=exc)
    where = f" Détails dans le journal : {obj.log_path}" if obj and obj.log_path else ""
    say(f"Erreur inattendue ({type(exc).__name__} : {exc}).{where}")


@click.group(
    cls=EconnectGroup,
    invoke_without_command=True,
    subcommand_metavar=_french.OPTIONAL_SUBCOMMAND_METAVAR,
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ECONNECT_DB",
    help="Fichier de la base de données (défaut : dossier de données de l'utilisateur).",
)
@click.option(
    "--accueil",
    "fresh",
    is_flag=True,
    help="Ouvre l'application sur l'Accueil, sans reprendre l'écran ni le connecteur de la "
    "dernière fois.",
)
@click.version_option(package_name="econnect_tui", message="econnect %(version)s")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, fresh: bool) -> None:
    """E-connecteur Facilitime : échanges de fichiers CSV entre le logiciel ETA et la
    Gestion Commerciale. Sans commande, ouvre l'application (là où vous l'aviez laissée)."""
    if fresh and ctx.invoked_subcommand is not None:
        raise click.UsageError(
            "L'option --accueil ne sert qu'à l'ouverture de l'application (econnect sans "
            "commande).",
            ctx,
        )
    if ctx.invoked_subcommand is None:
        _require_terminal()
    db_path = paths.expand_user(db_path or paths.default_db_path())
    paths.refuse_special_database(db_path)
    creates = ctx.invoked_subcommand in (None, "init")  # the commands that create the database
    obj = Context(db_path=db_path, log_path=paths.setup_logging(db_path, create=creates))
    ctx.obj = obj
    ctx.call_on_close(obj.close)
    if ctx.invoked_subcommand is None:
        from ..app import run_app

        ctx.exit(run_app(obj.db(create=True), db_path, fresh=fresh))


def _require_terminal() -> None:
    """The application draws on a terminal and reads its keys: without one (cron, `econnect <
    /dev/null > out`) it would wait for keys that never come."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "L'application a besoin d'un terminal (entrée et sortie) : dans un script ou une "
            "tâche planifiée, utilisez les commandes (econnect --help)."
        )


def _register() -> None:
    from . import connector, documents, gc, maintenance, mapping, send, setup, sync

    cli.add_command(setup.init)
    cli.add_command(connector.connector)
    cli.add_command(sync.receive)
    cli.add_command(sync.status)
    cli.add_command(sync.history)
    cli.add_command(gc.gc)
    cli.add_command(documents.documents)
    cli.add_command(send.send)
    cli.add_command(maintenance.backup)
    cli.add_command(maintenance.check)
    cli.add_command(mapping.mapping)


_register()


def main() -> None:
    use_forgiving_streams()
    cli.main(prog_name="econnect")
