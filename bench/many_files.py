"""Rules-only throughput on a folder of 200 articles: articles per second with --jobs 1 and 2.

    python bench/many_files.py [--articles 200] [--jobs 1,2] [--old DIR] [--rounds 3] [--phases]

The folder is made from the corpus articles (all eight languages), copied under new names.
With --old (a checkout of an earlier commit), the old code runs the same folder alternately with
the new in the same run (through bench/_launch.py, so both pay the same start; both checkouts
byte-compiled first, and each run once untimed so that the user cache folder's caches exist), and
each line gives the median of --rounds with its range, the CPU time of the whole process tree
(the parent and its workers: where --jobs 2 costs more CPU than --jobs 1, the workers repeat
work), and the ratio of new to old. First it prints the machine's parallel
headroom: two CPU-bound loops run one after the other, then in two processes at once. On a
machine whose cores are busy with other work the second is no faster, and neither can --jobs 2 be.

--phases: also where the CPU time of one process goes over the same folder (old and new): the
imports, the first file of each language (what loads that language), the other files, and the
size of a pickled result (what a worker sends back).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--old", type=Path, help="an older checkout to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--phases", action="store_true", help="CPU time by phase in one process")
    args = parser.parse_args()
    roots = {"new": ROOT, **({"old": args.old} if args.old else {})}
    print(json.dumps(headroom()), flush=True)
    sources = [p for p in sorted(ROOT.glob("corpora/dev/*/*.txt")) if ".src." not in p.name]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.articles):
            source = sources[i % len(sources)]
            shutil.copy(source, Path(folder, f"{i:03d}-{source.parent.name}-{source.name}"))
        if args.phases:
            for name, root in roots.items():
                run = subprocess.run(
                    [sys.executable, "-c", PHASES, str(root), folder], capture_output=True, text=True
                )
                print(json.dumps({"code": name, **json.loads(run.stdout)}), flush=True)
        for root in roots.values():
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(root / "tqcheck")], capture_output=True
            )
            _run(root, folder, 1)
        for jobs in [int(j) for j in args.jobs.split(",")]:
            times: dict[str, list[float]] = {name: [] for name in roots}
            cpu: dict[str, list[float]] = {name: [] for name in roots}
            counts: dict[str, int | None] = {}
            for _ in range(args.rounds):
                for name, root in roots.items():
                    seconds, cpu_s, counts[name] = _run(root, folder, jobs)
                    times[name].append(seconds)
                    cpu[name].append(cpu_s)
            for name in roots:
                median = statistics.median(times[name])
                results.append(
                    {
                        "code": name,
                        "jobs": jobs,
                        "articles": counts[name],
                        "seconds": round(median, 2),
                        "articles_per_s": round(args.articles / median, 1),
                        "range_s": [round(min(times[name]), 2), round(max(times[name]), 2)],
                        "cpu_s": round(statistics.median(cpu[name]), 2),
                        "rounds": [round(t, 2) for t in times[name]],
                    }
                )
                if name == "new" and "old" in roots:
                    results[-1]["new_over_old_time"] = round(median / statistics.median(times["old"]), 2)
                print(json.dumps(results[-1]), flush=True)


PHASES = """
import json, pickle, sys, time
root, folder = sys.argv[1], sys.argv[2]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
sys.path.insert(0, root)
from pathlib import Path
started = time.process_time()
import wordfreq
import tqcheck.rules
from tqcheck import runner
from tqcheck.document.segment import _import_spacy
from tqcheck.options import RunOptions
_import_spacy()
imported = time.process_time()
paths = sorted(Path(folder).iterdir())
options = RunOptions(use_model=False)
first = {}
for index, path in enumerate(paths):
    first.setdefault(path.name.split("-")[1], index)  # the folder's names carry the language
for index in first.values():
    runner.check_file(paths[index], options)
loaded = time.process_time()
rest = [path for index, path in enumerate(paths) if index not in first.values()]
for path in rest:
    runner.check_file(path, options)
done = time.process_time()
sizes = [len(pickle.dumps(runner._check_file_job((path, options)))) for path in paths[:20]]
print(json.dumps({
    "imports_cpu_s": round(imported - started, 2),
    "first_file_of_each_language_cpu_s": round(loaded - imported, 2),
    "languages": len(first),
    "other_files_cpu_s": round(done - loaded, 2),
    "per_other_file_ms": round((done - loaded) / max(1, len(rest)) * 1000, 1),
    "pickled_result_bytes": sum(sizes) // len(sizes),
}))
"""


def _spin(count: int) -> int:
    total = 0
    for i in range(count):
        total += i
    return total


def headroom(count: int = 10_000_000) -> dict[str, float]:
    """Seconds for two CPU-bound loops in one process, and in two processes at once."""
    started = time.perf_counter()
    _spin(count), _spin(count)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [count, count])
    parallel = time.perf_counter() - started
    return {
        "headroom_serial_s": round(serial, 2),
        "headroom_2_processes_s": round(parallel, 2),
        "speedup_available": round(serial / parallel, 2),
    }


def _run(root: Path, folder: str, jobs: int) -> tuple[float, float, int | None]:
    """Wall and CPU time (user + system of the process and its workers) of one
    `check FOLDER --no-lm --jobs N`, and how many files it reported."""
    import resource

    command = [sys.executable, str(ROOT / "bench" / "_launch.py"), str(root), "check", folder, "--no-lm"]
    command += ["--jobs", str(jobs), "--format", "json", "--fail-on", "never"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, len(json.loads(run.stdout)["files"]) if run.returncode == 0 else None


if __name__ == "__main__":
    main()
