"""Language-model figures on this machine: throughput, load times, start-to-findings, memory, ranking.

    python bench/lm_throughput.py [--threads 2] [--skip-cold] [--out bench/results/lm_cpu.json]

1. Scoring throughput (tokens/s) over the corpus articles: tqcheck's scorer against a plain
   transformers forward pass of the same model (float32 weights, all logits, log_softmax, gather),
   in the same process with the same thread count.
2. Model load time: cold (GGUF conversion into an empty cache) and warm (from the cache), each in
   a new process.
3. Start to findings: `tqcheck check` on a 1,000-word article with a warm cache, five times, each in a
   new process (interpreter start, imports, model load, checking): the median wall time and the
   largest peak memory.
4. Ranking stability: the winning candidate of every model-ranked finding on the corpora, scored
   with float32 and with the fast precision; how often they agree.
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
sys.path.insert(0, str(ROOT))


def corpus_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("corpora/dev/*/mt-*.txt"))]


def article_of_words(words: int) -> str:
    """An English article of about `words` words, made of the English corpus articles."""
    parts, count = [], 0
    for path in sorted(ROOT.glob("corpora/dev/en/*.txt")):
        if ".src." in path.name:
            continue
        text = path.read_text(encoding="utf-8")
        parts.append(text if not parts else "\n\n".join(text.split("\n\n")[1:]))  # one title only
        count += len(text.split())
        if count >= words:
            break
    return "\n\n".join(parts)


def throughput(threads: int, rounds: int = 3) -> dict:
    """Both paths over the same texts, alternating for `rounds` rounds so that the machine's own
    drift (a shared 2-vCPU VM varies by ±15% over minutes) hits both alike; medians reported."""
    import statistics

    import torch
    from transformers import AutoModelForCausalLM

    from tqcheck.lm import load_scorer
    from tqcheck.lm.hf import embedded_model_dir

    torch.set_num_threads(threads)
    texts = corpus_texts()[::2]  # every other article: half a minute per round and path
    scorer = load_scorer(None, threads=threads)
    plain_model = AutoModelForCausalLM.from_pretrained(str(embedded_model_dir()), dtype=torch.float32).eval()
    ids = [[scorer.bos_id, *scorer._encode(t)[0]] for t in texts]

    def plain(sequence: list[int]) -> None:
        with torch.inference_mode():
            logits = plain_model(input_ids=torch.tensor([sequence])).logits[0]
            torch.log_softmax(logits.float(), dim=-1)[:-1].gather(-1, torch.tensor(sequence[1:])[:, None])

    scorer.score_texts(texts[:1])  # warm up both
    plain(ids[0][:64])
    ours_times, plain_times, tokens = [], [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        tokens = sum(len(s.logprobs) for s in scorer.score_texts(texts))
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for sequence in ids:
            plain(sequence)
        plain_times.append(time.perf_counter() - started)
    ours, reference = statistics.median(ours_times), statistics.median(plain_times)
    return {
        "tokens": tokens,
        "texts": len(texts),
        "rounds": rounds,
        "tqcheck_tokens_per_s": round(tokens / ours, 1),
        "plain_fp32_tokens_per_s": round(tokens / reference, 1),
        "speedup": round(reference / ours, 2),
        "speedup_per_round": [round(p / o, 2) for o, p in zip(ours_times, plain_times, strict=True)],
        "precision": str(scorer.head_weight.dtype).removeprefix("torch."),
        "threads": threads,
    }


def load_times(skip_cold: bool) -> dict:
    code = (
        "import time; t=time.perf_counter(); from tqcheck.lm import load_scorer; load_scorer(None); "
        "print(round(time.perf_counter()-t, 2))"
    )
    result = {}
    if not skip_cold:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "TQCHECK_CACHE": cache}
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            result["cold_load_s"] = float(out.stdout.strip().splitlines()[-1])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result["warm_load_s"] = float(out.stdout.strip().splitlines()[-1])
    return result


def start_to_findings(runs: int = 5) -> dict:
    """`tqcheck check` on a 1,000-word article, each run in a new process: wall times (their median,
    since a shared host varies from run to run) and the largest peak RSS of those processes."""
    text = article_of_words(1000)
    # Run the command inside a small wrapper that reports its own peak memory, so the figure is this
    # process's alone (RUSAGE_CHILDREN would include the conversion run measured before).
    wrapper = (
        "import resource, runpy, sys\n"
        "sys.argv = ['tqcheck', 'check', sys.argv[1], '--lang', 'en', '--format', 'json']\n"
        "try:\n    runpy.run_module('tqcheck', run_name='__main__')\n"
        "except SystemExit as done:\n    code = done.code\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code, file=sys.stderr)\n"
    )
    seconds, peaks = [], []
    with tempfile.TemporaryDirectory() as folder:
        article = Path(folder, "article-1000.txt")
        article.write_text(text, encoding="utf-8")
        for _ in range(runs):
            started = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-c", wrapper, str(article)], capture_output=True, text=True
            )
            seconds.append(round(time.perf_counter() - started, 2))
            peak_kib, code = run.stderr.strip().splitlines()[-1].split()
            peaks.append(int(peak_kib))
    findings = len(json.loads(run.stdout)["files"][0]["findings"]) if run.stdout.strip() else None
    return {
        "words": len(text.split()),
        "runs": runs,
        "seconds_median": statistics.median(seconds),
        "seconds_each": seconds,
        "findings": findings,
        "exit_code": int(code),
        "peak_rss_mib": round(max(peaks) / 1024, 1),
    }


def ranking_stability(threads: int) -> dict:
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document
    from tqcheck.evaluate import read_gold
    from tqcheck.lm import load_scorer
    from tqcheck.ranking import _model_ranked, _request

    requests = []
    for record in read_gold(ROOT / "corpora" / "dev" / "gold.jsonl"):
        doc = load_text(record.text, record.lang)
        report = check_document(doc, Settings(lang=record.lang, use_model=False))
        requests.extend(_request(doc, f) for f in report.findings if f.suggestions and _model_ranked(f))
    winners = {}
    for precision in ("float32", "auto"):
        scorer = load_scorer(None, threads=threads, precision=precision)
        results = scorer.score_candidates(requests)
        winners[precision] = [max(range(len(r)), key=lambda i: r[i].gain) if r else -1 for r in results]
    same = sum(a == b for a, b in zip(winners["float32"], winners["auto"], strict=True))
    multi = [i for i, r in enumerate(requests) if len(r.candidates) > 1]
    same_multi = sum(winners["float32"][i] == winners["auto"][i] for i in multi)
    return {
        "requests": len(requests),
        "same_winner": same,
        "with_several_candidates": len(multi),
        "same_winner_among_several": same_multi,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-cold", action="store_true", help="skip the GGUF conversion (about a minute)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}"
    }
    # The child processes first, while this process is small and idle: Linux carries a parent's peak
    # memory into the maximum resident size of a child it forks, and a parent's idle OpenMP threads
    # spin against the child.
    subprocess.run(
        [sys.executable, "-c", "from tqcheck.lm.hf import embedded_model_dir; embedded_model_dir()"],
        check=True,
    )  # a warm cache (converted once, in a child)
    report["start_to_findings"] = start_to_findings()
    print(json.dumps(report["start_to_findings"]), flush=True)
    report["load"] = load_times(args.skip_cold)
    print(json.dumps(report["load"]), flush=True)
    # Then the in-process measurements (idle OpenMP threads of this process would spin against a child).
    report["throughput"] = throughput(args.threads)
    print(json.dumps(report["throughput"]), flush=True)
    report["ranking"] = ranking_stability(args.threads)
    print(json.dumps(report["ranking"]), flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
