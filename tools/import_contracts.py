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
from typing import List, Tuple

from importlinter import Contract, ContractCheck, fields, output


class PrivateNamesContract(Contract):
    """Every ``from X import _name`` (and ``X._name`` attribute use after ``import X``) inside
    ``root`` that reaches into another module is a violation."""

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
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    for alias in node.names:
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            violations.append((module, node.lineno, f"imports {alias.name} from {node.module}"))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line, what in check.metadata["violations"]:
            output.print_error(f"{module}:{line} {what}")
