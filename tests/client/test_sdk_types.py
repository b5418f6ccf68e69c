"""What a type checker, and so an IDE, sees of the SDK: every method with its real parameters and
return type on both clients (a coroutine of it on AsyncClient), never `Any`.

Why a test: the methods are defined once and reach the clients through a descriptor (`_bridge`); a
change there could silently turn every signature into `Any` while the runtime still works.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

# In CI mypy comes with the test extras; a worktree installed before it was added skips, not fails.
api = pytest.importorskip("mypy.api")

SNIPPET = """
from easyths import AsyncClient, Client

def sync(c: Client) -> None:
    reveal_type(c.buy)
    reveal_type(c.holdings())
    reveal_type(c.events())
    reveal_type(c.sim.set_quote("600000", 10.5))
    c.buy(600000, 10.5, 100)  # error: the code is a str

async def aio(a: AsyncClient) -> None:
    reveal_type(a.buy)
    reveal_type(await a.holdings())
    reveal_type(a.events())
    reveal_type(await a.sim.set_quote("600000", 10.5))
    await a.funds(timeout=1, priority=2)  # error: funds takes no priority
"""

# The libraries under the SDK are not what is tested, and reading them would take most of the time.
CONFIG = """
[mypy]
[mypy-pydantic.*,pydantic_core.*,httpx.*,httpcore.*,anyio.*,typing_extensions]
follow_imports = skip
"""

BUY = (
    "def (stock_code: str, price: float | int | decimal.Decimal | str, quantity: int, *, "
    "client_order_id: str | None =, account_name: str | None =, priority: int =, timeout: Any =) -> "
)


@pytest.mark.timeout(300)
def test_type_checkers_see_the_real_signatures_of_both_clients(tmp_path: Path) -> None:
    source = tmp_path / "snippet.py"
    source.write_text(SNIPPET, encoding="utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text(CONFIG, encoding="utf-8")
    args = [str(source), "--config-file", str(config), "--cache-dir", str(tmp_path / "cache")]
    out, err, _ = api.run([*args, "--python-executable", sys.executable, "--no-pretty"])
    revealed = [t.replace("builtins.", "") for t in re.findall(r'Revealed type is "(.*)"', out)]
    assert revealed == [
        BUY + "easyths.client.models.Order",
        "list[easyths.client.models.Holding]",
        "typing.Iterator[easyths.client.events.Event]",
        "easyths.client.models.Quote",
        BUY + "typing.Coroutine[Any, Any, easyths.client.models.Order]",
        "list[easyths.client.models.Holding]",
        "typing.AsyncIterator[easyths.client.events.Event]",
        "easyths.client.models.Quote",
    ], out + err
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 2, out
    assert 'Argument 1 has incompatible type "int"; expected "str"' in errors[0]
    assert 'Unexpected keyword argument "priority"' in errors[1]
