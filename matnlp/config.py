"""Locations and defaults shared by the package, tests and scripts."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Seconds one paper may take (reading, normalizing, tokenizing; in ``extract`` also extraction) before it is an
#: error entry; the one default of ``ingest``, ``extract`` and the API.
DOCUMENT_TIMEOUT = 120.0


def data_dir() -> Path:
    """The shared real-data folder: ``$MATNLP_DATA`` or ``../shared/data`` beside the repository."""
    return Path(os.environ.get("MATNLP_DATA", REPO_ROOT.parent / "shared" / "data"))
