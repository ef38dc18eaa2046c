"""Shared fixtures: the real data folder (``MATNLP_DATA``, default ``../shared/data``)."""

from pathlib import Path

import pytest

from matnlp.config import data_dir

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def data() -> Path:
    path = data_dir()
    if not path.is_dir():
        pytest.fail(f"real data not found at {path}; set MATNLP_DATA")
    return path


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
