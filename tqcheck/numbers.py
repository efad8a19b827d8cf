"""Numbers in running text, read the way each language writes them.

"1,500" is fifteen hundred in English and one and a half in German; "٣٫٥" is 3.5 in Arabic;
"3,5 millions" and "3.5 million" and "350万" are the same amount. Values are compared, not strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from tqcheck.languages import SUPPORTED
from tqcheck.resources import language_data

DIGITS = {ord(c): str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
DIGITS.update({ord(c): str(i) for i, c in enumerate("０１２３４５６７８９")})
# Not glued to a Latin or Cyrillic word ("G20", "COVID-19" is fine); Chinese writes "350万" unspaced.
NUMBER = regex.compile(
    r"(?<![\p{N}.,\p{Latin}\p{Cyrillic}\p{Greek}])\p{N}+(?:[.,\u00a0\u202f'’٬٫ ]\p{N}+)*(?![\p{N}])"
)


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    text: str


@lru_cache(maxsize=32)
def _words(lang: str) -> tuple[dict[str, float], dict[str, float], str]:
    """Number words, scale words and the decimal mark of a language (locale.toml)."""
    if lang not in SUPPORTED:
        return {}, {}, "."
    locale = language_data(lang).locale
    words = {k.casefold(): float(v) for k, v in locale.get("number_words", {}).items()}
    scales = {k.casefold(): float(v) for k, v in locale.get("number_scales", {}).items()}
    return words, scales, str(locale.get("decimal", "."))


def parse_number(raw: str, decimal: str) -> float | None:
    text = raw.translate(DIGITS).replace("٫", ".").replace("٬", ",")
    text = regex.sub(r"[\u00a0\u202f'’ ]", "", text)
    separators = [c for c in text if c in ".,"]
    if not separators:
        return float(text) if text.isdigit() else None
    if "." in text and "," in text:
        decimal_mark = text[max(text.rfind("."), text.rfind(","))]  # the last one: "1,234.5", "1.234,5"
    elif len(separators) > 1:
        decimal_mark = ""  # "1,000,000" or "1.000.000": thousands only
    else:
        tail = text.partition(separators[0])[2]
        # The language's decimal mark is one ("1,5" in German); another mark before exactly three
        # digits groups thousands ("1,500" in English), and before other counts it is a decimal.
        decimal_mark = separators[0] if separators[0] == decimal or len(tail) != 3 else ""
    for mark in ".,":
        if mark != decimal_mark:
            text = text.replace(mark, "")
    text = text.replace(decimal_mark, ".") if decimal_mark else text
    try:
        return float(text)
    except ValueError:
        return None


SCALE_AFTER = regex.compile(r"[\s\u00a0]*([\p{L}]+)")


def numbers_in(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Number]:
    """Every number in text[start:end], with scale words applied ("3.5 million" → 3500000)."""
    words, scales, decimal = _words(lang)
    stop = len(text) if end is None else end
    found: list[Number] = []
    for match in NUMBER.finditer(text, start, stop):
        value = parse_number(match.group(0), decimal)
        if value is None:
            continue
        finish = match.end()
        scale = SCALE_AFTER.match(text, finish, stop)
        if scale and scale.group(1).casefold() in scales:
            value *= scales[scale.group(1).casefold()]
        elif lang == "zh" and finish < stop and text[finish] in scales:
            value *= scales[text[finish]]
        found.append(Number(value, match.start(), finish, match.group(0)))
    if words:
        for match in regex.finditer(r"[\p{L}]+", text[start:stop]):
            value = words.get(match.group(0).casefold())
            if value is not None:
                found.append(Number(value, start + match.start(), start + match.end(), match.group(0)))
    found.sort(key=lambda n: n.start)
    return found


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
