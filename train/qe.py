"""Train tqcheck's word-level quality-estimation head (TQ306) from public human annotations.

    python train/qe.py extract --wmt DATA/2021_en-de_processed.tsv ... --mlqe DATA/en-de-train ... \
        --out features/
    python train/qe.py fit --features features/ --fuse --out tqcheck/data/qe/gemma-3-270m.npz
    python train/qe.py merge --heads TARGET.npz OLD.npz:source --out BOTH.npz  # heads fitted apart
    python train/qe.py compare --features features/ --heads OLD.npz tqcheck/data/qe/gemma-3-270m.npz
    python train/qe.py evaluate --features features/ --head tqcheck/data/qe/gemma-3-270m.npz
    python train/qe.py scores --features features/ --head tqcheck/data/qe/gemma-3-270m.npz

`extract` runs the embedded model over each segment twice (the translation alone, and the
translation after its source) with the same code the checker uses (`Scorer.token_features`), and
caches the features in shards; `fit` trains the heads on the training split and calibrates their
thresholds on the calibration split (with `--fuse`, the source mode on the mean of both heads);
`merge` puts heads trained in separate runs (`fit --modes target`, `fit --modes source`, one per
core), or one mode of an earlier file, in one file; `recalibrate` does `fit`'s last step again
for heads already trained; `compare` sets head files side by side on the calibration split;
`scores` compares segment-score formulas there (Kendall τ); `evaluate` prints the dev figures.
Splits: a WMT document (`doc_id`) is in dev when crc32(doc_id) % 5 == 0, so every translation of
a source document falls on one side; MLQE-PE's own `train` and `dev` folders are used as they are. Never pass the held-out test
files (WMT22 `*_test_*`, TED, MLQE-PE `test`): the script refuses paths that look like them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tqcheck.qe import MODES, STATE_LIMIT, token_labels
from tqcheck.qe_data import QESegment, read_mlqe, read_wmt_spans

HELD_OUT_MARKERS = ("_test_", "test_data", "TED", "/test/", "-test")
YEAR = re.compile(r"(20\d\d)_")


def refuse_held_out(path: Path) -> None:
    if any(marker in str(path) for marker in HELD_OUT_MARKERS):
        sys.exit(f"refusing {path}: it looks like held-out evaluation data")


def wmt_split(doc: str) -> str:
    return "dev" if zlib.crc32(doc.encode("utf-8")) % 5 == 0 else "train"


def wmt_dataset_name(path: Path, pair: str) -> str:
    """`wmt-en-de` for the WMT21 news files, `wmt22-en-de` for the WMT22 dev files: the two years
    differ in systems and error density, so their figures are kept apart."""
    year = YEAR.match(path.name)
    return f"wmt-{pair}" if not year or year.group(1) == "2021" else f"wmt{year.group(1)[2:]}-{pair}"


def extracted(folders: list[str] | None) -> set[tuple[str, str]]:
    """(dataset, segment id) of every segment already in these feature folders."""
    seen: set[tuple[str, str]] = set()
    for folder in folders or []:
        for records in Path(folder).glob("shard-*.jsonl"):
            for line in records.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                seen.add((record["dataset"], record["id"]))
    return seen


def collect(args: argparse.Namespace) -> list[tuple[str, str, QESegment]]:
    """(dataset name, split, segment) for the sample to extract."""
    rng = random.Random(args.seed)
    chosen: list[tuple[str, str, QESegment]] = []
    # Segments another folder already holds are left out before sampling, so that a second
    # folder adds new segments only (the caps count new ones).
    seen = extracted(args.exclude)
    for path in map(Path, args.wmt or []):
        refuse_held_out(path)
        segments = read_wmt_spans(path)
        name = wmt_dataset_name(path, f"{segments[0].source_lang}-{segments[0].lang}")
        segments = [s for s in segments if (name, s.id) not in seen]
        for split, cap in (("train", args.wmt_train), ("dev", args.wmt_dev)):
            pool = [s for s in segments if ("dev" if args.all_dev else wmt_split(s.doc)) == split]
            rng.shuffle(pool)
            chosen += [(name, split, s) for s in pool[:cap]]
    for path in map(Path, args.mlqe or []):
        refuse_held_out(path)
        split = "dev" if path.name.endswith("-dev") else "train"
        pool = read_mlqe(path)
        pair = f"{pool[0].source_lang}-{pool[0].lang}"
        pool = [s for s in pool if (f"mlqe-{pair}", s.id) not in seen]
        if not pool:
            continue
        rng.shuffle(pool)
        cap = args.mlqe_dev if split == "dev" else args.mlqe_train
        chosen += [(f"mlqe-{pair}", split, s) for s in pool[:cap]]
    return chosen


def extract(args: argparse.Namespace) -> None:
    from tqcheck.lm import load_scorer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sample = collect(args)
    # Dev first (it must be whole to compare heads), then training segments interleaved across
    # datasets, so that a run stopped early still covers every pair.
    random.Random(args.seed).shuffle(sample)
    sample.sort(key=lambda item: item[1] != "dev")
    scorer = load_scorer(batch_size=args.batch_size, threads=args.threads)
    layers = tuple(int(k) for k in args.layers.split(","))
    done = {int(p.stem.split("-")[1]) for p in out.glob("shard-*.npz")}
    started, tokens = time.perf_counter(), 0
    for shard, first in enumerate(range(0, len(sample), args.shard_size)):
        if shard in done:
            continue
        part = sample[first : first + args.shard_size]
        targets = [s.target for _, _, s in part]
        arrays: dict[str, np.ndarray] = {}
        for mode in MODES:
            prefixes = [s.source for _, _, s in part] if mode == "source" else None
            # The checker projects onto the vocabulary only in its target pass: so does training.
            project = mode == "target"
            features = scorer.token_features(targets, layers, prefixes=prefixes, project=project)
            states = np.concatenate([f.states for f in features])
            arrays[f"{mode}_states"] = np.clip(states, -STATE_LIMIT, STATE_LIMIT).astype(np.float16)
            if project:
                arrays["scalars"] = np.concatenate(
                    [np.array([f.logprobs, f.entropy, f.rank], dtype=np.float32).T for f in features]
                )
            token_spans = [f.spans for f in features]
        counts = np.array([len(s) for s in token_spans])
        labels = np.concatenate(
            [token_labels(spans, seg.spans) for spans, (_, _, seg) in zip(token_spans, part, strict=True)]
        )
        np.savez(
            out / f"shard-{shard:04d}.npz",
            counts=counts,
            labels=labels,
            layers=np.array(layers, dtype=np.int16),
            spans=np.concatenate([np.array(s, dtype=np.int32).reshape(-1, 2) for s in token_spans]),
            **arrays,
        )
        with (out / f"shard-{shard:04d}.jsonl").open("w", encoding="utf-8") as handle:
            for name, split, seg in part:
                record = {"dataset": name, "split": split, **seg.__dict__}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        tokens += int(counts.sum())
        elapsed = time.perf_counter() - started
        print(
            f"shard {shard}: {first + len(part)}/{len(sample)} segments, "
            f"{tokens / elapsed:.0f} target tokens/s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    ex = commands.add_parser("extract", help="cache the model's features for a sample of segments")
    ex.add_argument("--wmt", nargs="*", help="WMT MQM span TSV files (train/dev, never test)")
    ex.add_argument("--mlqe", nargs="*", help="MLQE-PE post-editing folders (train/dev, never test)")
    ex.add_argument("--out", required=True)
    ex.add_argument("--wmt-train", type=int, default=1800, help="segments per WMT pair for training")
    ex.add_argument("--wmt-dev", type=int, default=400, help="segments per WMT pair for dev")
    ex.add_argument("--mlqe-train", type=int, default=350)
    ex.add_argument("--mlqe-dev", type=int, default=200)
    ex.add_argument("--all-dev", action="store_true", help="every segment is dev (a whole held-out file)")
    ex.add_argument(
        "--exclude", nargs="*", help="feature folders whose segments this run leaves out (to add new ones)"
    )
    ex.add_argument("--layers", default="9,15,18", help="hidden-state layers to cache")
    ex.add_argument("--shard-size", type=int, default=128)
    ex.add_argument("--batch-size", type=int, default=16)
    ex.add_argument("--threads", type=int, default=None)
    ex.add_argument("--seed", type=int, default=13)
    ex.set_defaults(run=extract)
    try:
        from train.qe_fit import add_commands  # the training half, kept apart to stay readable
    except ImportError:
        add_commands = None
    if add_commands:
        add_commands(commands)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
