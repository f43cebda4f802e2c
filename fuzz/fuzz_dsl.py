"""Coverage-guided fuzzing of the DSL parser, type checker and compiler (atheris): ``make fuzz``.

Any expression may raise a ``DslError``; anything else is a finding (keep it as a test in
tests/test_dsl.py).
"""

import sys

import atheris

with atheris.instrument_imports():
    from engine.dsl.compiler import compile_expression
    from engine.errors import YibaoError
    from engine.spec.names import CONSEQUENCE

SCOPE = CONSEQUENCE.scope({"param.warning_trigger": "string"})


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        compiled = compile_expression(text, SCOPE)
        compiled({name: 0 for name in SCOPE})
    except YibaoError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
