"""Responsibility attribution: who bears 一般 / 重要 / 主要 responsibility for a finding.

``org.py`` holds the organisation graph, ``functions.py`` the DSL functions over it, ``annex.py``
a rulebook's attribution table (compiled from its ``attribution:`` section) and its evaluation,
``feed.py`` the bridge into ``evaluate`` (score events with ``attribution:``).
"""
