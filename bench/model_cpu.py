"""The language model on CPU (issue 13, item 3): where a check's time goes, old code against new.

    python bench/model_cpu.py --old /tmp/old-main [--rounds 3]

--old is a checkout of the code to compare with (`git worktree add /tmp/old-main <commit>`); both
sides run through bench/_launch.py or bench/_model_cpu_worker.py with this venv, alternately, in the
same run, so a busy shared machine slows both alike. The article: about 1,000 words made of the
English development articles (corpora/dev/en, as bench/lm_throughput.py builds it).

1. New process: `tqcheck check ARTICLE --lang en --format json` with the model, wall time per run,
   median of --rounds; the JSON reports of the two sides compared byte for byte.
2. Warm process (the Python API: `tqcheck.load_model` then `tqcheck.check` twice): torch import,
   model load, the first check, the second check of the same text (the warm figure), a check of a
   text the process has not seen, and `tqcheck.fix` of the article, with the decoder's forward
   passes of each; findings compared byte for byte.
Prints one JSON object, with old/new ratios (above 1: the new code is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from lm_throughput import article_of_words  # noqa: E402


def other_article(words: int) -> str:
    """Another ~`words`-word English text, from the development articles in reverse order."""
    parts, count = [], 0
    for path in sorted(ROOT.glob("corpora/dev/en/*.txt"), reverse=True):
        if ".src." in path.name:
            continue
        text = path.read_text(encoding="utf-8")
        parts.append(text if not parts else "\n\n".join(text.split("\n\n")[1:]))
        count += len(text.split())
        if count >= words:
            break
    return "\n\n".join(parts)


def spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true", help="only the warm-process figures")
    args = parser.parse_args()
    sides = {"old": args.old.resolve(), "new": ROOT}
    result: dict = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "load_average": os.getloadavg(),
        "rounds": args.rounds,
    }
    with tempfile.TemporaryDirectory() as folder:
        article, other = Path(folder, "article-1000.txt"), Path(folder, "other-1000.txt")
        article.write_text(article_of_words(1000), encoding="utf-8")
        other.write_text(other_article(1000), encoding="utf-8")
        result["words"] = len(article.read_text(encoding="utf-8").split())
        if not args.skip_cold:
            times: dict[str, list[float]] = {"old": [], "new": []}
            outputs: dict[str, set[str]] = {"old": set(), "new": set()}
            for _ in range(args.rounds):
                for side, root in sides.items():
                    command = [sys.executable, str(ROOT / "bench" / "_launch.py"), str(root), "check"]
                    started = time.perf_counter()
                    run = subprocess.run(
                        [*command, str(article), "--lang", "en", "--format", "json"],
                        capture_output=True,
                        text=True,
                    )
                    times[side].append(time.perf_counter() - started)
                    outputs[side].add(run.stdout)
            result["new_process_check_s"] = {side: spread(values) for side, values in times.items()}
            result["new_process_ratio"] = round(
                statistics.median(times["old"]) / statistics.median(times["new"]), 2
            )
            result["new_process_json_identical"] = (
                outputs["old"] == outputs["new"] and len(outputs["new"]) == 1
            )
        warm: dict[str, list[dict]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            for side, root in sides.items():
                out = Path(folder, f"{side}.json")
                worker = [sys.executable, str(ROOT / "bench" / "_model_cpu_worker.py"), str(root)]
                subprocess.run([*worker, str(article), str(other), str(out)], check=True, capture_output=True)
                warm[side].append(json.loads(out.read_text(encoding="utf-8")))
    keys = [k for k in warm["new"][0] if k.endswith("_s")]
    result["warm"] = {
        side: {k: spread([run[k] for run in runs]) for k in keys}
        | {k: runs[0][k] for k in runs[0] if k.endswith(("passes", "applied")) or k == "threads"}
        for side, runs in warm.items()
    }
    result["warm_ratio"] = {
        k: round(result["warm"]["old"][k]["median"] / max(result["warm"]["new"][k]["median"], 1e-3), 2)
        for k in keys
    }
    result["warm_findings_identical"] = {
        name: all(
            run["findings"][name] == warm["old"][0]["findings"][name] for run in warm["old"] + warm["new"]
        )
        for name in warm["new"][0]["findings"]
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
