"""Documentation generated from the rulebooks (``yibao docs``, ``make docs``).

:func:`generate` writes Markdown pages (and SVG charts) into a docs folder for MkDocs:

* ``rulebooks/index.md`` and ``rulebooks/<id>.md`` — one page per rulebook, every rule beside the
  sentence of law it encodes (:mod:`.pages`);
* ``compare/index.md`` — one table per topic, one column per jurisdiction, outcomes computed by the
  engine on generated ledgers (:mod:`.compare`, :mod:`.ledgers`), and the suspension charts
  ``compare/suspension-*.svg`` (:mod:`.chart`);
* ``compare/one-case.md`` — example ledgers (``docs/examples/``) evaluated under every rulebook;
* ``reference/index.md`` — every rulebook field and every name a condition may read (:mod:`.reference`);
* the table of every deadline in the hand-written ``deadlines.md`` (:mod:`.deadlines`).

The generated folders are build output (git-ignored); the hand-written pages next to them are not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional, Sequence

from engine import api
from engine.officer.docsgen import compare, deadlines, pages, reference
from engine.rulebook.rulebook import Rulebook

ROOT = Path(__file__).resolve().parents[3]
#: Folders searched for "one case, every province" example ledgers.
EXAMPLE_DIRS = (ROOT / "docs" / "examples", ROOT / "tests" / "golden" / "compare")
#: Sub-folders of the docs folder that :func:`generate` owns and rewrites.
GENERATED = ("rulebooks", "compare", "reference")


#: Writes one page: ``save(path, text)``.
Save = Callable[[Path, str], None]


def _write(path: Path, text: str, written: List[Path], save: Optional[Save] = None) -> None:
    if save is not None:
        save(path, text)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    written.append(path)


def generate(out: Path, rulebook_ids: Optional[Sequence[str]] = None,
             example_dirs: Sequence[Path] = EXAMPLE_DIRS, save: Optional[Save] = None) -> List[Path]:
    """Write the generated pages for ``rulebook_ids`` (default: every rulebook) under ``out``.

    ``save`` writes each page (the CLI passes its safe writer); by default, a plain write.
    Returns the files written. Old generated pages under ``out/rulebooks`` and ``out/compare`` are
    removed first, so a rulebook that is gone leaves no stale page.
    """
    out = Path(out)
    ids = list(rulebook_ids) if rulebook_ids is not None else api.list_rulebooks()
    rulebooks: List[Rulebook] = [api.load_rulebook(rid) for rid in ids]
    for folder in GENERATED:
        target = out / folder
        if target.is_dir():
            for old in target.iterdir():
                if old.is_file() and old.suffix in (".md", ".svg"):
                    old.unlink()
    written: List[Path] = []
    _write(out / "rulebooks" / "index.md", pages.index_page(rulebooks), written, save)
    for rb in rulebooks:
        _write(out / "rulebooks" / f"{rb.id}.md", pages.rulebook_page(rb), written, save)
    comparison = compare.Comparison.of(rulebooks)
    _write(out / "compare" / "index.md", comparison.page(), written, save)
    _write(out / "compare" / "suspension-cumulative.svg", comparison.chart("cumulative"), written, save)
    _write(out / "compare" / "suspension-single.svg", comparison.chart("single"), written, save)
    _write(out / "reference" / "index.md", reference.page(), written, save)
    examples = compare.load_examples([Path(d) for d in example_dirs])
    _write(out / "compare" / "one-case.md", compare.examples_page(examples, rulebooks, ROOT), written, save)
    page = out / "deadlines.md"
    if rulebook_ids is None and page.is_file() and deadlines.refresh(page, rulebooks):
        written.append(page)  # the hand-written page's table of every deadline (all rulebooks only)
    return written


__all__ = ["generate", "GENERATED", "EXAMPLE_DIRS"]
