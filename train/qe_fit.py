"""The training half of train/qe.py: fit the heads on cached features, calibrate, evaluate on dev."""

from __future__ import annotations

import argparse
import json
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tqcheck.qe import (
    BiGRU,
    Head,
    Thresholds,
    assemble_spans,
    design_matrix,
    expected_penalty,
    fuse,
    load_heads,
    save_heads,
    word_probabilities,
)
from tqcheck.qe_data import QESegment
from tqcheck.qe_eval import QEFigures, all_words_baseline, figures, random_baseline

MAJOR_FALSE_ALARM_RATE = 0.05  # share of error-free calibration segments allowed a major span


@dataclass
class Segment:
    dataset: str
    split: str
    qe: QESegment
    spans: np.ndarray
    labels: np.ndarray
    rows: dict[str, np.ndarray]  # mode -> design rows


OLD_SHARD_LAYERS = (6, 9, 12, 15, 18)  # shards written before they recorded their layers


def state_columns(cached: tuple[int, ...], layers: tuple[int, ...], width: int = 640) -> np.ndarray:
    """The columns of the cached states (of the `cached` layers) that hold `layers`."""
    missing = set(layers) - set(cached)
    if missing:
        raise SystemExit(f"layers {sorted(missing)} are not in the cached features ({list(cached)})")
    return np.concatenate([np.arange(cached.index(k) * width, (cached.index(k) + 1) * width) for k in layers])


def cached_layers(folder: Path) -> tuple[int, ...]:
    """The layers the first shard of a feature folder holds."""
    first = min(folder.glob("shard-*.npz"), default=None)
    if first is None:
        raise SystemExit(f"{folder}: no feature shards (run `train/qe.py extract` first)")
    with np.load(first) as data:
        return tuple(int(k) for k in data["layers"]) if "layers" in data else OLD_SHARD_LAYERS


def load_features(
    folders: Path | list[Path],
    layers: tuple[int, ...] | None = None,
    summary: str = "none",
    modes: tuple[str, ...] = ("target", "source"),
) -> list[Segment]:
    """The segments of one feature folder or several (a later extraction run that excluded the
    first folder's segments adds new ones in a folder of its own), with the design rows of
    `modes` (one mode halves the memory: a run that trains one head)."""
    folders = [folders] if isinstance(folders, Path) else folders
    segments: list[Segment] = []
    for folder in folders:
        segments += _load_folder(folder, layers, summary, modes)
    return segments


def _load_folder(
    folder: Path, layers: tuple[int, ...] | None, summary: str, modes: tuple[str, ...]
) -> list[Segment]:
    cached = cached_layers(folder)
    columns = state_columns(cached, layers or cached)
    segments: list[Segment] = []
    for shard in sorted(folder.glob("shard-*.npz")):
        records = [
            json.loads(line) for line in shard.with_suffix(".jsonl").read_text(encoding="utf-8").splitlines()
        ]
        with np.load(shard) as data:
            counts = data["counts"]
            # Held as float16, as the states were cached (half the memory: both modes of 20,000
            # segments fill 12 GB as float32); batches are standardised in float32.
            rows = {
                mode: design_matrix(
                    data[f"{mode}_states"][:, columns],
                    data["scalars"] if mode == "target" else None,
                    counts,
                    summary,
                ).astype(np.float16)
                for mode in modes
            }
            cursor = 0
            for record, count in zip(records, counts, strict=True):
                block = slice(cursor, cursor + int(count))
                cursor += int(count)
                qe = QESegment(
                    **{k: v for k, v in record.items() if k not in ("dataset", "split")},
                )
                qe.spans = [tuple(s) for s in qe.spans]
                if qe.words is not None:
                    qe.words = [tuple(w) for w in qe.words]
                segments.append(
                    Segment(
                        record["dataset"],
                        record["split"],
                        qe,
                        data["spans"][block],
                        data["labels"][block],
                        {mode: matrix[block] for mode, matrix in rows.items()},
                    )
                )
    return segments


def is_calibration(segment: Segment) -> bool:
    """A fifth of the training documents, for early stopping and thresholds (never dev)."""
    return zlib.crc32(segment.qe.doc.encode("utf-8")) // 5 % 5 == 0


