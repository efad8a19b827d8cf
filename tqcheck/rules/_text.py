"""Small text helpers shared by rules: scripts, casing, word frequency."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import regex

from tqcheck.text import fold  # noqa: F401 - re-exported for rules

LETTER = regex.compile(r"\p{L}")
# The marks that end a sentence in the eight scripts (a line or sentence ending on one is prose).
SENTENCE_END = (".", "!", "?", "。", "！", "？", "؟")
SCRIPTS = (
    "Latin",
    "Cyrillic",
    "Greek",
    "Arabic",
    "Han",
    "Hebrew",
    "Armenian",
    "Georgian",
    "Devanagari",
    "Hiragana",
    "Katakana",
    "Hangul",
    "Thai",
)
_SCRIPT_RES = {name: regex.compile(rf"\p{{Script={name}}}") for name in SCRIPTS}


@lru_cache(maxsize=8192)  # called for every letter of every word: a few hundred distinct ones
def script_of(char: str) -> str | None:
    """The Unicode script of a letter, among the scripts tqcheck knows; None for others."""
    for name, pattern in _SCRIPT_RES.items():
        if pattern.match(char):
            return name
    return None


@lru_cache(maxsize=8192)
def _letter_script(char: str) -> str | None:
    """A letter's script ("Other" for unknown scripts); None for a character that is no letter."""
    return (script_of(char) or "Other") if LETTER.match(char) else None


def scripts_in(word: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in word:
        name = _letter_script(char)
        if name is not None:
            counts[name] = counts.get(name, 0) + 1
    return counts


@lru_cache(maxsize=65536)  # words repeat: a long article has far fewer distinct ones
def main_script(word: str) -> str | None:
    counts = scripts_in(word)
    return max(counts, key=counts.__getitem__) if counts else None


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def match_case(template: str, replacement: str) -> str:
    """Give `replacement` the capitalisation of `template` (first letter, or all caps)."""
    if not replacement:
        return replacement
    if template.isupper() and len(template) > 1:
        return replacement.upper()
    if template[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency (0 = unknown, 3 = once per million words, 7 = 'the')."""
    return _installed_wordfreq(lang).zipf_frequency(word, lang)


@lru_cache(maxsize=200_000)
def common_zipf(word: str, lang: str) -> float:
    """Zipf frequency from wordfreq's small list (words of Zipf 3 and up): loads in a hundredth of
    the time of the full list, for questions about common words only; rarer words read 0."""
    return _installed_wordfreq(lang).zipf_frequency(word, lang, wordlist="small")


def fetch_frequencies_ahead(words: Iterable[str], lang: str, wordlist: str = "best") -> None:
    """Look the words up in the language's cached list in a few queries, before a rule asks
    about them one by one (zipf, common_zipf): the same answers, in a fifth of the time."""
    from tqcheck.wordlists import table

    cached = table(lang, wordlist)
    if cached is not None:
        cached.fetch_ahead(words)


@lru_cache(maxsize=64)
def _installed_wordfreq(lang: str):  # -> the wordfreq module
    """wordfreq reading the cached word lists (tqcheck/wordlists.py), with what `lang` needs."""
    from tqcheck.wordlists import install, wordfreq_module

    install()
    return wordfreq_module(lang)


def is_common_word(word: str, lang: str, threshold: float = 3.5) -> bool:
    return zipf(word.lower(), lang) >= threshold


BRACKET_REACH = 80  # characters: a gloss is a name or a unit, not a paragraph


def brackets_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The nearest round brackets (ASCII or full-width) around text[start:end] within
    BRACKET_REACH, with no closing bracket between the opening one and the span: their offsets,
    or None."""
    low, high = max(0, start - BRACKET_REACH), min(len(text), end + BRACKET_REACH)
    opening = max(text.rfind("(", low, start), text.rfind("（", low, start))
    closes = [i for i in (text.find(")", end, high), text.find("）", end, high)) if i >= 0]
    if opening < 0 or not closes or any(mark in text[opening + 1 : start] for mark in ")）"):
        return None
    return opening, min(closes)


def in_brackets(text: str, start: int, end: int) -> bool:
    """text[start:end] stands inside round brackets, whatever else the brackets hold: a gloss of
    the original name ("Госдепартамент (State Department)", "Myanmar (formerly Burma)")."""
    around = brackets_around(text, start, end)
    return around is not None and not any(mark in text[end : around[1]] for mark in "(（")


def quoted(text: str, start: int, end: int, spaces: str = "") -> bool:
    """text[start:end] is the whole of a quotation ("the word “سلام” means…", the frigate
    “Rheinland-Pfalz”): cited on purpose. `spaces`: what may stand inside the marks (French
    « … » takes a no-break space)."""
    before = (
        text[max(0, start - 2) : start].rstrip(spaces)[-1:] if spaces else text[max(0, start - 1) : start]
    )
    after = text[end : end + 2].lstrip(spaces)[:1] if spaces else text[end : end + 1]
    return bool(before) and before in "“«„\"'‘" and bool(after) and after in "”»“\"'’"
