"""E-connecteur Facilitime: links an ETA software and a commercial management by CSV files."""

__version__ = "0.1.0"
