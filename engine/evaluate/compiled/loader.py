"""Load a generated evaluator module from its source (engine/evaluate/compiled/module.py writes it).

Kept apart from the generator so that a one-shot command running a rulebook's cached source
(engine/rulebook/cache.py) imports neither the generator nor the rulebook model it reads.
"""

from __future__ import annotations

import ast
import linecache
from types import CodeType
from typing import Any, Callable, Dict, Tuple

#: Changes whenever the generator writes different code for the same spec (part of the cache key).
GENERATOR = "1"

#: A reading set's two functions: without and with trace.
Functions = Tuple[Callable[[Any], Any], Callable[[Any], Any]]

_RUNTIME = "engine.evaluate.compiled.runtime"
_FUNCTIONS = frozenset({"evaluate", "evaluate_trace"})
#: What the constants of a generated module are made of (engine/evaluate/compiled/source.py ``literal``).
_CONSTANT_NODES = (ast.Constant, ast.Tuple, ast.List, ast.Dict, ast.Set, ast.Name, ast.Load, ast.Call, ast.Subscript,
                   ast.Attribute, ast.UnaryOp, ast.USub)
_CONSTRUCTORS = frozenset({"DATE", "InclusiveRange", "frozenset"})


def _shape_problem(tree: ast.Module) -> str:
    """Why ``tree`` is not a module this generator writes ('' when it is one): a docstring, the runtime
    import, constants built from literals, and the two functions — nothing at the top runs other code."""
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == _RUNTIME:
            continue
        if isinstance(node, ast.FunctionDef) and node.name in _FUNCTIONS and not node.decorator_list:
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            for part in ast.walk(node.value):
                if not isinstance(part, _CONSTANT_NODES) or (
                        isinstance(part, ast.Call) and not (isinstance(part.func, ast.Name) and part.func.id in _CONSTRUCTORS)) \
                        or (isinstance(part, ast.Attribute) and part.attr != "impl"):
                    return f"line {node.lineno}: not a constant"
            continue
        return f"line {node.lineno}: {type(node).__name__} is not written by the generator"
    return ""


def compile_source(source: str, name: str = "rulebook") -> CodeType:
    """The code of a generated module's source. A source that is not shaped as the generator writes
    it (e.g. a damaged cache entry) raises ValueError: nothing in it ever runs."""
    tree = ast.parse(source, _filename(name))
    problem = _shape_problem(tree)
    if problem:
        raise ValueError(f"not a generated evaluator: {problem}")
    return compile(tree, _filename(name), "exec")


def run(code: CodeType, source: str, name: str = "rulebook") -> Dict[str, Any]:
    """Run a generated module's code; its namespace (``evaluate``, ``evaluate_trace``, ``PARAMETERS``,
    ``READINGS``, ``RULEBOOK``)."""
    # Tracebacks through generated code show its lines.
    linecache.cache[_filename(name)] = (len(source), None, source.splitlines(True), _filename(name))
    namespace: Dict[str, Any] = {"__name__": f"yibao_compiled_{name}"}
    exec(code, namespace)  # noqa: S102 - code compiled from source generated from the validated spec
    return namespace


def load(source: str, name: str = "rulebook") -> Dict[str, Any]:
    """Compile and run a generated module's source (see :func:`compile_source`, :func:`run`)."""
    return run(compile_source(source, name), source, name)


def _filename(name: str) -> str:
    return f"<yibao compiled {name}>"
