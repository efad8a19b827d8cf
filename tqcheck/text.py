"""Text normalisation shared by rules and alignment."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=100_000)  # called for the same words over and over (names, stems, alignment)
def fold(word: str) -> str:
    """Without Latin accents and case: "Nigéria" and "Nigeria" are one spelling for this rule.

    Only Latin letters lose their marks: Cyrillic "й" is a letter of its own, not "и" with a breve.
    """
    folded = []
    for char in word:
        if "a" <= unicodedata.normalize("NFKD", char)[:1].lower() <= "z":
            char = unicodedata.normalize("NFKD", char)[0]
        folded.append(char)
    return "".join(folded).casefold()


@lru_cache(maxsize=16)
def frequent_words(lang: str) -> frozenset[str]:
    """The language's 200 most frequent words (wordfreq): articles, prepositions, auxiliaries.

    English words that web text in every language carries ("the", "of") are left out of the other
    languages' lists, so an English sentence does not pass for Portuguese.
    """
    from tqcheck.wordlists import top_words

    words = top_words(lang, 200)
    return words if lang == "en" else words - top_words("en", 200)
