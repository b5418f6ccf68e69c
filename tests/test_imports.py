"""The import contract: layers depend one way, downwards, and no module circle exists.

Why a test that walks the source (not import-linter): it needs no dependency, runs in a second,
and reads every import statement, the ones inside functions (lazy) included; only imports under
`if TYPE_CHECKING:` are left out, since they never run. A new upward arrow fails here, naming the
module, the line and the two layers.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Top to bottom: a package may import its own layer's packages and any layer below, never above.
LAYERS: list[tuple[str, ...]] = [
    ("easyths.cli", "easyths.docgen", "easyths.__main__"),  # entry points and build-time docs
    ("easyths.api", "easyths.web"),  # HTTP: routes, auth, the /mcp mount; the dashboard's files
    ("easyths.mcptools",),  # the MCP tools (they call the API over an in-process transport)
    ("easyths.risk",),  # admission: risk rules and the kill switch
    ("easyths.engine",),  # journal, queue, worker, reconciliation
    ("easyths.operations",),  # one plugin per operation
    ("easyths.testing",),  # test doubles shipped with the package
    ("easyths.brokers",),  # the Broker port and its backends
    ("easyths.logs",),
    ("easyths.settings",),
    ("easyths.client",),  # the SDK: speaks HTTP only
    ("easyths.params",),  # the operations' params models, shared by the routes, the SDK and MCP
    (
        "easyths.domain",
        "easyths.hosts",
        "easyths.paths",
        "easyths.textfiles",
        "easyths.validation_text",
        "easyths.winenv",
    ),
    ("easyths.errors",),
]

# Arrows that still run upwards, each with why; remove an entry when its arrow is gone, and the
# test keeps it from coming back. (Issue 20 moved the emulator out of `testing/`: the arrows
# brokers → testing and settings → testing and the emulator's page/panel circle are gone; issue 25
# moved the fault names into the settings: settings → brokers.ths.emulator.faults is gone.)
PENDING: dict[tuple[str, str], str] = {}


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports() -> Iterator[tuple[str, str, int]]:
    """(importing module, imported module, line) for every easyths import in the package."""
    for path in sorted((SRC / "easyths").rglob("*.py")):
        module = _module(path)
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("easyths"):
                assert node.module is not None
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                yield from ((module, t, node.lineno) for t in _existing(targets))
            elif isinstance(node, ast.Import):
                yield from ((module, a.name, node.lineno) for a in node.names if a.name.startswith("easyths"))


def _existing(names: list[str]) -> list[str]:
    """`from easyths.x import y` names module `easyths.x.y` when that is a module, else `easyths.x`."""
    found = [n for n in names[1:] if (SRC / Path(*n.split("."))).with_suffix(".py").exists()]
    found += [n for n in names[1:] if (SRC / Path(*n.split(".")) / "__init__.py").exists()]
    return found or names[:1]


def layer_of(module: str) -> int | None:
    for index, packages in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in packages):
            return index
    return None


def test_every_package_is_placed_in_a_layer() -> None:
    modules = {_module(p) for p in (SRC / "easyths").rglob("*.py")} - {"easyths"}
    assert sorted(m for m in modules if layer_of(m) is None) == []


def test_no_import_runs_up_the_layers() -> None:
    upward = []
    for module, target, line in imports():
        if target == "easyths" or module == "easyths":  # the root: version and public re-exports
            continue
        mine, theirs = layer_of(module), layer_of(target)
        assert mine is not None and theirs is not None
        if theirs < mine and (module, target) not in PENDING:
            upward.append(f"{module}:{line} imports {target} ({LAYERS[mine][0]} → {LAYERS[theirs][0]})")
    assert upward == []


def test_no_module_imports_itself_in_a_circle() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, target, _ in imports():
        if module != target and target != "easyths":
            graph[module].add(target)
    assert _cycles(graph) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_the_contract_sees_an_upward_import() -> None:
    """The walker itself: a line in `settings` importing `api` would be reported."""
    tree = ast.parse("from easyths.api.app import create_app\n")
    [node] = [n for n in _runtime_nodes(tree) if isinstance(n, ast.ImportFrom)]
    assert node.module is not None
    target = _existing([node.module, *(f"{node.module}.{a.name}" for a in node.names)])[0]
    mine, theirs = layer_of("easyths.settings"), layer_of(target)
    assert mine is not None and theirs is not None and theirs < mine


# What the SDK and MCP would drag in if the params models reached into the service.
SERVER_MODULES = ("fastapi", "starlette", "uvicorn", "easyths.api", "easyths.engine", "easyths.brokers")


def test_the_params_models_load_without_any_server_code() -> None:
    """A fresh interpreter importing `easyths.params` loads no web framework, engine or broker:
    the SDK shares the models, not the server (the layer test sees only our own imports)."""
    probe = (
        "import sys, easyths.params\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {SERVER_MODULES!r} or m.startswith({SERVER_MODULES!r})])"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
