"""The word-level quality-estimation head (TQ306): per-token error probabilities from the model.

The head reads what the scorer's forward pass already computes — hidden states of a few layers,
and in the target-only mode the token's log-probability, the entropy and the token's rank in the
distribution that predicted it, with its neighbours' — and returns P(token lies inside a
human-marked error span). A causal model's state has not read the words after it, so the head
adds right context over its own hidden units: a convolution over the neighbouring tokens, or a
bidirectional GRU over the whole sentence. It is trained by `train/qe.py` on WMT MQM annotations
and MLQE-PE post-edits and shipped as an npz file per model in `data/qe/`; numpy applies it, so
it costs nothing next to the model.

Two modes, one head each:
  * `target`: the translation alone (an article without its source);
  * `source`: each translated sentence read after its aligned source sentence, so that every
    state has seen the source (`--source`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import regex

from tqcheck.errors import ModelError

MODES = ("target", "source")  # the translation alone; the translation read after its source
STATE_LIMIT = 60000.0
HEAD_DIR = Path(__file__).parent / "data" / "qe"
FORMAT_VERSION = 1
CONTEXT_ARRAYS = ("context_weight", "context_bias")  # optional: heads without them read no right context
GRU_ARRAYS = ("input_weight", "state_weight", "input_bias", "state_bias")  # per direction, torch's layout
WORD_CHARS = regex.compile(r"[\p{L}\p{M}\p{N}'’-]")


def token_labels(
    token_spans: Sequence[tuple[int, int]], error_spans: Sequence[tuple[int, int, str]]
) -> np.ndarray:
    """1 for each token that overlaps an error span, else 0."""
    labels = np.zeros(len(token_spans), dtype=np.int8)
    for index, (start, end) in enumerate(token_spans):
        if any(start < e and s < end for s, e, _ in error_spans):
            labels[index] = 1
    return labels


def design_matrix(
    states: np.ndarray, scalars: np.ndarray | None, counts: Sequence[int], summary: str = "none"
) -> np.ndarray:
    """Each token's input row: its states and scalars, then its right neighbour's scalars (zeros at
    a segment's end) and its left neighbour's. `counts` gives the tokens of each segment (sentence)
    in order, so that neighbours never cross from one segment into the next.

    `summary` adds what a causal state lacks, the rest of the sentence: "mean" appends the mean of
    the segment's states to each of its tokens, "last" the state of its last token (which has read
    the whole segment)."""
    # A few of Gemma's residual dimensions reach past float16's range (the cached training
    # features are float16): clip them the same way everywhere.
    states = np.clip(states.astype(np.float32), -STATE_LIMIT, STATE_LIMIT)
    parts = [states]
    if summary != "none":
        context = np.zeros_like(states)
        cursor = 0
        for count in counts:
            if count:
                block = slice(cursor, cursor + count)
                picked = states[block].mean(0) if summary == "mean" else states[cursor + count - 1]
                context[block] = picked
            cursor += count
        parts.append(context)
    if scalars is not None and scalars.shape[1]:
        scalars = scalars.astype(np.float32)
        right = np.zeros_like(scalars)
        left = np.zeros_like(scalars)
        cursor = 0
        for count in counts:
            block = slice(cursor, cursor + count)
            right[block][:-1] = scalars[block][1:]
            left[block][1:] = scalars[block][:-1]
            cursor += count
        parts += [scalars, right, left]
    return np.concatenate(parts, axis=1)


@dataclass(frozen=True)
class Thresholds:
    minor: float  # P(error) at which a token is marked (best character F1 on the calibration split)
    major: float  # P(error) at which a span is major (few error-free calibration segments reach it)


@dataclass(frozen=True)
class BiGRU:
    """A bidirectional GRU over a segment's hidden units, so that each token's judgement reads the
    whole sentence on both sides (a causal model's state has read only its left). The arrays keep
    torch's layout and gate order (reset, update, new): `input_weight` (3U, H), `state_weight`
    (3U, U), biases (3U,), for the forward and the backward direction."""

    forward: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    backward: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

    @property
    def units(self) -> int:
        return int(self.forward[1].shape[1])

    def run(self, hidden: np.ndarray, counts: Sequence[int]) -> np.ndarray:
        """Both directions' states for every token, each segment read on its own (as in training)."""
        out = np.empty((hidden.shape[0], 2 * self.units), dtype=np.float32)
        cursor = 0
        for count in counts:
            block = hidden[cursor : cursor + count]
            out[cursor : cursor + count, : self.units] = _gru_pass(block, self.forward)
            out[cursor : cursor + count, self.units :] = _gru_pass(block[::-1], self.backward)[::-1]
            cursor += count
        return out


def _gru_pass(inputs: np.ndarray, weights: tuple[np.ndarray, ...]) -> np.ndarray:
    input_weight, state_weight, input_bias, state_bias = weights
    units = state_weight.shape[1]
    projected = inputs @ input_weight.T + input_bias  # every step's input part at once
    state = np.zeros(units, dtype=np.float32)
    states = np.empty((len(inputs), units), dtype=np.float32)
    for step in range(len(inputs)):
        recurrent = state_weight @ state + state_bias
        reset = _sigmoid(projected[step, :units] + recurrent[:units])
        update = _sigmoid(projected[step, units : 2 * units] + recurrent[units : 2 * units])
        new = np.tanh(projected[step, 2 * units :] + reset * recurrent[2 * units :])
        state = (1.0 - update) * new + update * state
        states[step] = state
    return states


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def fuse(target: np.ndarray, source: np.ndarray) -> np.ndarray:
    """The mean of two heads' probabilities in log-odds, token by token."""
    a = np.clip(target, 1e-6, 1 - 1e-6)
    b = np.clip(source, 1e-6, 1 - 1e-6)
    return _sigmoid(0.5 * (np.log(a / (1 - a)) + np.log(b / (1 - b)))).astype(np.float32)


@dataclass(frozen=True)
class Head:
    """A small network over standardised token features, for one mode of one model: hidden units,
    optionally right context over them (a convolution or a GRU), one logit."""

    mode: str
    mean: np.ndarray
    scale: np.ndarray
    hidden_weight: np.ndarray
    hidden_bias: np.ndarray
    out_weight: np.ndarray
    out_bias: float
    thresholds: Thresholds
    uses_scalars: bool
    summary: str = "none"  # the sentence context design_matrix adds ("none", "mean", "last")
    # Thresholds calibrated for one language pair ("en-de") or one target language ("de"), where
    # the calibration split had enough segments of it; `thresholds` serves the rest.
    by_key: dict[str, Thresholds] = field(default_factory=dict)
    # Right context: a convolution over the hidden units of the neighbouring tokens, (2k+1, H, H),
    # whose output the final layer reads beside each token's own units. A causal model's state has
    # not read the words after it; the convolution lets a token's judgement see them. None: none.
    context_weight: np.ndarray | None = None
    context_bias: np.ndarray | None = None
    # Or the whole sentence: a bidirectional GRU over the hidden units, read beside them likewise.
    recurrent: BiGRU | None = None
    # With a source, the checker has run both passes: a fusing source head's answer for a token is
    # the mean, in log-odds, of its own probability and the target head's (two views of the token
    # and two independently trained heads; its thresholds are calibrated on that mean).
    fuses_target: bool = False

    def thresholds_for(self, lang: str, source_lang: str | None = None) -> Thresholds:
        if source_lang and f"{source_lang}-{lang}" in self.by_key:
            return self.by_key[f"{source_lang}-{lang}"]
        return self.by_key.get(lang, self.thresholds)

    @property
    def width(self) -> int:
        return int(self.mean.shape[0])

    def probabilities(self, rows: np.ndarray, counts: Sequence[int] | None = None) -> np.ndarray:
        """P(error) for each row of a design matrix; `counts` gives the tokens of each segment in
        order (the right-context convolution does not cross segments), one segment by default."""
        if rows.shape[1] != self.width:
            raise ModelError(
                f"the {self.mode} head expects {self.width} features per token, got {rows.shape[1]}"
            )
        z = (rows - self.mean) / self.scale
        hidden = np.maximum(z @ self.hidden_weight + self.hidden_bias, 0.0)
        counts = [len(rows)] if counts is None else counts
        if self.context_weight is not None:
            hidden = np.concatenate([hidden, self._context(hidden, counts)], axis=1)
        elif self.recurrent is not None:
            hidden = np.concatenate([hidden, self.recurrent.run(hidden, counts)], axis=1)
        return _sigmoid(hidden @ self.out_weight + self.out_bias)

    def _context(self, hidden: np.ndarray, counts: Sequence[int]) -> np.ndarray:
        """The convolution over each segment's tokens, zeros beyond its ends (as in training)."""
        assert self.context_weight is not None and self.context_bias is not None
        taps = self.context_weight.shape[0]
        reach = taps // 2
        out = np.empty((hidden.shape[0], self.context_weight.shape[2]), dtype=np.float32)
        cursor = 0
        for count in counts:
            block = hidden[cursor : cursor + count]
            padded = np.zeros((count + 2 * reach, hidden.shape[1]), dtype=np.float32)
            padded[reach : reach + count] = block
            total = np.broadcast_to(self.context_bias, (count, self.context_bias.shape[0])).copy()
            for tap in range(taps):
                total += padded[tap : tap + count] @ self.context_weight[tap]
            out[cursor : cursor + count] = np.maximum(total, 0.0)
            cursor += count
        return out


@dataclass(frozen=True)
class HeadSet:
    """The heads trained for one model, with what they were trained on."""

    model: str
    layers: tuple[int, ...]
    hidden_size: int
    heads: dict[str, Head]
    card: dict
    digest: str

    def head(self, mode: str) -> Head | None:
        return self.heads.get(mode)


def save_heads(
    path: Path, model: str, layers: Sequence[int], hidden_size: int, heads: dict[str, Head], card: dict
) -> None:
    arrays: dict[str, np.ndarray] = {}
    meta = {
        "format": FORMAT_VERSION,
        "model": model,
        "layers": list(layers),
        "hidden_size": hidden_size,
        "card": card,
        "heads": {},
    }
    for mode, head in heads.items():
        for name in ("mean", "scale", "hidden_weight", "hidden_bias", "out_weight", *CONTEXT_ARRAYS):
            if getattr(head, name) is not None:
                arrays[f"{mode}.{name}"] = getattr(head, name).astype(
                    np.float16 if "weight" in name else np.float32
                )
        if head.recurrent is not None:
            for direction in ("forward", "backward"):
                for name, array in zip(GRU_ARRAYS, getattr(head.recurrent, direction), strict=True):
                    # float32: a recurrence compounds rounding over a sentence's tokens (0.3 MB a head).
                    arrays[f"{mode}.gru.{direction}.{name}"] = array.astype(np.float32)
        meta["heads"][mode] = {
            "out_bias": float(head.out_bias),
            "minor": head.thresholds.minor,
            "major": head.thresholds.major,
            "uses_scalars": head.uses_scalars,
            "summary": head.summary,
            "fuses_target": head.fuses_target,
            "by_key": {key: [t.minor, t.major] for key, t in sorted(head.by_key.items())},
        }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def load_heads(path: Path) -> HeadSet:
    """Read a head file; anything malformed is a ModelError naming the file."""
    try:
        raw = path.read_bytes()
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT_VERSION}")
            heads = {}
            for mode, info in meta["heads"].items():
                heads[mode] = Head(
                    mode=mode,
                    mean=data[f"{mode}.mean"].astype(np.float32),
                    scale=data[f"{mode}.scale"].astype(np.float32),
                    hidden_weight=data[f"{mode}.hidden_weight"].astype(np.float32),
                    hidden_bias=data[f"{mode}.hidden_bias"].astype(np.float32),
                    out_weight=data[f"{mode}.out_weight"].astype(np.float32),
                    out_bias=float(info["out_bias"]),
                    thresholds=Thresholds(float(info["minor"]), float(info["major"])),
                    uses_scalars=bool(info["uses_scalars"]),
                    summary=str(info.get("summary", "none")),
                    fuses_target=bool(info.get("fuses_target", False)),
                    by_key={
                        str(key): Thresholds(float(pair[0]), float(pair[1]))
                        for key, pair in info.get("by_key", {}).items()
                    },
                    **{
                        name: data[f"{mode}.{name}"].astype(np.float32)
                        for name in CONTEXT_ARRAYS
                        if f"{mode}.{name}" in data
                    },
                    recurrent=_load_recurrent(data, mode),
                )
                _check_shapes(heads[mode])
            for head in heads.values():
                if head.fuses_target and (head.mode == "target" or "target" not in heads):
                    raise ValueError(f"the {head.mode} head fuses with a target head the file lacks")
            return HeadSet(
                model=str(meta["model"]),
                layers=tuple(int(k) for k in meta["layers"]),
                hidden_size=int(meta["hidden_size"]),
                heads=heads,
                card=dict(meta.get("card", {})),
                digest=hashlib.sha256(raw).hexdigest()[:12],
            )
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: not a usable quality-estimation head ({error})") from error


