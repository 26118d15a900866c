"""List the import circles among a package's modules; exit 1 if there is one.

Only imports run when a module loads count (module level, outside `if TYPE_CHECKING:`);
an import inside a function is a deliberate late binding and is left out.

    python scripts/import_cycles.py membership_forms
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_names(root: Path) -> dict[str, tuple[Path, bool]]:
    names = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(root.parent).with_suffix("")
        is_package = relative.name == "__init__"
        parts = relative.parts[:-1] if is_package else relative.parts
        names[".".join(parts)] = (path, is_package)
    return names


def load_time_imports(name: str, path: Path, is_package: bool, known: set[str]) -> set[str]:
    base = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = base
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            if node.level:
                module = f"{package}.{node.module}" if node.module else package
            else:
                module = node.module or ""
            # `from . import x` needs the submodule x; `from .m import x` needs m (or m.x).
            targets = [module] if node.module else []
            targets += [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known and target != name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
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


def main(package: str) -> int:
    names = module_names(Path(package).resolve())
    graph = {
        name: load_time_imports(name, path, is_package, set(names))
        for name, (path, is_package) in names.items()
    }
    found = cycles(graph)
    for component in found:
        print("import circle:", " -> ".join(component))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "membership_forms"))