def _module(width: int, hidden: int, context: int, recurrent: int = 0, dropout: float = 0.3):
    """The head as torch modules: input dropout, features → hidden units, then either a
    convolution over 2·context + 1 tokens' hidden units (zero beyond a segment's ends) or a
    bidirectional GRU of `recurrent` units a direction over the segment, one logit from both."""
    import torch

    class ContextHead(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.drop = torch.nn.Dropout(dropout)
            self.first = torch.nn.Linear(width, hidden)
            self.conv = (
                torch.nn.Conv1d(hidden, hidden, 2 * context + 1, padding=context)
                if context and not recurrent
                else None
            )
            self.gru = (
                torch.nn.GRU(hidden, recurrent, batch_first=True, bidirectional=True) if recurrent else None
            )
            reads = hidden + (hidden if self.conv is not None else 0) + 2 * recurrent
            self.out = torch.nn.Linear(reads, 1)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:  # x: (B, T, F), mask: (B, T)
            h = torch.relu(self.first(self.drop(x))) * mask[..., None]
            if self.conv is not None:
                c = torch.relu(self.conv(h.transpose(1, 2)).transpose(1, 2))
                h = torch.cat([h, c], dim=-1)
            elif self.gru is not None:
                # Packed, so that the backward direction starts at each segment's last real token.
                lengths = mask.sum(1).long().clamp(min=1).cpu()
                packed = torch.nn.utils.rnn.pack_padded_sequence(
                    h, lengths, batch_first=True, enforce_sorted=False
                )
                states, _ = self.gru(packed)
                states, _ = torch.nn.utils.rnn.pad_packed_sequence(
                    states, batch_first=True, total_length=h.shape[1]
                )
                h = torch.cat([h, states], dim=-1)
            return self.out(h).squeeze(-1)

    return ContextHead()


def standardisation(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean and standard deviation (+ 1e-4) over every token, accumulated segment by
    segment in float64 rather than from one stacked copy of the training set."""
    total = squares = None
    count = 0
    for row in rows:
        block = row.astype(np.float64)
        total = block.sum(0) if total is None else total + block.sum(0)
        squares = (block**2).sum(0) if squares is None else squares + (block**2).sum(0)
        count += len(block)
    mean = total / count
    variance = np.maximum(squares / count - mean**2, 0.0)
    return mean.astype(np.float32), (np.sqrt(variance) + 1e-4).astype(np.float32)


def _padded(rows: list[np.ndarray], labels: list[np.ndarray], mean: np.ndarray, scale: np.ndarray):
    """Segments as one zero-padded batch: standardised features, labels and the mask of real tokens."""
    import torch

    longest = max(len(r) for r in rows)
    x = np.zeros((len(rows), longest, rows[0].shape[1]), dtype=np.float32)
    y = np.zeros((len(rows), longest), dtype=np.float32)
    mask = np.zeros((len(rows), longest), dtype=np.float32)
    for i, (r, t) in enumerate(zip(rows, labels, strict=True)):
        x[i, : len(r)] = (r - mean) / scale
        y[i, : len(r)] = t
        mask[i, : len(r)] = 1.0
    return torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(mask)


def train_head(
    rows: list[np.ndarray],
    labels: list[np.ndarray],
    val_rows: list[np.ndarray],
    val_labels: list[np.ndarray],
    hidden: int,
    context: int,
    seed: int,
    recurrent: int = 0,
    learning_rate: float = 1e-3,
    dropout: float = 0.3,
):
    """Fit on whole segments (so the context layer sees each token's neighbours); early stopping on
    the calibration split's loss. Returns the standardisation, the module and its best loss."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    mean, scale = standardisation(rows)
    model = _module(len(mean), hidden, context, recurrent, dropout)
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.05)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")  # unweighted: probabilities stay calibrated
    order_by_length = np.argsort([len(labels) for labels in val_labels])
    val_batches = [
        _padded([val_rows[i] for i in chunk], [val_labels[i] for i in chunk], mean, scale)
        for chunk in np.array_split(order_by_length, max(1, len(val_rows) // 64))
    ]
    val_tokens = sum(len(labels) for labels in val_labels)
    best, best_state, patience = float("inf"), None, 0
    for _epoch in range(60):
        model.train()
        order = rng.permutation(len(rows))
        for first in range(0, len(order), 32):
            chunk = order[first : first + 32]
            x, y, mask = _padded([rows[i] for i in chunk], [labels[i] for i in chunk], mean, scale)
            optimiser.zero_grad()
            logits = model(x, mask)
            loss = loss_fn(logits[mask > 0], y[mask > 0]) / mask.sum()
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            val = sum(float(loss_fn(model(x, m)[m > 0], y[m > 0])) for x, y, m in val_batches) / val_tokens
        if val < best - 1e-4:
            best, patience = val, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            patience += 1
            if patience >= 5:
                break
    model.load_state_dict(best_state)
    return mean, scale, model, best


def probabilities(head: Head, segment: Segment, target: Head | None = None) -> np.ndarray:
    """A head's probabilities for a segment's tokens; a fusing source head's are fused with the
    target head's, as the checker fuses them."""
    p = head.probabilities(segment.rows[head.mode])
    if head.fuses_target:
        assert target is not None, "a fusing head needs the target head"
        p = fuse(target.probabilities(segment.rows["target"]), p)
    return p


def predict(head: Head, segment: Segment, threshold: float, target: Head | None = None):
    p = probabilities(head, segment, target)
    spans = [tuple(s) for s in segment.spans]
    found = assemble_spans(segment.qe.target, spans, p, threshold)
    words = word_probabilities(segment.qe.target, spans, p)
    return found, expected_penalty(words)


MIN_CALIBRATION_SEGMENTS = 100  # below this a pair or language keeps the shared thresholds


def thresholds_by_key(
    head: Head, calibration: list[Segment], target: Head | None = None
) -> dict[str, Thresholds]:
    """Thresholds per language pair and per target language, each from its own segments."""
    groups: dict[str, list[Segment]] = defaultdict(list)
    for s in calibration:
        groups[f"{s.qe.source_lang}-{s.qe.lang}"].append(s)
        groups[s.qe.lang].append(s)
    return {
        key: choose_thresholds(head, group, target)[0]
        for key, group in sorted(groups.items())
        if len(group) >= MIN_CALIBRATION_SEGMENTS
    }


def threshold_sweep(segments: list[Segment], probs: list[np.ndarray]) -> Iterator[tuple[float, QEFigures]]:
    """The figures of the spans marked at each candidate threshold, lowest threshold first."""
    qes = [s.qe for s in segments]
    for threshold in np.arange(0.05, 0.95, 0.025):
        predicted = [
            [(e.start, e.end) for e in assemble_spans(s.qe.target, [tuple(x) for x in s.spans], p, threshold)]
            for s, p in zip(segments, probs, strict=True)
        ]
        yield float(threshold), figures(qes, predicted, None)


def choose_thresholds(
    head: Head, calibration: list[Segment], target: Head | None = None
) -> tuple[Thresholds, float]:
    probs = [probabilities(head, s, target) for s in calibration]
    best = (-1.0, 0.5)
    for threshold, result in threshold_sweep(calibration, probs):
        if result.char_f1 > best[0]:
            best = (result.char_f1, threshold)
    minor = best[1]
    clean_peaks = sorted(
        float(p.max()) for s, p in zip(calibration, probs, strict=True) if not s.qe.spans and len(p)
    )
    if clean_peaks:
        index = min(len(clean_peaks) - 1, int(len(clean_peaks) * (1 - MAJOR_FALSE_ALARM_RATE)))
        major = max(minor, clean_peaks[index])
    else:
        major = max(minor, 0.9)
    return Thresholds(round(minor, 4), round(major, 4)), best[0]


def _recurrent(gru) -> BiGRU | None:
    """torch's GRU weights in the numpy head's layout (the same arrays, gate order kept)."""
    if gru is None:
        return None

    def direction(suffix: str):
        return tuple(
            getattr(gru, f"{name}_l0{suffix}").detach().numpy().copy()
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )

    return BiGRU(forward=direction(""), backward=direction("_reverse"))


def to_head(mode: str, mean, scale, model, uses_scalars: bool, summary: str) -> Head:
    conv = model.conv
    return Head(
        mode=mode,
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        hidden_weight=model.first.weight.detach().numpy().T.copy(),
        hidden_bias=model.first.bias.detach().numpy().copy(),
        out_weight=model.out.weight.detach().numpy()[0].copy(),
        out_bias=float(model.out.bias.detach()[0]),
        thresholds=Thresholds(0.5, 0.9),
        uses_scalars=uses_scalars,
        summary=summary,
        # torch's Conv1d weight is (out, in, taps); the numpy head wants (taps, in, out).
        context_weight=None if conv is None else conv.weight.detach().numpy().transpose(2, 1, 0).copy(),
        context_bias=None if conv is None else conv.bias.detach().numpy().copy(),
        recurrent=_recurrent(model.gru),
    )


def calibrated(
    head: Head, calibration: list[Segment], target: Head | None, fuse_source: bool
) -> tuple[Head, float]:
    """The head with thresholds chosen on the calibration split (on the fused probabilities for a
    source head that fuses with the target head), and its calibration character F1."""
    head = replace(head, fuses_target=fuse_source and head.mode == "source")
    thresholds, calibration_f1 = choose_thresholds(head, calibration, target)
    by_key = thresholds_by_key(head, calibration, target)
    return replace(head, thresholds=thresholds, by_key=by_key), calibration_f1


def recalibrate(args: argparse.Namespace) -> None:
    """Thresholds again for the heads of a file, optionally with the source head fused with the
    target head: what `fit --fuse` does after training, for heads already trained."""
    loaded = load_heads(Path(args.head))
    calibration = [
        s
        for s in load_features([Path(f) for f in args.features], loaded.layers, "none")
        if s.split == "train" and is_calibration(s)
    ]
    heads: dict[str, Head] = {}
    for mode in ("target", "source"):
        head = loaded.head(mode)
        if head is not None:
            heads[mode], calibration_f1 = calibrated(head, calibration, heads.get("target"), args.fuse)
            print(f"{mode}: character F1 {calibration_f1:.3f}, thresholds {heads[mode].thresholds}")
    card = {**loaded.card, "source_fuses_target": args.fuse}
    save_heads(Path(args.out), loaded.model, loaded.layers, loaded.hidden_size, heads, card)
    print(f"wrote {args.out}")


def merge(args: argparse.Namespace) -> None:
    """One head file from heads trained apart (a `--modes target` run and a `--modes source` run,
    side by side on two cores, or one head of an earlier file: `OLD.npz:source`): each mode from
    the file that gives it, with the training data of each mode in the card. `recalibrate --fuse`
    then sets the thresholds of the pair."""
    heads: dict[str, Head] = {}
    trained_on: dict[str, dict] = {}
    files = []
    for argument in args.heads:
        path, _, wanted = argument.partition(":")
        loaded = load_heads(Path(path))
        files.append(loaded)
        for mode in wanted.split(",") if wanted else sorted(loaded.heads):
            if loaded.head(mode) is None:
                raise SystemExit(f"{path} holds no {mode} head")
            if mode in heads:
                raise SystemExit(f"two files hold a {mode} head: give each mode once")
            heads[mode] = loaded.head(mode)
            trained_on[mode] = loaded.card.get("trained_on", {})
    if len({(loaded.model, tuple(loaded.layers), loaded.hidden_size) for loaded in files}) > 1:
        raise SystemExit(f"{args.heads}: the heads read different models or layers")
    everything: dict[str, int] = {}
    for data in trained_on.values():
        for dataset, count in data.items():
            everything[dataset] = max(everything.get(dataset, 0), count)
    card = {**files[0].card, "trained_on": everything, "trained_on_by_mode": trained_on}
    save_heads(Path(args.out), files[0].model, files[0].layers, files[0].hidden_size, heads, card)
    print(f"wrote {args.out} ({', '.join(sorted(heads))})")


def compare(args: argparse.Namespace) -> None:
    """Head files side by side on the calibration split (never dev): per mode, the token loss, and
    over the datasets the mean of (F1 / all-words F1) at thresholds chosen on these same segments
    (optimistic alike for every head) and the mean Kendall τ; then the WMT datasets alone."""
    files = [(path, load_heads(Path(path))) for path in args.heads]
    calibration = [
        s
        for s in load_features([Path(f) for f in args.features], files[0][1].layers, "none")
        if s.split == "train" and is_calibration(s) and len(s.labels)
    ]
    groups: dict[str, list[Segment]] = defaultdict(list)
    for s in calibration:
        groups[s.dataset].append(s)
    labels = np.concatenate([s.labels for s in calibration]).astype(np.float64)
    print(f"{len(calibration)} calibration segments, {len(labels)} tokens")
    print(f"{'head':40} {'mode':6} {'loss':>7} {'F1/all':>7} {'τ':>6} {'WMT F1/all':>10} {'WMT τ':>6}")
    for path, heads in files:
        for mode in ("target", "source"):
            head = heads.head(mode)
            if head is None:
                continue
            probs = {id(s): probabilities(head, s, heads.head("target")) for s in calibration}
            p = np.clip(np.concatenate([probs[id(s)] for s in calibration]), 1e-6, 1 - 1e-6)
            loss = float(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)).mean())
            ratios, taus, wmt_ratios, wmt_taus = [], [], [], []
            for dataset, group in sorted(groups.items()):
                ratio, tau = _best_ratio_and_tau(group, [probs[id(s)] for s in group])
                ratios.append(ratio)
                taus.append(tau)
                if dataset.startswith("wmt"):
                    wmt_ratios.append(ratio)
                    wmt_taus.append(tau)
            print(
                f"{Path(path).name:40} {mode:6} {loss:7.4f} {np.mean(ratios):7.3f} {np.mean(taus):6.3f} "
                f"{np.mean(wmt_ratios):10.3f} {np.mean(wmt_taus):6.3f}",
                flush=True,
            )


# Segment scores to rank by, from the words' P(error) (`scores` compares them; the checker uses
# the first, `expected_penalty`).
SCORE_VARIANTS = {
    "expected erroneous words (shipped)": lambda p: float(p.sum()),
    "sum of -log(1 - p)": lambda p: float(-np.log1p(-np.clip(p, 0.0, 0.999)).sum()),
    "sum of p squared": lambda p: float((p**2).sum()),
    "words above 0.3": lambda p: float((p > 0.3).sum() + 1e-3 * p.sum()),
    "sum over sqrt(words)": lambda p: float(p.sum() / np.sqrt(max(len(p), 1))),
    "top three words": lambda p: float(np.sort(p)[-3:].sum()),
    "most suspect word": lambda p: float(p.max()) if len(p) else 0.0,
    "mean word": lambda p: float(p.mean()) if len(p) else 0.0,
}


def scores(args: argparse.Namespace) -> None:
    """Segment-score formulas side by side on the calibration split's WMT sets (never dev): the
    Kendall τ of each against the human MQM penalty, per set and mode."""
    heads = load_heads(Path(args.head))
    calibration = [
        s
        for s in load_features([Path(f) for f in args.features], heads.layers, "none")
        if s.split == "train" and is_calibration(s) and len(s.labels) and s.dataset.startswith("wmt")
    ]
    groups: dict[str, list[Segment]] = defaultdict(list)
    for s in calibration:
        groups[s.dataset].append(s)
    for mode in ("target", "source"):
        head = heads.head(mode)
        if head is None:
            continue
        words = {
            id(s): np.array(
                [
                    p
                    for _, _, p in word_probabilities(
                        s.qe.target, [tuple(x) for x in s.spans], probabilities(head, s, heads.head("target"))
                    )
                ]
            )
            for s in calibration
        }
        print(f"{mode}: " + "  ".join(sorted(groups)) + "  mean")
        for name, score in SCORE_VARIANTS.items():
            taus = [
                figures(
                    [s.qe for s in group],
                    [[] for _ in group],
                    [score(words[id(s)]) if len(words[id(s)]) else 0.0 for s in group],
                ).kendall_tau
                or 0.0
                for _, group in sorted(groups.items())
            ]
            print(
                f"  {name:38} " + "  ".join(f"{t:.3f}" for t in taus) + f"  {np.mean(taus):.3f}", flush=True
            )


def _best_ratio_and_tau(group: list[Segment], probs: list[np.ndarray]) -> tuple[float, float]:
    qes = [s.qe for s in group]
    best = 0.0
    for _, result in threshold_sweep(group, probs):
        best = max(best, result.bad_word_f1 if result.bad_word_f1 is not None else result.char_f1)
    scores = [
        expected_penalty(word_probabilities(s.qe.target, [tuple(x) for x in s.spans], p))
        for s, p in zip(group, probs, strict=True)
    ]
    tau = figures(qes, [[] for _ in group], scores).kendall_tau or 0.0
    base = all_words_baseline(qes)
    baseline = base.bad_word_f1 if base.bad_word_f1 is not None else base.char_f1
    return best / baseline, tau


def fit(args: argparse.Namespace) -> None:
    layers = (
        tuple(int(k) for k in args.layers.split(","))
        if args.layers
        else cached_layers(Path(args.features[0]))
    )
    modes = tuple(args.modes.split(","))
    segments = load_features([Path(f) for f in args.features], layers, args.summary, modes)
    train = [s for s in segments if s.split == "train"]
    fitting = [s for s in train if not is_calibration(s)]
    calibration = [s for s in train if is_calibration(s)]
    print(
        f"{len(fitting)} training, {len(calibration)} calibration, "
        f"{sum(s.split == 'dev' for s in segments)} dev segments (dev unused here)"
    )
    heads = {}
    for mode in modes:
        usable = [s for s in fitting if len(s.labels)]
        held = [s for s in calibration if len(s.labels)]
        mean, scale, model, loss = train_head(
            [s.rows[mode] for s in usable],
            [s.labels for s in usable],
            [s.rows[mode] for s in held],
            [s.labels for s in held],
            args.hidden,
            args.context,
            args.seed,
            recurrent=args.recurrent,
            learning_rate=args.learning_rate,
            dropout=args.dropout,
        )
        head = to_head(mode, mean, scale, model, uses_scalars=mode == "target", summary=args.summary)
        head, calibration_f1 = calibrated(head, calibration, heads.get("target"), args.fuse)
        heads[mode] = head
        print(f"  by pair and language: { {k: t.minor for k, t in head.by_key.items()} }")
        print(
            f"{mode}: {sum(len(s.labels) for s in usable)} tokens × {head.width} features, "
            f"calibration loss {loss:.4f}, "
            f"character F1 {calibration_f1:.3f}, thresholds minor {head.thresholds.minor} major {head.thresholds.major}"
        )
    by_dataset = defaultdict(int)
    for s in fitting + calibration:
        by_dataset[s.dataset] += 1
    card = {
        "trained_on": dict(sorted(by_dataset.items())),
        "layers": list(layers),
        "hidden_units": args.hidden,
        "context": 0 if args.recurrent else args.context,
        "recurrent_units": args.recurrent,
        "learning_rate": args.learning_rate,
        "dropout": args.dropout,
        "summary": args.summary,
        "source_fuses_target": args.fuse,
        "seed": args.seed,
    }
    save_heads(Path(args.out), "gemma-3-270m", layers, 640, heads, card)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.1f} MB)")


