"""All SQL lives here. Each module reads and writes one aggregate and returns models, not rows.

Functions take an open `sqlite_utils.Database`; the caller owns the transaction
(`db.write_transaction`) when several writes belong together.
"""
