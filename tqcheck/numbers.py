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
# name, which a Chinese or Arabic source may write without the figure), nor the decimals of a
# figure ("1.5"); after a comma that follows a word it is a number ("耕种,1813年"). Chinese writes
# "350万" unspaced.
NUMBER = regex.compile(
    r"(?<![\p{N}\p{Latin}\p{Cyrillic}\p{Greek}])(?<!\p{N}[.,])(?<!\p{Lu}-)"
    r"\p{N}+(?:[.,\u00a0\u202f'’٬٫ ]\p{N}+)*(?![\p{N}])"
)


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    text: str
    spelled: bool = False  # written in words ("three", "第三"): matches a figure, never reported alone
    scale: float = 1.0  # the scale word after it ("million") that `value` includes
    glued: bool = False  # letters written onto the figure ("£125m", "5bn"): a scale or a unit


@dataclass(frozen=True)
class ScaleWords:
    """A language's scale words (`number_scales`): whole words, phrases of two words ("mil
    millones"), and stems written `stem*` that stand for every inflected form ("миллиард*":
    "миллиардам", "миллиардами")."""

    words: dict[str, float]
    stems: tuple[tuple[str, float], ...]

    def of(self, first: str, second: str | None = None) -> float | None:
        """The scale the word (or the two words) after a number name."""
        first = first.casefold()
        if second is not None and (value := self.words.get(f"{first} {second.casefold()}")) is not None:
            return value
        if (value := self.words.get(first)) is not None:
            return value
        return next((value for stem, value in self.stems if first.startswith(stem)), None)

    def after(self, text: str, position: int, stop: int) -> float | None:
        """The scale the word(s) at text[position:stop] name, past any spaces ("3,5 millions")."""
        words = SCALE_AFTER.match(text, position, stop)
        return self.of(words.group(1), words.group(2)) if words else None


@lru_cache(maxsize=32)
def _words(lang: str) -> tuple[dict[str, float], ScaleWords, str]:
    """Number words, scale words and the decimal mark of a language (locale.toml)."""
    if lang not in SUPPORTED:
        return {}, ScaleWords({}, ()), "."
    locale = language_data(lang).locale
    words = {k.casefold(): float(v) for k, v in locale.get("number_words", {}).items()}
    entries = {k.casefold(): float(v) for k, v in locale.get("number_scales", {}).items()}
    scales = ScaleWords(
        {k: v for k, v in entries.items() if not k.endswith("*")},
        tuple(sorted(((k[:-1], v) for k, v in entries.items() if k.endswith("*")), key=lambda e: -len(e[0]))),
    )
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
    rf"|\b{HOUR}(?:h|:\s?)\d{{2}}\b|{HOUR}时\d{{1,2}}分|{HOUR}点\d{{1,2}}分?",
    regex.IGNORECASE,
)
# Tens and units joined by a hyphen ("thirty-one"): one number, the sum.
COMPOUND_NUMBER = regex.compile(r"\b(\p{L}+)-(\p{L}+)\b")
SCALE_AFTER = regex.compile(r"[\s\u00a0]*([\p{L}]+)(?:[\s\u00a0]+([\p{L}]+))?")
# Upper-case Roman numerals of two letters or more, with an ordinal ending ("XIXe siècle"):
# centuries ("XIX века", "siglo XXI") and regnal numbers. Only a confirmation: "DC" and "CD" are
# as often letters.
ROMAN = regex.compile(
    r"\b(?=[MDCLXVI]{2,}\p{Ll}{0,3}\b)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?=\p{Ll}{0,3}\b)"
)
ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
# A date in figures with dots ("12.03.2024", "1.5.26"): three numbers.
DOTTED_DATE = regex.compile(r"(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:\d{2}|\d{4})")
# A year range written short ("1950-53"): its end is a year of the same century.
YEAR_RANGE_END = regex.compile(r"(?<=\b(\d{2})\d{2}\s?[-–]\s?)\d{2}\b")


def roman_numeral(text: str) -> int:
    values = [ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def clock_numbers(text: str, start: int = 0, end: int | None = None) -> set[float]:
    """The numbers inside clock times in text[start:end], with each hour's other half of the day:
    "1 p.m." is "13 часов" in a translation, and "14时40分" "2:40 p.m."."""
    found: set[float] = set()
    for match in TIME.finditer(text, start, len(text) if end is None else end):
        parts = regex.findall(r"\d+", match.group(0))
        for part in parts:
            value = float(part)
            found.update({value, value + 12, value - 12} if value <= 24 else {value})
        if len(parts) == 2:
            found.add(float(f"{parts[0]}.{parts[1]}"))  # "7.55am" kept as "7.55"
    return found


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
        if DOTTED_DATE.fullmatch(match.group(0)):
            # "12.03.2024" is a day, a month and a year, not twelve million.
            for part in regex.finditer(r"\d+", match.group(0)):
                at = match.start() + part.start()
                found.append(Number(float(part.group(0)), at, at + len(part.group(0)), part.group(0)))
            continue
        value = parse_number(match.group(0), decimal)
        if value is None:
            continue
        finish = match.end()
        if (year := YEAR_RANGE_END.match(text, match.start(), stop)) and year.end() == finish:
            value += float(year.group(1)) * 100  # "1950-53" ends in 1953
        named = scales.after(text, finish, stop)
        if named is None and han and finish < stop:
            named = scales.of(text[finish])  # "350万"
        scale = named or 1.0
        # Letters written onto a figure: a scale or unit ("£125m"); not Chinese, which writes every
        # measure word onto its figure ("3人").
        glued = scale == 1.0 and finish < stop and text[finish].isalpha() and not han
        found.append(Number(value * scale, match.start(), finish, match.group(0), scale=scale, glued=glued))
    for match in ROMAN.finditer(text, start, stop):
        found.append(
            Number(float(roman_numeral(match.group(0))), match.start(), match.end(), match.group(0), True)
        )
    if words:
        for match in regex.finditer(r"[\p{L}]+", text[start:stop]):
            value = words.get(match.group(0).casefold())
            if value is not None:
                # A scale word after it counts as after a figure: "five million" is 5,000,000.
                scale = scales.after(text, start + match.end(), stop) or 1.0
                found.append(
                    Number(
                        value * scale, start + match.start(), start + match.end(), match.group(0), True, scale
                    )
                )
        for match in COMPOUND_NUMBER.finditer(text, start, stop):
            tens, units = words.get(match.group(1).casefold()), words.get(match.group(2).casefold())
            if tens is not None and units is not None and tens >= 20 and tens % 10 == 0 and units < 10:
                found.append(Number(tens + units, match.start(), match.end(), match.group(0), True))
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


def agree(a: Number, b: Number) -> bool:
    """One amount in two languages: the same value, or the same figure where one side wrote a
    scale or unit onto it that no list names ("£125m" and "125 млн")."""
    if same(a.value, b.value):
        return True
    return (a.glued or b.glued) and same(a.value / a.scale, b.value / b.scale)
