"""`easyths docs`: build the documentation site and serve it on 127.0.0.1.

Why serve rather than open site/index.html: the site's search fetches its index, which a browser
refuses from disk (file://), so a user who opened the built site found no search box. Material's
offline plugin would fix that only by loading a script from unpkg.com, which this site must not
do (it works without a network). A loopback server needs nothing outside the machine.

The build runs in this process with the theme's end-of-life notice off: it is addressed to the
site's maintainers, and a user who asked for the docs cannot act on it.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Annotated

import typer

PROJECT = Path(__file__).resolve().parents[3]  # the source checkout (editable install)


def build_site(out: Path, project: Path = PROJECT) -> Path:
    """Build the site into `out`; raises a Chinese `typer.BadParameter` when it cannot."""
    config_file = project / "mkdocs.yml"
    if not config_file.exists():
        raise typer.BadParameter(f"找不到 {config_file}：文档只能在项目源码目录中构建（git clone 之后）")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # before mkdocs and the theme are imported
    try:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
    except ImportError:
        raise typer.BadParameter("需要先安装文档依赖：pip install -c requirements.lock -e '.[test]'") from None
    config = load_config(str(config_file), site_dir=str(out))
    build(config)
    return out


def serve(site: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A static server for `site` on 127.0.0.1 (never beyond this machine), already running."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, name="easyths-docs", daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """One line per request would bury the address the user needs."""


def docs_command(
    port: Annotated[int, typer.Option("--port", help="本机端口（默认 8000）")] = 8000,
    out: Annotated[Path, typer.Option("--dir", help="生成的站点目录（默认 ./site）")] = Path("site"),
    build_only: Annotated[bool, typer.Option("--build", help="只生成站点，不启动本机服务")] = False,
) -> None:
    """生成文档站点，并在 http://127.0.0.1:8000 提供（搜索可用）；--build 只生成。"""
    site = build_site(out.resolve())
    if build_only:
        typer.echo(f"文档已生成：{site}（用 easyths docs 在浏览器中打开，搜索才可用）")
        return
    server = serve(site, port)
    typer.echo(f"文档：http://127.0.0.1:{server.server_address[1]}/ （Ctrl+C 退出）")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


__all__ = ["build_site", "docs_command", "serve"]
