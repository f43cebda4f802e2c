"""yibao-rules: 医保支付资格管理 rules as data.

The public API is in :mod:`engine.api` and re-exported here::

    import engine
    rulebook = engine.load_rulebook("inner-mongolia")
    result = rulebook.evaluate(case_dict)
"""

from __future__ import annotations

import importlib
from typing import Any

from engine.base.version import __version__  # noqa: F401

#: The names re-exported here, and the module each comes from. They are imported when first used
#: (PEP 562 module ``__getattr__``): every ``import engine.<module>`` runs this file first, and a
#: command that needs one module of the engine should not pay for importing all of them.
_EXPORTS = {
    "load_rulebook": "engine.api", "evaluate_file": "engine.api", "list_rulebooks": "engine.api",
    "deadline": "engine.api", "attribute_file": "engine.api", "attribute": "engine.api", "can_settle": "engine.api",
    "evaluate_case": "engine.api", "rulebook_summary": "engine.api",
    "NotSupported": "engine.errors", "YibaoError": "engine.errors",
    "Rulebook": "engine.rulebook.rulebook",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:  # a subpackage or module (``engine.api`` after ``import engine``), imported now
        try:
            value = importlib.import_module(f"engine.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"engine.{name}":
                raise
            raise AttributeError(f"module 'engine' has no attribute {name!r}") from None
        globals()[name] = value
        return value
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_EXPORTS))
