"""Shared fixtures: the seed article, a CLI runner, corpus paths."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
# The user's example article: from ../shared/ beside the checkout, else the copy kept for CI.
SEED_NAME = "000_cd7ac7b8430c8331.txt"
SEED = next(
    (
        p
        for p in (ROOT.parent / "shared" / "seeds" / SEED_NAME, ROOT / "tests" / "data" / f"seed-{SEED_NAME}")
        if p.exists()
    ),
    ROOT / "tests" / "data" / f"seed-{SEED_NAME}",
)


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("the shared seed article is not present")
    return SEED


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `tqcheck` as a user would: in this process (the same entry point, streams, working
    folder and environment as `python -m tqcheck`), or in a subprocess with TQCHECK_TEST_SUBPROCESS=1."""
    if os.environ.get("TQCHECK_TEST_SUBPROCESS"):
        return subprocess.run(
            [sys.executable, "-m", "tqcheck", *args],
            capture_output=True,
            text=True,
            cwd=cwd or ROOT,
            env={**os.environ, **(env or {})},
            input=input_text,
            timeout=900,
        )
    return run_in_process(list(args), cwd or ROOT, env or {}, input_text)


def _captured(data: bytes) -> str:
    """What `subprocess.run(text=True)` gives for these bytes: decoded, universal newlines."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=None).read()


# Streams, environment and working folder are the process's: one in-process run at a time (tests
# that start several runs from threads get them one after another).
_IN_PROCESS = threading.Lock()


def run_in_process(
    args: list[str], cwd: Path, env: dict[str, str], input_text: str | None
) -> subprocess.CompletedProcess[str]:
    with _IN_PROCESS:
        return _run_in_process(args, cwd, env, input_text)


def _run_in_process(
    args: list[str], cwd: Path, env: dict[str, str], input_text: str | None
) -> subprocess.CompletedProcess[str]:
    from tqcheck import cli, config

    config.find_config.cache_clear()  # a test may have written a configuration file since
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    stdin = io.BytesIO((input_text or "").encode("utf-8"))
    sys.stdin = io.TextIOWrapper(stdin, encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    sys.stderr = io.TextIOWrapper(
        err, encoding="utf-8", errors="backslashreplace", newline="", write_through=True
    )
    try:
        os.environ.update(env)
        os.chdir(cwd)
        code = cli.run(args)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        for stream in (sys.stdin, sys.stdout, sys.stderr):
            stream.detach()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
    return subprocess.CompletedProcess(
        ["tqcheck", *args], code, _captured(out.getvalue()), _captured(err.getvalue())
    )


@pytest.fixture
def cli():
    return run_cli
