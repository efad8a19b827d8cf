"""Rules-only speed: a 2,000-word article with --no-lm, in-process and as a command.

    python bench/check_speed.py [--repeat 20] [--old DIR] [--rounds 7]

With --old (a checkout of an earlier commit: `git worktree add /tmp/old <commit>`), also the
start-up figure of issue 13: the wall time of `tqcheck check ARTICLE --no-lm` on a 400-word
article (corpora/dev/en/mt-port-strike.txt), with and without --lang, for the old and the new
code alternately in the same run (medians of --rounds), and their ratio. Both go through
bench/_launch.py, so each pays the same interpreter start.

In-process: the time of reading, segmenting and checking once the pipelines are loaded (what a
long-running service or `--jobs` worker pays per article), and the first, cold check. As a
command: the wall time of `tqcheck check --no-lm` in a new process, interpreter start included.
Also asserts nothing: it prints figures, and confirms torch was not imported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def article(words: int = 2000) -> str:
    paragraphs: list[str] = []
    for path in sorted(ROOT.glob("corpora/dev/en/mt-*.txt")):
        paragraphs.extend(p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip())
    text, index = [], 0
    while sum(len(p.split()) for p in text) < words:
        text.append(paragraphs[index % len(paragraphs)])
        index += 1
    return "\n\n".join(text) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--old", type=Path, help="an older checkout to compare start-up with")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if args.old:
        startup(args.old, args.rounds)
    text = article()
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document

    settings = Settings(lang="en", use_model=False)
    started = time.perf_counter()
    first = check_document(load_text(text, "en"), settings)
    cold = time.perf_counter() - started
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        check_document(load_text(text, "en"), settings)
        times.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "article.txt")
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tqcheck",
                "check",
                str(path),
                "--lang",
                "en",
                "--no-lm",
                "--format",
                "json",
            ],
            capture_output=True,
            check=False,
        )
        command = time.perf_counter() - started
    report = {
        "words": first.words,
        "findings": len(first.findings),
        "in_process_median_s": round(statistics.median(times), 4),
        "in_process_first_s": round(cold, 3),
        "command_wall_s": round(command, 3),
        "torch_imported": "torch" in sys.modules,
    }
    print(json.dumps(report))


def startup(old: Path, rounds: int) -> None:
    """Median wall time of one short `check --no-lm` in a new process, old code against new.

    Both checkouts are byte-compiled first (an installed package is; a fresh worktree under
    PYTHONDONTWRITEBYTECODE is not, and would pay the compiler on every run), and each side runs
    once untimed, so that caches of the user's cache folder are written before the timing.
    Also the CPU time (user + system) of each run: on a shared machine it varies less than the
    wall time."""
    article_path = ROOT / "corpora" / "dev" / "en" / "mt-port-strike.txt"
    launcher = ROOT / "bench" / "_launch.py"
    for root in (old, ROOT):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "tqcheck")], capture_output=True)
    for extra in (["--lang", "en"], []):
        times: dict[str, list[float]] = {"old": [], "new": []}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        for round_ in range(rounds + 1):
            for name, root in (("old", old), ("new", ROOT)):
                command = [sys.executable, str(launcher), str(root), "check", str(article_path), "--no-lm"]
                seconds, cpu_s = timed([*command, *extra])
                if round_:  # the first round warms the caches
                    times[name].append(seconds)
                    cpu[name].append(cpu_s)
        old_s, new_s = statistics.median(times["old"]), statistics.median(times["new"])
        label = "with --lang en" if extra else "language detected"
        print(
            f"start-up, 400-word article, {label}: old {old_s:.3f} s ({spread(times['old'])}), "
            f"new {new_s:.3f} s ({spread(times['new'])}), new/old {new_s / old_s:.2f} (median of {rounds}); "
            f"CPU old {statistics.median(cpu['old']):.3f} s, new {statistics.median(cpu['new']):.3f} s",
            flush=True,
        )


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children) of one command."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def spread(values: list[float]) -> str:
    return f"{min(values):.3f}–{max(values):.3f}"


if __name__ == "__main__":
    main()
