"""The commands of ``yibao`` (engine/cli.py), a module per family: each is imported only when one of
its commands runs, so a command pays only for the parts of the engine it uses."""
