"""The shape of the code, read from its source with ast (nothing is imported): which
podpub module imports which, where third-party libraries come in, and that imports stay at
the top of modules. Each test states today's truth and fails on anything new."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "podpub"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES: dict[str, ast.Module] = {
    name: ast.parse(p.read_text("utf-8")) for name, p in MODULES.items()
}


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The absolute names an import statement of ``module`` brings in: for ``from X
    import Y`` that is X.Y when Y is a podpub module, else X."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: from . import x, from .y import z
        anchor = module.split(".")
        anchor = anchor if _is_package(module) else anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    for alias in node.names:
        full = f"{base}.{alias.name}"
        yield full if full in MODULES else base


def _imports(module: str) -> Iterator[tuple[str, bool]]:
    """(imported name, inside a function?) for every import statement of ``module``."""
    functions = [
        n
        for n in ast.walk(TREES[module])
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    ]
    inner = {id(n) for f in functions for n in ast.walk(f) if n is not f}
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name in _imported(module, node):
                yield name, id(node) in inner


def _podpub_edges(module: str) -> set[str]:
    """The podpub modules importing ``module`` runs: each one named, and the packages
    above it that ``module`` is not itself inside (their __init__ runs first)."""
    out: set[str] = set()
    for name, _ in _imports(module):
        if not name.startswith("podpub"):
            continue
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            target = ".".join(parts[:end])
            inside = module == target or module.startswith(target + ".")
            if target in MODULES and not inside:
                out.add(target)
    out.discard(module)
    return out


def _cycles() -> list[set[str]]:
    """Strongly connected groups of podpub modules (Tarjan), of more than one module."""
    graph = {m: _podpub_edges(m) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.add(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def test_the_module_list_is_read() -> None:
    assert {"podpub.build", "podpub.check", "podpub.check.gate", "podpub.episode"} <= set(MODULES)


# Import cycles (imports inside functions count: they run too): none.
KNOWN_CYCLES: list[set[str]] = []


def test_no_new_import_cycles() -> None:
    cycles = sorted(_cycles(), key=sorted)
    assert cycles == sorted(KNOWN_CYCLES, key=sorted)


def test_the_pipeline_imports_one_way() -> None:
    assert {"podpub.check", "podpub.episode"} <= _podpub_edges("podpub.build")
    assert "podpub.episode" in _podpub_edges("podpub.check.show")
    check = {m for m in MODULES if m == "podpub.check" or m.startswith("podpub.check.")}
    for module in check:
        assert "podpub.build" not in _podpub_edges(module), module
    assert not {"podpub.build", "podpub.check"} & _podpub_edges("podpub.episode")
    assert not any(m.startswith("podpub.check.") for m in _podpub_edges("podpub.episode"))


def test_the_model_imports_nothing_from_podpub() -> None:
    assert not [name for name, _ in _imports("podpub.model") if name.startswith("podpub")]


PACKAGES_AS_ONE = ("podpub.align",)  # a library may come in anywhere inside these


def _home(module: str) -> str:
    for package in PACKAGES_AS_ONE:
        if module == package or module.startswith(package + "."):
            return package
    return module


def _third_party() -> dict[str, set[str]]:
    """Each third-party library and the podpub modules (or packages) that import it."""
    out: dict[str, set[str]] = {}
    for module in MODULES:
        for name, _ in _imports(module):
            top = name.split(".")[0]
            if top in ("podpub", "__future__") or top in sys.stdlib_module_names:
                continue
            out.setdefault(top, set()).add(_home(module))
    return out


# Each library comes in through one module: feedgen in feed.py, lxml in check/gate.py,
# mutagen in audio.py, pydub in sound.py, yaml in yaml_io.py, jinja2 in site/pages.py;
# the aligner's libraries inside podpub.align; boto3 (and its botocore) in deploy/s3.py,
# dask.distributed in cluster.py.
ONE_IMPORTER = {
    "feedgen": "podpub.feed",
    "lxml": "podpub.check.gate",
    "mutagen": "podpub.audio",
    "pydub": "podpub.sound",
    "yaml": "podpub.yaml_io",
    "jinja2": "podpub.site.pages",
    "pocketsphinx": "podpub.align",
    "threadpoolctl": "podpub.align",
    "numpy": "podpub.align",
    "boto3": "podpub.deploy.s3",
    "botocore": "podpub.deploy.s3",
    "distributed": "podpub.cluster",
}
# numpy: the aligner's, and the speech region for estimated times (align/region.py)
KNOWN_SPREAD: dict[str, set[str]] = {}


def test_each_library_is_imported_in_one_place() -> None:
    found = _third_party()
    expected = {lib: {module} for lib, module in ONE_IMPORTER.items()} | KNOWN_SPREAD
    assert found == expected


# Imports inside a function, each with its reason; to be narrowed.
KNOWN_FUNCTION_IMPORTS = {
    # the speech recogniser is loaded only when repair runs (and may be missing)
    ("podpub.align.repair", "pocketsphinx"),
    ("podpub.align.words", "pocketsphinx"),  # its pronunciation dictionary, the same way
    # dask is an optional extra, slow to import: loaded only for build --scheduler
    ("podpub.cluster", "distributed"),
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_are_at_the_top_of_modules(module: str) -> None:
    inside = {(module, name) for name, in_function in _imports(module) if in_function}
    assert inside <= KNOWN_FUNCTION_IMPORTS
