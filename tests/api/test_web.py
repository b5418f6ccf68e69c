"""The dashboard's routes: the page is public when a key guards the API, loopback-only without one."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from easyths.api.app import create_app
from tests.conftest import make_settings
from tests.fakes import FakeBroker


async def _get(app: object, path: str, client: tuple[str, int] = ("127.0.0.1", 5000)) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=client)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
        return await c.get(path)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_page_and_its_assets_need_no_key_but_the_api_still_does(tmp_path: Path, anyio_backend: str) -> None:
    app = create_app(make_settings(tmp_path, api={"key": "k"}), broker=FakeBroker())
    page = await _get(app, "/", client=("192.0.2.7", 5000))
    assert page.status_code == 200 and "EasyTHS" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    js = await _get(app, "/web/app.js", client=("192.0.2.7", 5000))
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    config = (await _get(app, "/web/config.json")).json()
    assert config == {"auth_required": True, "gain_color": "red", "refresh_seconds": 60.0}
    assert (await _get(app, "/api/v1/queue/stats", client=("192.0.2.7", 5000))).status_code == 401


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_without_a_key_the_page_is_loopback_only_like_the_api(tmp_path: Path, anyio_backend: str) -> None:
    app = create_app(make_settings(tmp_path), broker=FakeBroker())
    assert (await _get(app, "/")).status_code == 200
    assert (await _get(app, "/", client=("192.0.2.7", 5000))).status_code == 403
    assert (await _get(app, "/web/style.css", client=("192.0.2.7", 5000))).status_code == 403
    assert (await _get(app, "/web/config.json")).json()["auth_required"] is False


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_only_the_shipped_files_are_served(tmp_path: Path, anyio_backend: str) -> None:
    app = create_app(make_settings(tmp_path), broker=FakeBroker())
    for path in ("/web/__init__.py", "/web/..%2Fsettings.py", "/web/missing.js"):
        response = await _get(app, path)
        assert response.status_code == 404
        assert response.json()["success"] is False


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_dashboard_can_be_switched_off(tmp_path: Path, anyio_backend: str) -> None:
    app = create_app(make_settings(tmp_path, web={"enabled": False, "gain_color": "green"}), broker=FakeBroker())
    assert (await _get(app, "/")).status_code == 404
