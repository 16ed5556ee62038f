from pathlib import Path

import pytest
from django.conf import settings

DATA = Path(settings.DATA_DIR) / "facilities"


@pytest.fixture
def data_dir() -> Path:
    return DATA
