"""The installed package, as an embedding team gets it: a wheel built from this checkout, installed
into a fresh virtual environment outside the checkout, run from another folder.

An editable install (``make test``'s own) reads rulebooks and schemas from the checkout and hides a
wheel that forgot them; this test is the one that sees the wheel. The wheel is built once per test
session and pip's cache makes the install quick.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Left out of the copy that is built: at the top only (engine/spec/build/ is a package), and caches anywhere.
TOP_IGNORED = {".venv", ".git", "build", "dist", "site", "bench", "docs", "tests", "fuzz", ".pytest_cache",
               ".hypothesis"}


def IGNORED(folder: str, names):
    top = Path(folder) == ROOT
    return {n for n in names if (top and n in TOP_IGNORED) or n == "__pycache__" or n.endswith(".egg-info")}


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """``(bin folder, working folder)``: a fresh venv with the built wheel and its serve extra."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"   # a copy: a build never leaves build/ behind in the checkout, nor reads it
    shutil.copytree(ROOT, source, ignore=IGNORED)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(base / "dist"), str(source)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    assert "deprecat" not in (build.stdout + build.stderr).lower(), "the build warns about deprecated settings"
    wheel = next((base / "dist").glob("yibao_rules-*.whl"))
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    install = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[serve]"],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    work = base / "elsewhere"
    work.mkdir()
    shutil.copytree(ROOT / "examples", work / "examples")  # what a user downloads beside the package
    return bin_dir, work, wheel


def _run(installed, *args, check=True):
    bin_dir, work, _ = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "YIBAO_RULEBOOKS", "VIRTUAL_ENV")}
    result = subprocess.run([str(bin_dir / "yibao"), *args], capture_output=True, text=True, cwd=work, env=env,
                            timeout=120)
    if check:
        assert result.returncode == 0, f"yibao {' '.join(args)}: {result.stderr}"
    return result


def _readme_commands():
    """The ``yibao …`` lines of the README's "Use" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    use = text.split("## Use", 1)[1].split("\n## ", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in use.splitlines() if line.startswith("yibao ")]


def test_the_wheel_carries_the_rulebooks_and_schemas(installed):
    import zipfile

    names = zipfile.ZipFile(installed[2]).namelist()
    for folder, pattern in (("rulebooks", "*.yaml"), ("schemas", "*.json")):
        shipped = {Path(n).name for n in names if n.startswith(f"engine/bundled/{folder}/")}
        assert shipped == {p.name for p in (ROOT / folder).glob(pattern)}


def test_every_readme_command_works_from_the_wheel_in_another_folder(installed):
    commands = _readme_commands()
    assert len(commands) >= 8 and any(c.startswith("yibao evaluate") for c in commands)
    for command in commands:
        result = _run(installed, *command.split()[1:])
        assert result.stdout.strip(), command
    listed = _run(installed, "list").stdout
    assert all(rid in listed for rid in ("inner-mongolia", "liaoning", "hainan", "jining"))
    checked = _run(installed, "check", "inner-mongolia").stdout
    assert "ok" in checked and re.search(r"sha256 [0-9a-f]{64}", checked)
    evaluated = json.loads(_run(installed, "evaluate", "examples/inner-mongolia-case.yaml", "--json").stdout)
    here = json.loads(subprocess.run([sys.executable, "-m", "engine", "evaluate", "examples/inner-mongolia-case.yaml",
                                      "--json"], capture_output=True, text=True, cwd=ROOT, check=True).stdout)
    assert evaluated == here  # the same rules, the same result: provenance (hash) included


def test_golden_cases_run_from_the_wheel_when_given_as_files(installed):
    """Golden cases are not in the wheel (they belong to a checkout); a file or folder of them runs."""
    _, work, _ = installed
    golden = work / "golden"
    shutil.copytree(ROOT / "tests" / "golden" / "inner-mongolia", golden)
    outcome = _run(installed, "test", str(golden), "-q")
    assert re.search(r"\d+ passed, 0 failed", outcome.stdout)


def test_operator_rulebook_folders_and_a_broken_one(installed, tmp_path):
    folder = tmp_path / "operator"
    folder.mkdir()
    text = (ROOT / "rulebooks" / "national.yaml").read_text(encoding="utf-8")
    (folder / "county.yaml").write_text(re.sub(r"(?m)^id: national$", "id: county", text), encoding="utf-8")
    (folder / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    listed = _run(installed, "--rulebooks", str(folder), "list")
    assert "county" in listed.stdout and "inner-mongolia" in listed.stdout
    assert "skipped rulebook 'broken'" in listed.stderr and "broken.yaml:3" in listed.stderr


def test_serve_from_the_wheel_answers_readyz_and_metrics(installed):
    httpx = pytest.importorskip("httpx")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bin_dir, work, _ = installed
    log = work / "serve.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([str(bin_dir / "yibao"), "serve", "--port", str(port), "--workers", "1"],
                                   cwd=work, stdout=subprocess.DEVNULL, stderr=sink)
    try:
        deadline = time.time() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.time() < deadline, log.read_text()
                time.sleep(0.2)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert "yibao_http_requests_total" in metrics.text
    finally:
        process.terminate()
        assert process.wait(30) == 0


def test_the_all_extra_exists(installed):
    """``pip install 'yibao-rules[all]'`` resolves from the wheel (every extra at once)."""
    bin_dir, _, wheel = installed
    dry = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-",
                          f"{wheel}[all]"], capture_output=True, text=True, timeout=300)
    assert dry.returncode == 0, dry.stderr[-2000:]
    names = {item["metadata"]["name"].lower() for item in json.loads(dry.stdout)["install"]}
    assert {"dask", "distributed", "pyarrow", "tqdm"} <= names  # beyond the serve extra already installed