def _load_recurrent(data, mode: str) -> BiGRU | None:
    """The head's GRU, when its file has one (all eight arrays, or it is malformed)."""
    names = [f"{mode}.gru.{d}.{n}" for d in ("forward", "backward") for n in GRU_ARRAYS]
    present = [name in data for name in names]
    if not any(present):
        return None
    if not all(present):
        raise ValueError(f"the {mode} head has part of a recurrent layer")
    arrays = [data[name].astype(np.float32) for name in names]
    return BiGRU(forward=tuple(arrays[:4]), backward=tuple(arrays[4:]))  # type: ignore[arg-type]


def _check_shapes(head: Head) -> None:
    """The arrays of one head must chain: features → hidden units (→ context) → one logit."""
    hidden = head.hidden_weight.shape[1]
    if head.hidden_weight.shape[0] != head.width:
        raise ValueError(f"the {head.mode} head's layers do not fit each other")
    if (head.context_weight is None) != (head.context_bias is None):
        raise ValueError(f"the {head.mode} head has half a context layer")
    reads = hidden
    if head.context_weight is not None:
        taps, inputs, outputs = head.context_weight.shape
        if taps % 2 != 1 or inputs != hidden or head.context_bias.shape != (outputs,):  # type: ignore[union-attr]
            raise ValueError(f"the {head.mode} head's context layer does not fit its hidden layer")
        reads += outputs
    if head.recurrent is not None:
        if head.context_weight is not None:
            raise ValueError(f"the {head.mode} head has both a context and a recurrent layer")
        units = head.recurrent.units
        for direction in (head.recurrent.forward, head.recurrent.backward):
            shapes = tuple(array.shape for array in direction)
            if shapes != ((3 * units, hidden), (3 * units, units), (3 * units,), (3 * units,)):
                raise ValueError(f"the {head.mode} head's recurrent layer does not fit its hidden layer")
        reads += 2 * units
    if head.out_weight.shape != (reads,):
        raise ValueError(f"the {head.mode} head's output layer does not fit the layer below")


