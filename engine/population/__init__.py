"""The population path: a whole population's ledger evaluated column-wise, by a kernel in machine code.

Beside the scalar engine (engine/evaluate, the reference), for ledgers of millions of person-years:

- :mod:`~engine.population.ledger` reads a Parquet or CSV ledger (one row per event, grouped by person)
  in chunks of whole persons; :mod:`~engine.population.encode` turns a chunk into the kernel's arrays
  and decides, person by person, whether the kernel may evaluate them;
- :mod:`~engine.population.generate` writes each rulebook's tables and condition functions from its
  validated spec (:mod:`~engine.population.translate`: the checked DSL ASTs as numba code), compiled
  and cached by :mod:`~engine.population.kernels`; :mod:`~engine.population.kernel` is the state
  machine, compiled once;
- :mod:`~engine.population.run` evaluates a chunk — the kernel where it covers a person, the scalar
  engine (``Rulebook.evaluate``) for the rest — into three Arrow tables (:mod:`~engine.population.tables`).

It needs the ``population`` extra (numba, pyarrow, numpy); importing this package alone imports none
of them. docs/population.md
"""
