"""Where the start-up of one `tqcheck check ARTICLE --no-lm` goes, in one table.

    python bench/startup_profile.py [ARTICLE] [--lang en] [--root DIR]

Two new processes run the same check: one under `python -X importtime` (the cumulative import
time of each package imported from tqcheck or the command line, first level only), one under
cProfile (the cumulative time of the steps after import: language identification, spaCy's
pipeline, word lists, rules, rendering). cProfile slows Python code down, so its figures are
larger than the wall time; read them as shares. --root runs another checkout (bench/_launch.py).
"""

from __future__ import annotations

import argparse
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "corpora" / "dev" / "en" / "clean-tunnel-breakthrough.txt"

# Steps after import, by cProfile's file:line(function) suffix.
STEPS = {
    "language identified (--lang absent)": "languages.py:*(detect_language)",
    "spaCy imported": "segment.py:*(_import_spacy)",
    "spaCy blank pipeline built": "spacy/__init__.py:*(blank)",
    "sentences and tokens (segment, with the above)": "segment.py:*(segment)",
    "locale data loaded": "resources.py:*(language_data)",
    "language identifier loaded": "languages.py:*(_identifier_for)",
    "wordfreq imported (on a thread of its own)": "wordlists.py:*(wordfreq_module)",
    "wordfreq frequency dicts built": "wordfreq/__init__.py:*(get_frequency_dict)",
    "wordfreq top-n lists": "wordfreq/__init__.py:*(top_n_list)",
    "rules run (run_rules, with the word lists)": "engine.py:*(run_rules)",
    "report rendered": "render/__init__.py:*(render)",
    "whole check (cli.check)": "cli.py:*(check)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--lang")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    launcher = str(ROOT / "bench" / "_launch.py")
    command = [launcher, str(args.root), "check", str(args.article), "--no-lm"]
    command += ["--lang", args.lang] if args.lang else []
    started = time.perf_counter()
    subprocess.run([sys.executable, *command], capture_output=True, check=False)
    wall = time.perf_counter() - started
    imports = subprocess.run([sys.executable, "-X", "importtime", *command], capture_output=True, text=True)
    rows = []
    for line in imports.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(3)) <= 1:  # imported at the top level of some module
            rows.append((int(match.group(2)) / 1e6, match.group(4)))
    print(f"wall time of the check, a new process: {wall:.3f} s")
    print("| imports (-X importtime, cumulative, first level) | s |\n|---|---|")
    for seconds, name in sorted(rows, reverse=True)[:15]:
        print(f"| {name} | {seconds:.3f} |")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "profile")
        profiled = [sys.executable, "-m", "cProfile", "-o", str(out), *command]
        subprocess.run(profiled, capture_output=True, check=False)
        stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    print("\n| step after import (cProfile, cumulative) | s | calls |\n|---|---|---|")
    for label, pattern in STEPS.items():
        file, _, function = pattern.partition(":*")
        found = [
            (value[3], value[1])
            for (path, _, name), value in stats.items()
            if path.endswith(file) and f"({name})" == function
        ]
        if found:
            print(f"| {label} | {sum(c for c, _ in found):.3f} | {sum(n for _, n in found)} |")


if __name__ == "__main__":
    main()
