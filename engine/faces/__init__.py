"""Helpers shared by the faces (the CLI, the HTTP service, batches): safe output files, signals,
the internal-error log, status rows, and the service's own machinery. Nothing below the faces
imports from here."""
