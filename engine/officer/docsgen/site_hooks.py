"""MkDocs hooks of the documentation site (``hooks:`` in mkdocs.yml).

The rulebook pages are generated (``yibao docs``), one per rulebook, so mkdocs.yml cannot list them by
hand without going stale: this hook turns the navigation entry ``rulebooks/index.md`` into a section
with the overview and every generated ``rulebooks/<id>.md``, titled by the page's own heading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

INDEX = "rulebooks/index.md"


def _title(page: Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem


def rulebook_entries(docs_dir: Path) -> List[Dict[str, str]]:
    """The navigation entries of the generated rulebook pages, overview first."""
    pages = sorted(p for p in (docs_dir / "rulebooks").glob("*.md") if p.name != "index.md")
    return [{"总览 Overview": INDEX}] + [{_title(p): f"rulebooks/{p.name}"} for p in pages]


def on_config(config: Any, **_: Any) -> Any:
    docs_dir = Path(config["docs_dir"])
    for entry in config["nav"] or []:
        if isinstance(entry, dict):
            for key, value in entry.items():
                if value == INDEX:
                    entry[key] = rulebook_entries(docs_dir)
    return config