def evaluate(args: argparse.Namespace) -> None:
    heads = load_heads(Path(args.head))
    summary = heads.head("target").summary
    dev = [
        s for s in load_features([Path(f) for f in args.features], heads.layers, summary) if s.split == "dev"
    ]
    groups: dict[str, list[Segment]] = defaultdict(list)
    for s in dev:
        groups[s.dataset].append(s)
    table = []
    for dataset, group in sorted(groups.items()):
        qes = [s.qe for s in group]
        row = {"dataset": dataset, "segments": len(group)}
        for mode in ("target", "source"):
            head = heads.head(mode)
            predicted, scores, clean_majors = [], [], 0
            for s in group:
                thresholds = head.thresholds_for(s.qe.lang, s.qe.source_lang)
                found, score = predict(head, s, thresholds.minor, heads.head("target"))
                predicted.append([(e.start, e.end) for e in found])
                scores.append(score)
                if not s.qe.spans and any(e.probability >= thresholds.major for e in found):
                    clean_majors += 1
            result = figures(qes, predicted, scores)
            clean = sum(not s.qe.spans for s in group)
            row[mode] = {**result.to_json(), "clean_with_major": f"{clean_majors}/{clean}"}
        row["all_words"] = all_words_baseline(qes).to_json()
        row["random"] = random_baseline(qes).to_json()
        table.append(row)
    if args.json:
        print(json.dumps(table, indent=2))
        return
    if args.markdown:
        print_markdown(table)
        return
    key = "bad_word_f1"
    print(
        f"{'dataset':16} {'segs':>5} {'F1 tgt':>7} {'F1 src':>7} {'F1 all':>7} {'F1 rnd':>7} {'×all':>5} "
        f"{'τ tgt':>6} {'τ src':>6} {'segF1 src':>9} {'segF1 all':>9} {'clean w/ major (src)':>21}"
    )
    for row in table:
        measure = key if row["all_words"][key] is not None else "char_f1"
        best = max(row["target"][measure], row["source"][measure])
        ratio = best / row["all_words"][measure] if row["all_words"][measure] else float("nan")
        print(
            f"{row['dataset']:16} {row['segments']:5d} {row['target'][measure]:7.3f} {row['source'][measure]:7.3f} "
            f"{row['all_words'][measure]:7.3f} {row['random'][measure]:7.3f} {ratio:5.2f} "
            f"{_tau(row['target']):>6} {_tau(row['source']):>6} {row['source']['segment_f1']:9.3f} "
            f"{row['all_words']['segment_f1']:9.3f} {row['source']['clean_with_major']:>21}"
        )


