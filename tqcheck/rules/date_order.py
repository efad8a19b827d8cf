"""Numeric dates in the order the language writes them ("15/03/2025", not "03/15/2025")."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.rule import Rule, bad, good, replace

# Day, month and year as figures with one separator ("03/15/2025", "15.03.25"), not inside a
# longer run of figures (a version number, a phone number).
NUMERIC_DATE = regex.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d./-]*\d)")


class DateOrder(Rule):
    """Flags a numeric date written month first in a language that writes the day first
    ("03/15/2025" in French for "15/03/2025").

    ## What it does
    Where the locale gives `date_order = "dmy"`, finds dates written as three figures with one
    separator and flags those that can only be read month first: the first figure is a month
    (12 or less) and the second is a day above 12. Dates that read either way ("03/04/2025")
    are left alone: only the source can tell.

    ## Why is this bad?
    MT copies an American date unchanged; a reader who writes the day first reads a 15th month,
    or, for a date below the 13th, the wrong day.

    ## Fix safety
    Safe: the day and the month change places, the separator stays.
    """

    code = "TQ512"
    name = "date-order"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Le procès est fixé au [[03/15/2025]], selon le tribunal.",
            lang="fr",
            fixed="Le procès est fixé au 15/03/2025, selon le tribunal.",
        ),
        bad("O julgamento foi marcado para [[03/15/2025]].", lang="pt"),
        bad("ستعقد الجلسة في [[03/15/2025]] لمناقشة الوضع.", lang="ar"),
        good("Le procès est fixé au 15/03/2025, puis au 03/04/2025.", lang="fr"),
        good("The trial is set for 03/15/2025.", lang="en"),
        good("Die Version 1.12.2025 ist erschienen; Telefon 030-15-2025.", lang="de"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.data.spec.date_order != "dmy":
            return
        for match in NUMERIC_DATE.finditer(doc.text):
            first, separator, second, year = match.groups()
            if not (1 <= int(first) <= 12 and 12 < int(second) <= 31):
                continue
            fixed = f"{second}{separator}{first}{separator}{year}"
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"“{match.group(0)}” is written month first; {ctx.data.locale.get('name', ctx.lang)} writes the day first: “{fixed}”.",
                [replace(match.start(), match.end(), fixed, 0.9, safe=True)],
            )


# A clock time with a Latin meridiem ("8:00 PM", "7.30 a.m.", "9pm"), and one with an "h" between
# hours and minutes ("20h00", "20 h 30"), the two conventions a language may not write; not
# inside a Latin word or a figure (Chinese writes a figure right after a character: "于9 a.m.").
MERIDIEM_TIME = regex.compile(
    r"(?<![\p{Latin}\p{N}.:])(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s?(?P<ap>[AaPp])\.?\s?[Mm]\.?(?![\p{Latin}\p{N}])"
)
H_TIME = regex.compile(
    r"(?<![\p{Latin}\p{N}.:])(?P<h>[01]?\d|2[0-3])\s?h\s?(?P<m>[0-5]\d)(?![\p{Latin}\p{N}])"
)


class ClockFormat(Rule):
    """Flags a clock time written the way another language writes it ("8:00 PM" in Spanish,
    "20h00" in English).

    ## What it does
    Reads the styles of clock time the language writes from `clock_styles` in `locale.toml`
    ("24": "20:00", "ampm": "8:00 PM", "h": "20h00"), and flags times of the two styles that can
    be told apart from other figures, a Latin meridiem ("8:00 PM", "9 p.m.") and an "h" between
    hours and minutes ("20h00"), where the language does not list them. It proposes the time
    on the 24-hour clock. A language without `clock_styles` is not checked.

    ## Why is this bad?
    MT keeps the source's clock: a Spanish reader of "8:00 PM" meets an English convention, an
    English reader of "20h00" a French one.

    ## Fix safety
    Unsafe: the 24-hour form is one of the language's ways to write the time; house style may
    prefer another ("20 h", "20 Uhr").
    """

    code = "TQ514"
    name = "clock-format"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "El partido empezará a las [[8:00 PM]] en el estadio.",
            lang="es",
            fixed="El partido empezará a las 20:00 en el estadio.",
        ),
        bad("A final começa às [[7:30 PM]] no Jamor.", lang="pt"),
        bad(
            "The ceremony starts at [[20h00]] in the town hall.",
            fixed="The ceremony starts at 20:00 in the town hall.",
        ),
        bad("发布会将于[[9 a.m.]]开始。", lang="zh"),
        good("The ceremony starts at 8 p.m. and ends at 22:00.", lang="en"),
        good("La cérémonie commence à 20h00, le 3 mai à 20 h 30.", lang="fr"),
        good("El partido empezará a las 20:00; PM2.5 y 5 km.", lang="es"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        styles = ctx.data.spec.clock_styles
        if not styles:
            return
        checks = [
            (style, pattern)
            for style, pattern in (("ampm", MERIDIEM_TIME), ("h", H_TIME))
            if style not in styles
        ]
        for style, pattern in checks:
            for match in pattern.finditer(doc.text):
                hour, minute = int(match.group("h")), int(match.group("m") or 0)
                if style == "ampm":
                    hour = hour % 12 + (12 if match.group("ap").lower() == "p" else 0)
                fixed = f"{hour:02d}:{minute:02d}"
                yield self.finding(
                    doc,
                    match.start(),
                    match.end(),
                    f"“{match.group(0)}” is another language's way to write the time; "
                    f"{ctx.data.locale.get('name', ctx.lang)} writes “{fixed}”.",
                    [replace(match.start(), match.end(), fixed, 0.6, safe=False)],
                )


# A day of the month, or its ordinal ("1er", "1º"), before a month's name.
DAY_FIGURE = regex.compile(r"\d{1,2}(?:er|e|º|ª|-?го|-?е)?")
YEAR_FIGURE = regex.compile(r"\d{4}")
OPENING_MARKS = '«“„"‘‹(['


def _day_number(figure: str) -> str:
    """A day's figure without its ordinal ending: "1er" is "1"."""
    return str(int(regex.match(r"\d+", figure).group()))


