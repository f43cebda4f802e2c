"""yibao-rules: 医保支付资格管理 rules as data.

The public API is in :mod:`engine.api` and re-exported here::

    import engine
    rulebook = engine.load_rulebook("inner-mongolia")
    result = rulebook.evaluate(case_dict)
"""

from engine.api import load_rulebook, evaluate_file, list_rulebooks, deadline  # noqa: F401
from engine.api import attribute_file  # noqa: F401
from engine.api import attribute, can_settle, evaluate_case, rulebook_summary  # noqa: F401
from engine.errors import NotSupported, YibaoError  # noqa: F401
from engine.rulebook.rulebook import Rulebook  # noqa: F401

from engine.base.version import __version__  # noqa: E402,F401
