"""``yibao serve``: the HTTP service on every core, with its logs, metrics and rulebook reloads.

* ``--workers N`` (default: the number of cores) processes share one listening socket; each
  compiles the rulebooks once (``engine.service:create_app``) and freezes the registry, exactly as
  ``uvicorn engine.service:create_app --factory --workers N`` does.
* Metrics of all workers are shared through ``PROMETHEUS_MULTIPROC_DIR``: the operator's folder
  (emptied at start) or a temporary one of this run (removed at the end).
* ``SIGHUP`` reloads the rulebooks without downtime: with one worker, in this process; with several,
  this process forwards it to every worker, and each compiles the new set beside the old and swaps
  (:mod:`engine.faces.served`). ``POST /admin/reload`` does the same through HTTP.
* ``SIGTERM``/``SIGINT`` stop accepting, finish the requests in flight, and exit 0.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Optional

from engine.errors import YibaoError

APP = "engine.service:create_app"
LOG = logging.getLogger("yibao.service")


def _metrics_dir(workers: int) -> Optional[Path]:
    """Set up ``PROMETHEUS_MULTIPROC_DIR`` before anything imports prometheus-client; the folder to
    remove at the end (None when it is the operator's, or when none is needed)."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not given and workers == 1 and "prometheus_client" in sys.modules:
        return None  # already imported here (one process: its own memory holds every value)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # values of an earlier run would add up with ours
            stale.unlink()
        return None
    folder = Path(tempfile.mkdtemp(prefix="yibao-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def serve(host: str = "127.0.0.1", port: int = 8000, *, workers: Optional[int] = None,
          max_body: Optional[int] = None, log_level: str = "warning", access_log: bool = True) -> None:
    """Run the service until SIGTERM or Ctrl-C (see the module docstring)."""
    workers = workers or os.cpu_count() or 1
    own_metrics = _metrics_dir(workers)
    import uvicorn

    from engine.faces.observe import log_config  # imports prometheus-client: after _metrics_dir

    if max_body is not None:
        os.environ["YIBAO_MAX_BODY"] = str(max_body)  # read by create_app in every worker
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, access_log=False,
                            log_config=log_config(log_level, access_log), log_level=log_level)
    sock = _listen(host, port)
    LOG.warning("listening", extra={"url": f"http://{host}:{sock.getsockname()[1]}", "workers": workers,
                                    "http": http_stack()})
    try:
        if workers == 1:
            _run_here(uvicorn.Server(config), sock)
        else:
            os.environ["YIBAO_SUPERVISOR_PID"] = str(os.getpid())
            _supervisor(config, sock).run()
    finally:
        sock.close()
        if own_metrics is not None:
            shutil.rmtree(own_metrics, ignore_errors=True)
    LOG.warning("stopped", extra={"workers": workers})


def http_stack() -> str:
    """What uvicorn picks here ("auto"): uvloop and httptools when installed (the serve extra
    installs both), else asyncio and h11 — several times slower a request; the start line says which."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{loop}+{parser}"


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, shared by every worker.

    Made with ``IPPROTO_TCP`` on purpose: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    connections of a socket that says it is TCP, and uvicorn's own ``bind_socket`` does not — each
    keep-alive response then waited ~40 ms for the client's delayed acknowledgement.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise YibaoError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.set_inheritable(True)
    return sock


def _run_here(server, sock) -> None:
    """One worker: this process serves. A stop signal ends the run normally (exit 0), after uvicorn's
    graceful shutdown; SIGHUP is the application's (it reloads the rulebooks)."""
    stopped = []
    previous = {sig: signal.signal(sig, lambda signum, frame: stopped.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _supervisor(config, sock):
    """uvicorn's process supervisor, with SIGHUP forwarded to the workers (each reloads its
    rulebooks in place) instead of uvicorn's restart of every process, which would start workers
    that skip a broken rulebook instead of refusing the new set."""
    from uvicorn.supervisors.multiprocess import Multiprocess

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:
            LOG.warning("SIGHUP: reloading the rulebooks in every worker",
                        extra={"workers": [p.pid for p in self.processes]})
            for process in self.processes:
                if process.pid is not None:
                    try:
                        os.kill(process.pid, signal.SIGHUP)
                    except ProcessLookupError:
                        continue

    if "target" in inspect.signature(Multiprocess.__init__).parameters:  # uvicorn before 0.36
        import uvicorn

        return Supervisor(config, target=uvicorn.Server(config).run, sockets=[sock])
    return Supervisor(config, sockets=[sock])


def signal_workers() -> int:
    """Ask the supervisor (when there is one) to reload every worker; how many were asked (0: none)."""
    supervisor = os.environ.get("YIBAO_SUPERVISOR_PID")
    if not supervisor or int(supervisor) == os.getpid():
        return 0
    try:
        os.kill(int(supervisor), signal.SIGHUP)
    except (ProcessLookupError, PermissionError, ValueError):
        return 0
    return 1


__all__ = ["serve", "signal_workers", "http_stack", "APP"]
