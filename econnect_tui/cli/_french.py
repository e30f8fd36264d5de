"""French texts for click's own messages (usage errors, help headings): the operator reads
French everywhere. click looks its messages up through gettext at call time, in each module."""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

_MESSAGES = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "No such command {name!r}.": "Commande inconnue « {name} ».",
    "No such option: {name}": "Option inconnue : {name}",
    "No such option {name!r}.": "Option inconnue « {name} ».",
    "Missing command.": "Commande manquante.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing argument {param_hint}.": "Argument manquant : {param_hint}.",
    "Missing option {param_hint}.": "Option manquante : {param_hint}.",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Got unexpected extra argument ({args})": "Argument en trop ({args})",
    "Got unexpected extra arguments ({args})": "Arguments en trop ({args})",
    "Option {name!r} requires an argument.": "L'option « {name} » attend une valeur.",
    "Option {name!r} does not take a value.": "L'option « {name} » ne prend pas de valeur.",
    "{name} {filename!r} does not exist.": "{name} « {filename} » n'existe pas.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » est un dossier.",
    "{name} {filename!r} is a file.": "{name} « {filename} » est un fichier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} « {filename} » n'est pas modifiable.",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un nombre valide.",
    "{value!r} is not {choice}.": "« {value} » n'est pas {choice}.",
    "{value!r} is not one of {choices}.": (
        "« {value} » ne fait pas partie des valeurs possibles : {choices}."
    ),
    "Choose from:\n\t{choices}": "Choisir parmi :\n\t{choices}",
    "File": "Fichier",
    "Directory": "Dossier",
    "Path": "Chemin",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Aborted!": "Abandon.",
    "env var: {var}": "variable : {var}",
    "default: {default}": "défaut : {default}",
    "required": "obligatoire",
}

_PLURALS = {
    "Got unexpected extra argument ({args})": "Argument en trop ({args})",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire : {possibilities} ?)",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
}


# click writes these in its usage lines without looking them up: the groups pass them.
SUBCOMMAND_METAVAR = "COMMANDE [ARGUMENTS]..."
OPTIONAL_SUBCOMMAND_METAVAR = "[COMMANDE] [ARGUMENTS]..."


class FrenchHelpFormatter(click.formatting.HelpFormatter):
    """Help headings with French typography: « Options : », as « Utilisation : »."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


def _gettext(message: str) -> str:
    return _MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return _PLURALS.get(chosen, _MESSAGES.get(chosen, chosen))


def install() -> None:
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
    click.core.Context.formatter_class = FrenchHelpFormatter
