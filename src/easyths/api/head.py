"""HEAD wherever GET is answered: FastAPI's routes take only the methods they declare, so a
monitor's or a proxy's HEAD got 405 from a GET route. Here HEAD runs the GET and drops the body
(the headers, Content-Length included, are the GET's), as RFC 9110 §9.3.2 asks.

The event stream is left out: its GET never ends, and a HEAD would keep a generator running for a
client that has gone. It keeps answering 405 to HEAD.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"].rstrip("/").endswith("/events"):
            await self.app(scope, receive, send)
            return
        finished = False

        async def without_body(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.body":
                if finished:
                    return
                if message.get("more_body", False):
                    return  # the GET's body goes nowhere; its end is sent once, empty
                finished = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


__all__ = ["HeadAsGet"]
