"""The reception of an ETA software's files: collect → analyse → integrate → report.

1. Collect. Each recognised file of the import folder (tiers before documents, by name) is
   read once and its rows staged in one transaction with the file's SHA-256; then the file is
   moved to `archive/AAAA/MM/` (or `erreurs/` when refused whole). A crash before the commit
   leaves the file in place; after it, the next run finds the hash already staged and only
   moves the file. The same bytes received twice integrate nothing twice.
2. Analyse. From the staged rows: tiers and documents with their status (preview). Documents
   are read by pages in numero order, so memory does not grow with the file.
3. Integrate. Tiers first, then documents; each document in its own savepoint, with the record
   of what became of it, so a document is integrated exactly once and one failure never stops
   the others. Held-back documents stay staged and are offered again.
4. Report. One history entry with one row per item.

`preview()` runs steps 1 (staging without receiving: files stay where they are) and 2.

One module per job: `models` (what a preview shows and a reception returns), `folder` and `disk`
(the import folder, settled files, safe moves), `collect`, `tiers` and `documents` (the plans),
`preview`, `integrate` (`receive`), `report`, `discard` (and what waits). This package's names
below are its public interface.
"""

from .discard import discard, pending_status
from .folder import display_name, scan_folder
from .integrate import receive
from .models import (
    NEW,
    REFUSED,
    SAME,
    UPDATE,
    Analysis,
    PendingArticle,
    PendingDocument,
    PendingFile,
    PendingStatus,
    PendingTiers,
    Preview,
    Progress,
    ReceptionResult,
    files_sentence,
)
from .preview import analyse, changed_since_preview, preview

__all__ = [
    "NEW",
    "REFUSED",
    "SAME",
    "UPDATE",
    "Analysis",
    "PendingArticle",
    "PendingDocument",
    "PendingFile",
    "PendingStatus",
    "PendingTiers",
    "Preview",
    "Progress",
    "ReceptionResult",
    "analyse",
    "changed_since_preview",
    "discard",
    "display_name",
    "files_sentence",
    "pending_status",
    "preview",
    "receive",
    "scan_folder",
]
