"""Start the ORIGINAL easyths FastAPI app (2.0.7 or 1.7.1, whichever the running
venv holds) under uvicorn on 127.0.0.1, with:
  * pywinauto stubbed in sys.modules (Linux),
  * a fake automator (no GUI),
  * a registered no-op operation plugin named "noop" (subclass of the version's
    own BaseOperation; execute() returns success immediately, pre_execute()
    overridden to skip the GUI focus/popup cleanup), plus "sleep20" (same, but
    execute() does time.sleep(0.02) -- a stand-in for a short GUI action),
  * auth off (no API key), rate limit off (2.0.7: api_rate_limit=0;
    1.7.1: env API_RATE_LIMIT=0 read at import time by its ProjectConfig).

Usage:
  <venv>/bin/python server_bench.py --port-file F [--log-mode shipped|quiet]

log-mode shipped : the version's own utils.logger.setup_logging() at INFO
                   (console -> this process's stdout, plus a log file), uvicorn
                   log_level="info" (access log on) -- exactly as main.py/app.run().
log-mode quiet   : structlog filtered at CRITICAL and uvicorn log_level="warning"
                   (isolates the engine from logging I/O).
The listening socket is bound by this script to 127.0.0.1:0 (free port) and
handed to uvicorn; the chosen port is written to --port-file.
"""

import argparse
import logging
import os
import socket
import sys
import time
import types
from importlib.metadata import version as _pkg_version

HERE = os.path.dirname(os.path.abspath(__file__))

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--log-mode", choices=["shipped", "quiet"], default="shipped")
ap.add_argument("--log-file", default=None)
ap.add_argument("--gc-trace", action="store_true", help="print every GC pause >= 5 ms (and gen-2 pauses) to stderr")
args = ap.parse_args()

if args.gc_trace:
    import gc
    import time as _t

    _gc_t0 = {}

    def _gc_cb(phase, info):
        if phase == "start":
            _gc_t0["t"] = _t.perf_counter()
        else:
            dt = (_t.perf_counter() - _gc_t0.get("t", _t.perf_counter())) * 1000
            if dt >= 5 or info["generation"] == 2:
                print(
                    f"GC gen={info['generation']} pause_ms={dt:.1f} collected={info['collected']} "
                    f"tracked={len(gc.get_objects())}",
                    file=sys.stderr,
                    flush=True,
                )

    gc.callbacks.append(_gc_cb)

EASYTHS_VERSION = _pkg_version("easyths")
MAJOR = int(EASYTHS_VERSION.split(".")[0])
log_file = args.log_file or os.path.join(HERE, "logs", f"easyths-{EASYTHS_VERSION}-{args.log_mode}.log")
os.makedirs(os.path.dirname(log_file), exist_ok=True)

# ---- 1.7.1 reads its config from env vars at class-definition (import) time ----
os.environ["API_RATE_LIMIT"] = "0"  # 1.7.1: `if rate_limit > 0:` -> limiter not added
os.environ["API_HOST"] = "127.0.0.1"
os.environ.pop("API_KEY", None)  # auth off
os.environ.pop("API_IP_WHITELIST", None)
os.environ["APP_SAVE_ERROR_CAPTCHA_IMAGE"] = "false"  # avoid mkdir ~/easyths/captcha_error
os.environ["LOGGING_FILE"] = log_file
os.environ["LOGGING_LEVEL"] = "INFO"

# ---- pywinauto stub (pywinauto cannot load off Windows) ----
pw = types.ModuleType("pywinauto")
pwa = types.ModuleType("pywinauto.application")


class Application:  # stub
    def __init__(self, *a, **k):
        pass


pwa.Application = Application
pw.application = pwa
sys.modules["pywinauto"] = pw
sys.modules["pywinauto.application"] = pwa
sys.modules["pywinauto.base_wrapper"] = types.ModuleType("pywinauto.base_wrapper")

import structlog  # noqa: E402
import uvicorn  # noqa: E402
from easyths.utils import project_config_instance as cfg  # noqa: E402

