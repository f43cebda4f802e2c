"""The rulebook as passive, immutable data: rule objects with their legal text, and the builder.

:func:`engine.spec.build.build_spec` turns a schema-valid, inheritance-resolved rulebook document
into a :class:`engine.spec.rulebook.RulebookSpec`. Nothing in this package evaluates a case; the
evaluation layer reads these objects.
"""
