"""One answer to "is this host this machine?" for binding, allow-lists, Host checks, MCP and the SDK."""

from __future__ import annotations

import pytest

from easyths.hosts import is_loopback


@pytest.mark.parametrize("host", ["localhost", "LocalHost", "localhost.", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_this_machine_by_name_or_by_any_loopback_address(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", [None, "", "0.0.0.0", "::", "192.168.1.5", "example.com", "localhost.example.com"])
def test_wildcards_other_addresses_and_other_names_are_not(host: str | None) -> None:
    assert not is_loopback(host)
