"""Modules imported when first used, so that a command imports only what it uses.

``jsonschema`` (only needed to locate the error of an invalid document), ``lark`` (only needed to
parse a rulebook's expressions) and ``networkx`` (only needed for an organisation in attribution)
cost tens of milliseconds to import; a cached rulebook evaluating a valid case needs none of them.
:func:`lazy_module` is the recipe of the standard library (importlib.util.LazyLoader, "Implementing
lazy imports" in the importlib documentation): the module's code runs on the first attribute access.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``: the imported one if it is loaded already, else one that loads itself on first use."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import does: the package's attribute names its submodule
        setattr(sys.modules[parent], child, module)
    return module
