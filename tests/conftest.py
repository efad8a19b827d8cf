"""Shared fixtures: the seed article, a CLI runner, corpus paths."""

from __future__ import annotations

import os
import subprocess
import sys
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
    """Run `tqcheck` as a user would, in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tqcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        input=input_text,
        timeout=900,
    )


@pytest.fixture
def cli():
    return run_cli
