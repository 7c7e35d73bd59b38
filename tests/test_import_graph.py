"""Imports run one way (docs/architecture.md, "Imports run one way").

Read from the source with ``ast``: every ``import`` and ``from … import`` of ``fazhi/``
(migrations left out), those inside functions included, between modules of ``fazhi/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The disputes views' loop (cases → fields → grid → pages → cases) is cut by the ledger
# framework's move of the disputes app; nothing else may form one.
ALLOWED_LOOP_PACKAGE = "fazhi.disputes.views."


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in (ROOT / "fazhi").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        found[".".join(parts)] = (path, package)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, package) in modules.items():
        here = name.split(".") if package else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    full = ".".join(base + ([node.module] if node.module else []))
                else:
                    full = node.module or ""
                for alias in node.names:
                    sub = f"{full}.{alias.name}"
                    if sub in modules:
                        targets.add(sub)
                    elif full in modules:
                        targets.add(full)
        targets.discard(name)
        graph[name] = targets
    return graph


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_loops():
    left = [
        c for c in loops(import_graph()) if not all(m.startswith(ALLOWED_LOOP_PACKAGE) for m in c)
    ]
    assert left == []


def test_the_check_finds_a_loop():
    assert loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert loops({"a": {"b"}, "b": set()}) == []


def _app(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_core_imports_no_app_and_the_shell_only_core():
    graph = import_graph()
    upward = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if (_app(source) == "fazhi.core" and _app(target) != "fazhi.core")
        or (_app(source) == "fazhi.web" and _app(target) not in ("fazhi.core", "fazhi.web"))
    )
    assert upward == []
