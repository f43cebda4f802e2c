"""A custom import-linter contract: no module imports a private name (``_x``) of another module.

``lint-imports`` finds it through ``[tool.importlinter] contract_types`` in pyproject.toml; the test
suite runs ``lint-imports`` with this folder on ``PYTHONPATH`` (tests/test_architecture.py).
A name starting with one underscore is private to the module that defines it; dunder names and
``from __future__`` are not names of the project.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Dict, List, Tuple

from importlinter import Contract, ContractCheck, fields, output


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _imported_modules(tree: ast.AST, root: str) -> Dict[str, str]:
    """Local names bound to modules of ``root`` by this module's imports (``from engine.x import y``
    where ``y`` is a module, ``import engine.x as y``)."""
    bound: Dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root:
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == root:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if importlib.util.find_spec(full) is not None if _is_package(node.module) else False:
                    bound[alias.asname or alias.name] = full
    return bound


def _is_package(module: str) -> bool:
    spec = importlib.util.find_spec(module)
    return spec is not None and spec.submodule_search_locations is not None


class PrivateNamesContract(Contract):
    """Every ``from X import _name``, and every ``X._name`` where ``X`` is a module of ``root`` this
    module imported, is a violation."""

    type_name = "private_names"
    root = fields.StringField()

    def check(self, graph, verbose: bool) -> ContractCheck:  # noqa: D401 - import-linter's API
        violations: List[Tuple[str, int, str]] = []
        root = str(self.root)
        for module in sorted(graph.modules):
            if module != root and not module.startswith(root + "."):
                continue
            spec = importlib.util.find_spec(module)
            if spec is None or not spec.origin or not spec.origin.endswith(".py"):
                continue
            tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
            modules = _imported_modules(tree, root)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    for alias in node.names:
                        if _private(alias.name):
                            violations.append((module, node.lineno, f"imports {alias.name} from {node.module}"))
                elif (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                      and node.value.id in modules):
                    violations.append((module, node.lineno, f"uses {modules[node.value.id]}.{node.attr}"))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line, what in check.metadata["violations"]:
            output.print_error(f"{module}:{line} {what}")
