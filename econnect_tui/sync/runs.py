"""Who and where a synchronisation runs: recorded in the history."""

from __future__ import annotations

import getpass
import os
import socket


def operator() -> str:
    """The OS user running this process."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def host() -> str:
    return socket.gethostname()
