"""Rulebooks compiled to Python: one generated function per rulebook and reading set.

``build.compile_spec`` writes a rulebook's evaluator from its validated spec; ``coverage`` declares
what generated code covers; ``evaluator`` dispatches a case to the module of its reading set;
``runtime`` is what generated code imports. The interpreter (engine/evaluate/*) stays the
reference: generated code answers only what it covers, and falls back to it for everything else.
"""
