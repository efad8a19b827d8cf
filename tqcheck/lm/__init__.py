"""The language-model interface. Rules and commands use `Scorer`; only lm/hf.py imports torch."""

from __future__ import annotations

from typing import Protocol


class Scorer(Protocol):
    name: str


def load_scorer(
    model: str | None, device: str = "auto", batch_size: int = 8, threads: int | None = None
) -> Scorer:
    from tqcheck.lm.hf import load

    return load(model, device=device, batch_size=batch_size, threads=threads)