class CalendarCase(Rule):
    """Flags a day or month name capitalised inside a sentence in a language that writes them in
    lowercase ("en Janvier", "el Lunes", "в Понедельник").

    ## What it does
    Where the locale gives `calendar_lowercase = true`, checks the words of its `calendar_words`
    that stand capitalised after a sentence's first word. Names that hold them are left alone:
    after a capitalised word, past particles and figures ("Plaza de Mayo", "Avenida 9 de Julio",
    "Rua 25 de Março"), before a capitalised word ("Viernes Santo"), and a holiday named by its
    date (`holiday_dates`: "le 14 Juillet", with no year); so are headings and a title or a
    quotation that opens with one («Воскресенье утро»).

    ## Why is this bad?
    English capitalises days and months; machine translation carries the capital over into
    languages whose orthography writes them in lowercase.

    ## Fix safety
    Safe: the first letter becomes lowercase, nothing else changes.
    """

    code = "TQ515"
    name = "calendar-case"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "La réunion a eu lieu en [[Janvier]] dernier à Genève.",
            lang="fr",
            fixed="La réunion a eu lieu en janvier dernier à Genève.",
        ),
        bad("La reunión será el [[Lunes]] en Madrid.", lang="es"),
        bad("Встреча состоится в [[Понедельник]] в Москве.", lang="ru"),
        bad("El acuerdo se firmó el 5 de [[Enero]] de 2024.", lang="es"),
        good("O acordo foi assinado em 5 de Janeiro de 2024, em Lisboa.", lang="pt"),
        good("Le défilé du 14 Juillet a attiré la foule. Janvier fut froid.", lang="fr"),
        bad(
            "Le conseil a voté le 12 [[Avril]] dernier.",
            lang="fr",
            fixed="Le conseil a voté le 12 avril dernier.",
        ),
        bad("Совет проголосовал 12 [[Марта]].", lang="ru"),
        good("Парад 9 Мая прошёл в Москве.", lang="ru"),
        good(
            "Miles de personas marcharon a la Plaza de Mayo y a la Avenida 9 de Julio el Viernes Santo.",
            lang="es",
        ),
        good("The meeting took place on Monday in January.", lang="en"),
        good("Страница из нашего альманаха «Воскресенье утро» вышла 30 сентября.", lang="ru"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        spec = ctx.data.spec
        if not spec.calendar_lowercase:
            return
        names = set(spec.calendar_words)
        holidays = set(spec.holiday_dates)
        particles = {p.lower() for p in spec.name_particles}
        headings = [(b.start, b.end) for b in doc.blocks if b.is_heading]
        for sentence in doc.sentences:
            if any(a <= sentence.start < b for a, b in headings):
                continue
            words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
            for i, word in enumerate(words[1:], start=1):
                text = word.text
                if not text[:1].isupper() or text.isupper() or text.lower() not in names:
                    continue
                if doc.text[word.start - 1 : word.start] in OPENING_MARKS:
                    continue  # a title or a quotation opens with it: «Воскресенье утро»
                after = words[i + 1] if i + 1 < len(words) else None
                if after is not None and after.text[:1].isupper():
                    continue  # a name it opens: "Viernes Santo"
                j = i - 1
                while j >= 0 and (words[j].text.lower() in particles or DAY_FIGURE.fullmatch(words[j].text)):
                    j -= 1
                if j < 0 or (j < i - 1 and words[j].text[:1].isupper()):
                    continue  # a name it closes: "Plaza de Mayo", "Rua 25 de Março"
                if (
                    DAY_FIGURE.fullmatch(words[i - 1].text)
                    and not (after is not None and YEAR_FIGURE.fullmatch(after.text))
                    and f"{_day_number(words[i - 1].text)} {text.lower()}" in holidays
                ):
                    continue  # a holiday named by its date: "le 14 Juillet"
                fixed = text[0].lower() + text[1:]
                yield self.finding(
                    doc,
                    word.start,
                    word.end,
                    f"{ctx.data.locale.get('name', ctx.lang)} writes days and months in lowercase: “{fixed}”.",
                    [replace(word.start, word.end, fixed, 0.9, safe=True)],
                )
