"""`tqcheck batch` throughput against today's path, in the same run: articles per second.

    python bench/batch.py [--articles 200] [--shards 4] [--lm] [--rounds 1] [--no-ray]

The records are the corpus articles (all eight languages, the language detected), cycled to
--articles. Today's path writes them as files and runs `tqcheck check DIR --format jsonl --jobs 1`;
then `tqcheck batch` over --shards JSONL shards in process (--jobs 1 and 2) and on a local Ray
instance (`--ray --ray-cpus 2`) with 1 and 2 actors. Every run is a new process, timed whole
(Ray's start included: a few seconds, which a long archive run amortises). Rules only by default;
--lm loads the model once per process, per actor on Ray. Each line gives the median over
--rounds and the ratio of articles/s to today's path; bench/results/batch.json keeps them
(batch_lm.json with --lm). The
findings of every batch run are compared with today's path's (the same total, or it says so).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from many_files import headroom  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--lm", action="store_true", help="with the embedded model (slow on a CPU)")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray runs")
    args = parser.parse_args()
    model = [] if args.lm else ["--no-lm"]
    # whether two processes can run at once here: if not, neither --jobs 2 nor 2 actors can help
    spare = headroom()
    print(json.dumps(spare), flush=True)
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted(ROOT.glob("corpora/dev/*/*.txt"))
        if ".src." not in p.name
    ]
    records = [{"id": str(i), "text": texts[i % len(texts)]} for i in range(args.articles)]
    with tempfile.TemporaryDirectory() as work:
        files, shards = Path(work, "files"), Path(work, "shards")
        files.mkdir()
        shards.mkdir()
        for record in records:
            Path(files, f"{int(record['id']):05d}.txt").write_text(record["text"], encoding="utf-8")
        size = -(-len(records) // args.shards)
        for index in range(args.shards):
            part = records[index * size : (index + 1) * size]
            lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
            Path(shards, f"part-{index:03d}.jsonl").write_text(lines, encoding="utf-8")

        runs: dict[str, list[str]] = {
            "today: check DIR --format jsonl --jobs 1": [
                *("check", str(files), "--format", "jsonl", "--jobs", "1"),
                *("--fail-on", "never", "-o", "{out}/findings.jsonl"),
            ],
            "batch, in process, --jobs 1": ["batch", str(shards), "-o", "{out}", "--jobs", "1"],
            "batch, in process, --jobs 2": ["batch", str(shards), "-o", "{out}", "--jobs", "2"],
        }
        if not args.no_ray:
            for actors in (1, 2):
                runs[f"batch --ray, {actors} actor(s)"] = [
                    *("batch", str(shards), "-o", "{out}", "--ray"),
                    *("--ray-cpus", "2", "--ray-actors", str(actors)),
                ]
        if args.lm:
            del runs["batch, in process, --jobs 2"]  # --jobs does not apply with the model
        times: dict[str, list[float]] = {name: [] for name in runs}
        findings: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, command in runs.items():
                out = Path(work, "out")
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                full = [a.replace("{out}", str(out)) for a in command] + model
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "tqcheck", *full], capture_output=True, text=True
                )
                times[name].append(time.perf_counter() - started)
                if done.returncode not in (0, 1):
                    sys.exit(f"{name}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
                findings[name] = _findings(out)
        baseline = statistics.median(times[next(iter(runs))])
        lines = []
        for name in runs:
            median = statistics.median(times[name])
            line = {
                "run": name,
                "articles": args.articles,
                "seconds": round(median, 2),
                "articles_per_s": round(args.articles / median, 3),
                "ratio_to_today": round(baseline / median, 2),
                "findings": findings[name],
                "same_findings_as_today": findings[name] == findings[next(iter(runs))],
                "rounds": [round(t, 2) for t in times[name]],
            }
            lines.append(line)
            print(json.dumps(line), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("batch_lm.json" if args.lm else "batch.json")).write_text(
        json.dumps(
            {
                "command": " ".join(["python bench/batch.py", *sys.argv[1:]]),
                "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
                "model": args.lm,
                "shards": args.shards,
                **spare,
                "runs": lines,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


def _findings(out: Path) -> int:
    """How many findings a run wrote: today's path one line each, batch a list per record."""
    if (out / "findings.jsonl").exists():
        return sum(1 for _ in (out / "findings.jsonl").open(encoding="utf-8"))
    total = 0
    for path in out.glob("*.results.jsonl"):
        for line in path.open(encoding="utf-8"):
            total += len(json.loads(line).get("findings", []))
    return total


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
