"""Text normalisation shared by rules and alignment."""

from __future__ import annotations

import unicodedata


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
