"""Where the time of `check DIR --no-lm --jobs N` goes: the parent's share, then each worker's runs.

    python bench/jobs_timeline.py [--articles 200] [--jobs 2]

The folder is bench/many_files.py's (the corpus articles of all eight languages, copied under new
names). Prints the parent's seconds before the workers start (imports, then the language hints
that group the files), and for each run of one language a worker took: the worker, when it
started and ended (seconds since the start), its files and its CPU seconds. On a machine whose
other cores are busy the wall times stretch; the CPU seconds do not, so the sum of each
worker's CPU plus the parent's share is what `--jobs N` takes where N cores are free.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STARTED = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from tqcheck import runner
    from tqcheck.options import RunOptions

    sources = [p for p in sorted(ROOT.glob("corpora/dev/*/*.txt")) if ".src." not in p.name]
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.articles):
            source = sources[i % len(sources)]
            shutil.copy(source, Path(folder, f"{i:03d}-{source.parent.name}-{source.name}"))
        paths = sorted(Path(folder).iterdir())
        options = RunOptions(use_model=False)
        started = time.perf_counter()
        cpu_started = time.process_time()
        runner._import_shared()
        imported = time.perf_counter()
        runner._language_hints(paths, options)  # what _in_parallel does before it forks
        hinted = time.perf_counter()
        print(
            json.dumps(
                {
                    "parent_imports_s": round(imported - started, 2),
                    "parent_hints_s": round(hinted - imported, 2),
                    "parent_cpu_s": round(time.process_time() - cpu_started, 2),
                }
            ),
            flush=True,
        )
        original = _timed_chunks(runner)
        workers: dict[int, float] = {}
        for index, result in runner._in_parallel(paths, options, args.jobs):
            if index < 0:
                workers[result["worker"]] = workers.get(result["worker"], 0.0) + result["cpu_s"]
                print(json.dumps(result), flush=True)
        runner._check_chunk = original
        print(json.dumps({"worker_cpu_s": {str(k): round(v, 2) for k, v in workers.items()}}))


_original_chunk = None


def _timed_chunks(runner):  # -> the original runner._check_chunk
    """Have each chunk also report its worker, start, end and CPU time (as a result of index -1).
    A function of this module, so that the pool can send it to the forked workers by name."""
    global _original_chunk
    _original_chunk = runner._check_chunk
    runner._check_chunk = _timed_chunk
    return _original_chunk


def _timed_chunk(chunk, options):
    began, cpu = time.perf_counter(), time.process_time()
    results = _original_chunk(chunk, options)
    report = {
        "worker": os.getpid(),
        "language": chunk[0][1].name.split("-")[1],
        "files": len(chunk),
        "start_s": round(began - STARTED, 2),
        "end_s": round(time.perf_counter() - STARTED, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
    }
    return [*results, (-1, report)]


if __name__ == "__main__":
    main()
