"""How cost grows with the input: time and peak memory of a rules-only check (`--no-lm`).

Realistic text is the articles of corpora/dev/<lang>/ repeated to 10 KB, 100 KB, 1 MB, 4 MB and
10 MB (others, 50 MB say, with --sizes); pathological inputs are the ones that used to take
quadratic time or fail: a long run of spaces, a long run of letters without a space, a Markdown
line of many `![`, a Markdown page of residue lines, 100,000 short lines, one word of 500,000
letters, one line over spaCy's 1,000,000 characters, 20,000 identical Chinese characters. Each case runs as its own `tqcheck check`
process; peak memory is that process's maximum resident set size. Figures are printed, never
asserted.

    python bench/scale.py [--lang en] [--sizes 0.01 0.1 1 4 10 50] [--timeout 900] [--only realistic|pathological]

After the realistic sizes it prints the growth between consecutive sizes of 1 MB and more as an
exponent of the CPU time (time ∝ size^k: 1 is linear; n log n from 10 to 50 MB is about 1.1).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20


def realistic(lang: str, size: int) -> str:
    """The language's corpus articles (not the source texts), repeated until `size` bytes."""
    folder = ROOT / "corpora" / "dev" / lang
    articles = [
        p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("*.txt")) if ".src." not in p.name
    ]
    if not articles:
        sys.exit(f"scale.py: no articles in {folder}")
    parts: list[str] = []
    length = 0
    while length < size:
        for article in articles:
            parts.append(article)
            length += len(article.encode("utf-8")) + 2
            if length >= size:
                break
    return "\n\n".join(parts) + "\n"


PATHOLOGICAL = {
    "100 KB of spaces in a line": ("txt", "The port reopened." + " " * 100_000 + "Trade resumed.\n"),
    "40,000 letters without a space": ("txt", "The port reopened. " + "a" * 40_000 + " Trade resumed.\n"),
    "Markdown line with 20,000 `![`": ("md", "# Port strike\n\nThe port reopened " + "![" * 20_000 + "\n"),
    "Markdown page, 4,000 residue lines": (
        "md",
        "# Port strike\n\n"
        + "".join(f"The port reopened on day {i}.\n\nShare on Facebook\n\n" for i in range(4000)),
    ),
    "100,000 short lines": ("txt", "".join(f"Line {i} is short.\n" for i in range(100_000))),
    "one word of 500,000 letters": ("txt", "The port " + "a" * 500_000 + " reopened.\n"),
    "one line of 1,020,000 characters": ("txt", "the port reopened on Tuesday, " * 34_000 + "and closed.\n"),
    # Checked as Chinese (the third field): jieba reads the run as one name.
    "20,000 identical Chinese characters": ("txt", "港口重新开放。" + "阿" * 20_000 + "。贸易恢复。\n", "zh"),
}


def run(path: Path, lang: str, timeout: float) -> tuple[str, str, str]:
    """Wall time, CPU time (user + system: what a busy machine does not inflate) and peak RSS of
    one `tqcheck check` process, as printable strings."""
    command = [
        sys.executable,
        "-m",
        "tqcheck",
        "check",
        str(path),
        "--no-lm",
        "--lang",
        lang,
        "--format",
        "json",
    ]
    started = time.perf_counter()
    # The input limit (50 MB by default) is raised to what is measured: the bench is about cost.
    limit = max(64, math.ceil(path.stat().st_size / MB) + 1)
    env = {**os.environ, "TQCHECK_MAX_INPUT_MB": str(limit)}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            return f"> {timeout:.0f} s (stopped)", "–", "–"
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    note = "" if code in (0, 1) else f" (exit {code}: {process.stderr.read().decode()[-200:].strip()})"
    cpu = usage.ru_utime + usage.ru_stime
    return f"{elapsed:8.1f} s{note}", f"{cpu:8.1f} s", f"{peak:7.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.01, 0.1, 1, 4, 10], help="sizes in MB")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per case")
    parser.add_argument("--only", choices=("realistic", "pathological"))
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []
    timed: list[tuple[float, float]] = []  # (MB, CPU seconds) of the realistic runs of 1 MB and more
    print(f"{'input':<36} {'wall':>12} {'cpu':>12} {'peak RSS':>10}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tqcheck-scale-") as folder:
        if args.only != "pathological":
            for size in args.sizes:
                path = Path(folder) / f"{args.lang}-{size:g}mb.txt"
                path.write_text(realistic(args.lang, int(size * MB)), encoding="utf-8")
                label = f"{size * 1024:.0f} KB" if size < 1 else f"{size:g} MB"
                rows.append((f"{label} of {args.lang} articles", *run(path, args.lang, args.timeout)))
                print(f"{rows[-1][0]:<36} {rows[-1][1]:>12} {rows[-1][2]:>12} {rows[-1][3]:>10}", flush=True)
                if size >= 1 and "stopped" not in rows[-1][1]:
                    timed.append((size, float(rows[-1][2].split()[0])))
            for (small, fast), (large, slow) in itertools.pairwise(timed):
                exponent = math.log(slow / fast) / math.log(large / small)
                print(
                    f"growth {small:g} → {large:g} MB: CPU time ×{slow / fast:.2f} for size ×{large / small:g} "
                    f"(exponent {exponent:.2f}); {fast / small:.1f} → {slow / large:.1f} s per MB",
                    flush=True,
                )
        if args.only != "realistic":
            for name, (suffix, text, *lang) in PATHOLOGICAL.items():
                path = Path(folder) / f"case.{suffix}"
                path.write_text(text, encoding="utf-8")
                rows.append((name, *run(path, lang[0] if lang else "en", args.timeout)))
                print(f"{rows[-1][0]:<36} {rows[-1][1]:>12} {rows[-1][2]:>12} {rows[-1][3]:>10}", flush=True)


if __name__ == "__main__":
    main()
