"""Rules-only throughput on a folder of 200 articles: articles per second with --jobs 1 and 2.

    python bench/many_files.py [--articles 200] [--jobs 1,2]

The folder is made from the corpus articles (all eight languages), copied under new names.
"""

from __future__ import annotations

import argparse
import json
import shutil
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
    args = parser.parse_args()
    sources = [p for p in sorted(ROOT.glob("corpora/dev/*/*.txt")) if ".src." not in p.name]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.articles):
            source = sources[i % len(sources)]
            shutil.copy(source, Path(folder, f"{i:03d}-{source.parent.name}-{source.name}"))
        for jobs in [int(j) for j in args.jobs.split(",")]:
            started = time.perf_counter()
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tqcheck",
                    "check",
                    folder,
                    "--no-lm",
                    "--jobs",
                    str(jobs),
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                ],
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - started
            files = len(json.loads(run.stdout)["files"]) if run.returncode == 0 else None
            results.append(
                {
                    "jobs": jobs,
                    "articles": files,
                    "seconds": round(elapsed, 2),
                    "articles_per_s": round(args.articles / elapsed, 1),
                    "exit_code": run.returncode,
                }
            )
            print(json.dumps(results[-1]), flush=True)


if __name__ == "__main__":
    main()