def head_path(model: str) -> Path:
    return HEAD_DIR / f"{model}.npz"


@cache
def heads_for(model: str) -> HeadSet | None:
    """The shipped heads for a model, or None when none was trained for it."""
    path = head_path(model)
    return load_heads(path) if path.is_file() else None


def check_fits(heads: HeadSet, path_hint: str, hidden_size: int, layer_count: int) -> None:
    """A head trained for another model's shape is a one-line error naming its file."""
    if heads.hidden_size != hidden_size or max(heads.layers) > layer_count:
        raise ModelError(
            f"{path_hint}: the quality-estimation head was trained for {heads.hidden_size}-wide states "
            f"of layers {list(heads.layers)}, but the model has {hidden_size}-wide states and "
            f"{layer_count} layers"
        )


# ---- from token probabilities to spans and scores --------------------------------------------


def word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words (a token is often a piece of one); spaces trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start > 0 and WORD_CHARS.match(text[start - 1]) and WORD_CHARS.match(text[start]):
        start -= 1
    while end < len(text) and WORD_CHARS.match(text[end]) and WORD_CHARS.match(text[end - 1]):
        end += 1
    return start, end


@dataclass(frozen=True)
class ErrorSpan:
    start: int
    end: int
    probability: float  # the highest token probability inside the span


