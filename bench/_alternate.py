"""Alternating timed rounds of a model check, for the benches that compare two paths of one
process (bench/qe_cost.py, bench/split_names_cost.py): each round runs every path once, so a
busy machine slows them alike, and the medians and spreads are reported per path."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    return parser.parse_args()


def timed(check: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds a call takes, and what it returned."""
    started = time.perf_counter()
    report = check()
    return time.perf_counter() - started, report


def rounds(
    paths: dict[str, Callable[[], Callable[[], Any]]], count: int
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Every path once per round, in order, after one warm-up call of the last (first-call
    allocations, word lists): each path's seconds, and its last report. A path prepares its
    input untimed and returns the call to time (the check itself)."""
    timed(list(paths.values())[-1]())
    timings: dict[str, list[float]] = {name: [] for name in paths}
    reports: dict[str, Any] = {}
    for _ in range(count):
        for name, prepare in paths.items():
            seconds, reports[name] = timed(prepare())
            timings[name].append(seconds)
    return timings, reports


def summary(timings: dict[str, list[float]]) -> tuple[dict[str, float], dict[str, Any]]:
    """Each path's median, and the medians and spreads as the result files write them."""
    medians = {name: statistics.median(values) for name, values in timings.items()}
    return medians, {
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "spread_seconds": {k: [round(min(v), 3), round(max(v), 3)] for k, v in timings.items()},
    }


def emit(result: dict[str, Any], out: Path | None) -> None:
    print(json.dumps(result, indent=2))
    if out:
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