if MAJOR >= 2:
    cfg.api_rate_limit = 0  # 2.0.7: 0 means limiter middleware not added
    cfg.api_key = None  # auth off
    cfg.api_ip_whitelist = None
    cfg.api_host = "127.0.0.1"
    cfg.logging_level = "INFO"
    cfg.logging_file = log_file
assert cfg.api_rate_limit == 0, cfg.api_rate_limit
assert not cfg.api_key

if args.log_mode == "shipped":
    from easyths.utils.logger import setup_logging

    setup_logging()  # the version's own logging setup (console + file, INFO)
else:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    logging.getLogger().setLevel(logging.CRITICAL)

from easyths.core.base_operation import BaseOperation, operation_registry  # noqa: E402
from easyths.core.operation_queue import OperationQueue  # noqa: E402
from easyths.models import operations as M  # noqa: E402

from easyths.api.app import TradingAPIApp  # noqa: E402


class FakeAutomator:
    app_path = "C:/fake/xiadan.exe"

    def is_connected(self):
        return True

    def is_process_alive(self):
        return True

    def reconnect(self):
        return True

    def connect(self):
        return True

    def disconnect(self):
        pass


# ---------------- no-op operation plugin, per version ----------------
if MAJOR >= 2:
    from easyths.operations.results import ResultModel

    class NoopResult(ResultModel):
        pass

    class NoopOperation(BaseOperation[M.EmptyParams]):
        """No-op: measures the engine, not a GUI."""

        operation_name = "noop"
        description = "benchmark no-op"
        Params = M.EmptyParams
        Result = NoopResult

        def pre_execute(self) -> bool:  # skip GUI focus / popup cleanup
            return True

        def execute(self, params):
            return self._ok(data={}, message="noop")

    class Sleep20Operation(NoopOperation):
        """Fixed 20 ms 'work' (time.sleep), no GUI: shows result-wait granularity."""

        operation_name = "sleep20"

        def execute(self, params):
            time.sleep(0.020)
            return self._ok(data={}, message="sleep20")

else:

    class NoopOperation(BaseOperation):
        """No-op: measures the engine, not a GUI."""

        def _get_metadata(self):
            return M.PluginMetadata(
                name="NoopOperation",
                version="1.0.0",
                description="benchmark no-op",
                author="bench",
                operation_name="noop",
                parameters={},
            )

        def validate(self, params):
            return True

        def pre_execute(self, params) -> bool:  # skip GUI focus / popup cleanup
            return True

        def execute(self, params):
            return M.OperationResult(success=True, data={}, message="noop")

    class Sleep20Operation(NoopOperation):
        """Fixed 20 ms 'work' (time.sleep), no GUI: shows result-wait granularity."""

        def _get_metadata(self):
            md = super()._get_metadata()
            md.operation_name = "sleep20"
            md.name = "Sleep20Operation"
            return md

        def execute(self, params):
            time.sleep(0.020)
            return M.OperationResult(success=True, data={}, message="sleep20")


automator = FakeAutomator()
# 2.0.7 builds one POST route per registered op at create_app(), so register first.
# 1.7.1 load_plugins() is a staticmethod re-run in lifespan; it only adds.
operation_registry.load_plugins()
operation_registry.register(NoopOperation)
operation_registry.register(Sleep20Operation)

queue = OperationQueue(automator)
queue.start()
app = TradingAPIApp(queue, automator).create_app()

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]

# Same uvicorn settings as TradingAPIApp.run() in both versions
# (log_level="info", ws="wsproto"; loop/http "auto" -> uvloop/httptools when installed).
config = uvicorn.Config(
    app,
    log_level="info" if args.log_mode == "shipped" else "warning",
    ws="wsproto",
)
server = uvicorn.Server(config)

_orig_startup = server.startup


async def _startup(sockets=None):
    await _orig_startup(sockets=sockets)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(args.port_file + ".tmp", args.port_file)


server.startup = _startup
print(
    f"easyths {EASYTHS_VERSION} log-mode={args.log_mode} on 127.0.0.1:{port} "
    f"python {sys.version.split()[0]} uvicorn {uvicorn.__version__}",
    file=sys.stderr,
    flush=True,
)
try:
    server.run(sockets=[sock])
finally:
    queue.stop()
