from __future__ import annotations

import pytest

from tests.builders import seed_november


@pytest.fixture
def nov(world):
    return seed_november(world)
