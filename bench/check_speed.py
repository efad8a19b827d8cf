"""Rules-only speed: a 2,000-word article with --no-lm, in-process and as a command.

    python bench/check_speed.py [--repeat 20]

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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