def print_markdown(table: list[dict]) -> None:
    """The dev table as the model card and the README show it."""
    print(
        "| dev set | segments | F1 target-only | F1 with source | all words marked | random at gold rate "
        "| with source / all words | τ target-only | τ with source | segment F1 with source (all words) "
        "| error-free with a major (with source) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in table:
        measure = "bad_word_f1" if row["all_words"]["bad_word_f1"] is not None else "char_f1"
        ratio = (
            f"{row['source'][measure] / row['all_words'][measure]:.2f}×" if row["all_words"][measure] else "—"
        )
        print(
            f"| {row['dataset']} | {row['segments']} | {row['target'][measure]:.3f} | {row['source'][measure]:.3f} "
            f"| {row['all_words'][measure]:.3f} | {row['random'][measure]:.3f} | {ratio} "
            f"| {_tau(row['target'])} | {_tau(row['source'])} "
            f"| {row['source']['segment_f1']:.3f} ({row['all_words']['segment_f1']:.3f}) "
            f"| {row['source']['clean_with_major'].replace('/', ' of ')} |"
        )


def _tau(figures_row: dict) -> str:
    tau = figures_row["kendall_tau"]
    return "—" if tau is None else f"{tau:.3f}"


def add_commands(commands) -> None:
    fit_parser = commands.add_parser("fit", help="train the heads and calibrate their thresholds")
    fit_parser.add_argument("--features", nargs="+", required=True, help="one or more feature folders")
    fit_parser.add_argument("--out", required=True)
    fit_parser.add_argument("--hidden", type=int, default=64)
    fit_parser.add_argument("--layers", default=None, help="a subset of the cached layers (default: all)")
    fit_parser.add_argument(
        "--context", type=int, default=2, help="tokens each side the head's convolution reads (0: none)"
    )
    fit_parser.add_argument(
        "--recurrent",
        type=int,
        default=0,
        help="units a direction of a bidirectional GRU over the sentence, instead of the convolution",
    )
    fit_parser.add_argument("--learning-rate", type=float, default=1e-3)
    fit_parser.add_argument("--dropout", type=float, default=0.3, help="on the input features")
    fit_parser.add_argument("--seed", type=int, default=13)
    fit_parser.add_argument("--summary", default="none", choices=("none", "mean", "last"))
    fit_parser.add_argument(
        "--modes", default="target,source", help="the heads to train (a file with one is for comparisons)"
    )
    fit_parser.add_argument(
        "--fuse",
        action="store_true",
        help="with a source, fuse the source head's probabilities with the target head's (log-odds mean)",
    )
    fit_parser.set_defaults(run=fit)
    again = commands.add_parser("recalibrate", help="choose a head file's thresholds again (with --fuse)")
    again.add_argument("--features", nargs="+", required=True, help="the feature folders of the training")
    again.add_argument("--head", required=True)
    again.add_argument("--fuse", action="store_true", help="fuse the source head with the target head")
    again.add_argument("--out", required=True)
    again.set_defaults(run=recalibrate)
    joined = commands.add_parser("merge", help="one head file from heads trained in separate runs")
    joined.add_argument(
        "--heads",
        nargs="+",
        required=True,
        help="head files, each optionally with the modes to take (FILE:source)",
    )
    joined.add_argument("--out", required=True)
    joined.set_defaults(run=merge)
    side = commands.add_parser("compare", help="head files side by side on the calibration split")
    side.add_argument("--features", nargs="+", required=True, help="the feature folders of the training")
    side.add_argument("--heads", nargs="+", required=True)
    side.set_defaults(run=compare)
    ranking = commands.add_parser(
        "scores", help="segment-score formulas side by side on the calibration split"
    )
    ranking.add_argument("--features", nargs="+", required=True, help="the feature folders of the training")
    ranking.add_argument("--head", required=True)
    ranking.set_defaults(run=scores)
    eval_parser = commands.add_parser("evaluate", help="figures on the dev split, with the baselines")
    eval_parser.add_argument("--features", nargs="+", required=True, help="one or more feature folders")
    eval_parser.add_argument("--head", required=True)
    eval_parser.add_argument("--json", action="store_true")
    eval_parser.add_argument("--markdown", action="store_true", help="the table as the model card shows it")
    eval_parser.set_defaults(run=evaluate)
