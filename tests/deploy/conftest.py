"""A real KeyPick API on a loopback port, for the deployment scripts and the image's health check."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from keypick.api.app import create_app
from keypick.config import Settings
from tests.conftest import ServerThread

API_KEY = "deploy-test-key"


@pytest.fixture
def live_app(make_settings: Callable[..., Settings]) -> Iterator[ServerThread]:
    """KeyPick (SQLite, no workers) served over real HTTP with one API key."""
    app = create_app(make_settings(api_keys_raw=API_KEY), workers=0)
    with ServerThread(app) as server:
        yield server
