"""Coverage-guided fuzzing of the case reader and evaluation (atheris): ``make fuzz``.

Any input may raise a ``YibaoError``; anything else (another exception, a hang, a crash) is a
finding. Save each finding under tests/data/hostile/ with its ``# expect:`` line, so that it stays
a regression test (tests/test_hostile.py).
"""

import sys

import atheris

with atheris.instrument_imports():
    import engine
    from engine.base.documents import load_yaml
    from engine.errors import YibaoError

RULEBOOK = engine.load_rulebook("inner-mongolia")


def one_input(data: bytes) -> None:
    try:
        text = data.decode("utf-8")  # files that are not UTF-8 are refused by the file reader
    except UnicodeDecodeError:
        return
    try:
        document = load_yaml(text, "fuzz.yaml")
        RULEBOOK.evaluate(document.data, source="fuzz.yaml", positions=document.positions)
    except YibaoError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
