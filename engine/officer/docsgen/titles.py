"""Headings of the rulebook sections, in Chinese with the English beside them (pages and diffs)."""

from __future__ import annotations

from engine.base.schemas import load_schema

SECTION_TITLES = {
    "deadlines": "期限 Deadlines",
    "attribution": "责任认定 Attribution",
    "calendar": "工作日 Calendar",
    "appeal": "异议申诉 Appeal",
    "publication": "公开 Publication",
    "records": "登记备案 Records",
}


def section_title(key: str) -> str:
    """A heading for a top-level section: ours, else the schema's bilingual title (``English / 中文``), else the key."""
    if key in SECTION_TITLES:
        return SECTION_TITLES[key]
    title = ((load_schema("rulebook").get("properties") or {}).get(key) or {}).get("title")
    if title and " / " in title:
        english, chinese = title.split(" / ", 1)
        return f"{chinese} {english}"
    return title or key.replace("_", " ").capitalize()
