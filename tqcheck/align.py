"""Sentence alignment of a source and its translation (Gale & Church 1993, with anchors).

Sentences (headings included) are aligned over the whole article by dynamic programming on
their lengths: the translation's length should be the source's times the article's own length
ratio, and 1–1 pairs are far more likely than merges (2–1, 1–2) or gaps (1–0, 0–1). Shared
numbers, URLs and Latin-script names make a pair cheaper, so a dropped sentence does not shift
every later pair. Merged and split sentences come out as 2–1 and 1–2 pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import regex

from tqcheck.document import Document, Sentence
from tqcheck.text import fold

# Prior probability of each alignment type (after Gale & Church 1993).
# Machine translation goes sentence by sentence: it sometimes splits a long sentence but seldom
# merges two, so a merge is priced like a gap and a short dropped sentence is not absorbed by its
# neighbour.
PRIORS = {(1, 1): 0.89, (1, 0): 0.01, (0, 1): 0.01, (1, 2): 0.045, (2, 1): 0.01, (1, 3): 0.005, (3, 1): 0.002}
VARIANCE = 6.8  # Gale & Church's variance of the length difference per character
ANCHOR_BONUS = 2.5  # nats saved per shared number or name
COGNATE_BONUS = 1.0  # nats saved per shared cognate stem (Latin-script pairs)
LONG_WORD = regex.compile(r"\p{Latin}{6,}")
ANCHOR = regex.compile(r"\p{N}+(?:[.,]\p{N}+)*|https?://\S+|[#@][\w.-]+|\b\p{Lu}[\p{Ll}\p{Lu}]+\b")
DIGITS = {ord(c): str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}


@dataclass
class Pair:
    source: list[Sentence] = field(default_factory=list)
    target: list[Sentence] = field(default_factory=list)

    @property
    def kind(self) -> tuple[int, int]:
        return len(self.source), len(self.target)


@dataclass
class Alignment:
    pairs: list[Pair]
    ratio: float  # expected target characters per source character


def _anchors(text: str) -> set[str]:
    return {a.translate(DIGITS).replace(",", ".") for a in ANCHOR.findall(text)}


def _cognates(text: str) -> set[str]:
    """First four letters of long words, accents aside: "satellite" and "satélite" share "sate"."""
    return {fold(word)[:4] for word in LONG_WORD.findall(text)}


def _length_cost(source_length: int, target_length: int, ratio: float) -> float:
    if source_length == 0 and target_length == 0:
        return 0.0
    # Measured in target characters, so the variance fits both Latin and Chinese lengths.
    mean = (source_length * ratio + target_length) / 2
    delta = (target_length - source_length * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)
    probability = max(2 * (1 - _normal_cdf(abs(delta))), 1e-12)
    return -math.log(probability)


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def length_factor(lang: str) -> float:
    """Characters a language needs for what English says in one (locale.toml `length_factor`)."""
    from tqcheck.languages import SUPPORTED
    from tqcheck.resources import language_data

    if lang not in SUPPORTED:
        return 1.1
    return float(language_data(lang).locale.get("length_factor", 1.0))


def align(source: Document, target: Document) -> Alignment:
    src = source.sentences
    tgt = target.sentences
    src_len = [len(source.sentence_text(s)) for s in src]
    tgt_len = [len(target.sentence_text(s)) for s in tgt]
    # The expected length ratio comes from the languages, not from this article: an article with a
    # dropped sentence would otherwise expect every sentence to shrink.
    ratio = length_factor(target.lang) / length_factor(source.lang)
    src_anchor = [_anchors(source.sentence_text(s)) for s in src]
    tgt_anchor = [_anchors(target.sentence_text(s)) for s in tgt]
    src_cognate = [_cognates(source.sentence_text(s)) for s in src]
    tgt_cognate = [_cognates(target.sentence_text(s)) for s in tgt]
    n, m = len(src), len(tgt)
    infinity = float("inf")
    cost = [[infinity] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == infinity:
                continue
            for (di, dj), prior in PRIORS.items():
                if i + di > n or j + dj > m:
                    continue
                length_cost = _length_cost(sum(src_len[i : i + di]), sum(tgt_len[j : j + dj]), ratio)
                step = -math.log(prior)
                if di and dj:
                    shared = set().union(*src_anchor[i : i + di]) & set().union(*tgt_anchor[j : j + dj])
                    cognates = set().union(*src_cognate[i : i + di]) & set().union(*tgt_cognate[j : j + dj])
                    step += (
                        length_cost
                        - ANCHOR_BONUS * min(len(shared), 3)
                        - COGNATE_BONUS * min(len(cognates), 3)
                    )
                if cost[i][j] + step < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = cost[i][j] + step
                    back[i + di][j + dj] = (di, dj)
    pairs: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        move = back[i][j]
        if move is None:  # unreachable in practice: (1, 0) and (0, 1) moves connect every cell
            break
        di, dj = move
        pairs.append(Pair(list(src[i - di : i]), list(tgt[j - dj : j])))
        i, j = i - di, j - dj
    pairs.reverse()
    return Alignment(pairs, ratio)
