"""Numbers in running text, read the way each language writes them.

"1,500" is fifteen hundred in English and one and a half in German; "٣٫٥" is 3.5 in Arabic;
"3,5 millions" and "3.5 million" and "350万" are the same amount. Values are compared, not strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from tqcheck.languages import SUPPORTED
from tqcheck.resources import language_data, locale_of

DIGITS = {ord(c): str(i % 10) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
DIGITS.update({ord(c): str(i) for i, c in enumerate("０１２３４５６７８９")})
# Not glued to a Latin or Cyrillic word ("G20"), nor hyphened to a capital ("COVID-19", "F-16": a
# name, which a Chinese or Arabic source may write without the figure); Chinese writes "350万"
# unspaced.
NUMBER = regex.compile(
    r"(?<![\p{N}.,\p{Latin}\p{Cyrillic}\p{Greek}])(?<!\p{Lu}-)\p{N}+(?:[.,\u00a0\u202f'’٬٫ ]\p{N}+)*(?![\p{N}])"
)


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    text: str
    spelled: bool = False  # written in words ("three", "第三"): matches a figure, never reported alone
    scale: float = 1.0  # the scale word after it ("million") that `value` includes


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


CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = regex.compile(r"[零〇一二两三四五六七八九十百千]+")


def chinese_numeral(text: str) -> float | None:
    """Value of a Chinese numeral below ten thousand: "三" 3, "十五" 15, "二十" 20, "六百" 600."""
    total, digit = 0, None
    for char in text:
        if char in CHINESE_DIGITS:
            if digit is not None:  # "二〇二六": digits in a row, read as a figure
                return (
                    float("".join(str(CHINESE_DIGITS[c]) for c in text))
                    if all(c in CHINESE_DIGITS for c in text)
                    else None
                )
            digit = CHINESE_DIGITS[char]
        else:
            total += (1 if digit is None else digit) * CHINESE_UNITS[char]
            digit = None
    return float(total + (digit or 0))


HOUR = r"(?:[01]?\d|2[0-4])"
TIME = regex.compile(
    rf"\b{HOUR}(?:[:.h]\d{{2}})?\s*(?:a\.\s?m\.|p\.\s?m\.|[ap]m\b|h\b|Uhr\b)"
    rf"|\b{HOUR}[:h]\d{{2}}\b|{HOUR}时\d{{1,2}}分|{HOUR}点\d{{1,2}}分?",
    regex.IGNORECASE,
)
SCALE_AFTER = regex.compile(r"[\s\u00a0]*([\p{L}]+)")


def numbers_in(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Number]:
    """Every number in text[start:end], with scale words applied ("3.5 million" → 3500000)."""
    words, scales, decimal = _words(lang)
    # Han numerals ("三千") and scale characters straight after the digits ("3万"); in a language
    # written with spaces a scale word is a word of its own.
    han = "Han" in locale_of(lang).scripts
    stop = len(text) if end is None else end
    found: list[Number] = []
    # Clock times are left out: "5 p.m." is "17 h" in French and "17:00" elsewhere.
    times = [(m.start(), m.end()) for m in TIME.finditer(text, start, stop)]
    for match in NUMBER.finditer(text, start, stop):
        if any(a <= match.start() < b for a, b in times):
            continue
        value = parse_number(match.group(0), decimal)
        if value is None:
            continue
        finish = match.end()
        after = SCALE_AFTER.match(text, finish, stop)
        scale = 1.0
        if after and after.group(1).casefold() in scales:
            scale = scales[after.group(1).casefold()]
        elif han and finish < stop and text[finish] in scales:
            scale = scales[text[finish]]
        found.append(Number(value * scale, match.start(), finish, match.group(0), scale=scale))
    if words:
        for match in regex.finditer(r"[\p{L}]+", text[start:stop]):
            value = words.get(match.group(0).casefold())
            if value is not None:
                found.append(Number(value, start + match.start(), start + match.end(), match.group(0), True))
    if han:
        for match in CHINESE_NUMERAL.finditer(text, start, stop):
            value = chinese_numeral(match.group(0))
            if value is None:
                continue
            if text[match.end() : match.end() + 1] == "成":
                value *= 10  # "两成": two tenths, 20 percent
            found.append(Number(value, match.start(), match.end(), match.group(0), True))
    found.sort(key=lambda n: n.start)
    return found


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
