import pytest

from .helpers import fast_static


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)
