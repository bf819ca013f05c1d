"""import-linter contract types of our own (see ``[tool.importlinter]`` in pyproject.toml).

``acyclic_modules``: no import cycle between the modules of a package, at module level.
import-linter's own ``acyclic_siblings`` compares packages as wholes, where two domains may
fairly use parts of each other (a domain's GraphQL types import the context, which imports
that domain's read service); what must never happen is a module that, through others,
imports itself.
"""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class AcyclicModulesContract(Contract):
    """No module of ``package`` imports itself through other modules. Imports made inside
    functions count (grimp reads every import statement), as they do for the reader."""

    type_name = "acyclic_modules"
    package = fields.StringField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        modules = sorted(m for m in graph.modules if m.split(".")[0] == self.package)
        cycles = strongly_connected(graph, modules)
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"{len(cycle)} modules import each other:")
            for module in cycle:
                output.print(f"    {module}")
            output.new_line()


def strongly_connected(graph: ImportGraph, modules: list[str]) -> list[list[str]]:
    """The groups of two or more modules that import each other (Tarjan's algorithm)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(modules) + 100))
    inside = set(modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module) & inside):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return sorted(groups)