def assemble_spans(
    text: str, token_spans: Sequence[tuple[int, int]], probabilities: Sequence[float], threshold: float
) -> list[ErrorSpan]:
    """Contiguous runs of marked tokens, widened to whole words; runs separated by white space
    only are joined, runs across punctuation or an unmarked word are not."""
    spans: list[ErrorSpan] = []
    for (start, end), p in zip(token_spans, probabilities, strict=True):
        if p < threshold or end <= start:
            continue
        start, end = word_bounds(text, start, end)
        if start >= end:
            continue
        if spans and not text[spans[-1].end : start].strip():
            last = spans[-1]
            spans[-1] = ErrorSpan(last.start, max(last.end, end), max(last.probability, float(p)))
        else:
            spans.append(ErrorSpan(start, end, float(p)))
    return spans


def word_probabilities(
    text: str, token_spans: Sequence[tuple[int, int]], probabilities: Sequence[float]
) -> list[tuple[int, int, float]]:
    """Each word's P(error): that of its most suspect token."""
    words: dict[tuple[int, int], float] = {}
    for (start, end), p in zip(token_spans, probabilities, strict=True):
        bounds = word_bounds(text, start, end)
        if bounds[1] > bounds[0] and any(WORD_CHARS.match(c) for c in text[bounds[0] : bounds[1]]):
            words[bounds] = max(words.get(bounds, 0.0), float(p))
    return [(s, e, p) for (s, e), p in sorted(words.items())]


def expected_penalty(word_probs: Sequence[tuple[int, int, float]]) -> float:
    """The segment score the rankings use: expected number of erroneous words (higher is worse)."""
    return float(sum(p for _, _, p in word_probs))


def quality(word_probs: Sequence[tuple[int, int, float]]) -> float:
    """0–100, higher is better: 100 × (1 − the expected share of erroneous words)."""
    if not word_probs:
        return 100.0
    return round(100.0 * (1.0 - expected_penalty(word_probs) / len(word_probs)), 2)
