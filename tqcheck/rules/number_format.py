"""Locale: numbers written with another language's decimal and thousands separators."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.rule import Rule, bad, good, replace

# A figure with one separator group and then a word or a unit sign: "5.5 Punkten", "4,2 million",
# "15,000 euros", "5.6 %", "4.80 €". Not inside a longer figure (dates "12.11.2026", versions
# "3.2.1", lists "1,2,3"), not after a letter or a capital and hyphen ("A4", "F-16").
FIGURE = regex.compile(
    r"(?<![\p{L}\p{N}.,:/\-])(?P<int>\p{Nd}{1,3})(?P<sep>[.,])(?P<frac>\p{Nd}+)"
    r"(?P<more>(?:(?P=sep)\p{Nd}{3})*)(?![\p{Nd}]|[.,]\p{Nd})(?=[\s\u00a0\u202f]*(?:\p{L}|[%‰\p{Sc}]))"
)
# A figure with both marks: thousands groups, then the decimal part ("1,450.90", "1.450,90"): whose
# convention it follows is never in doubt.
BOTH_MARKS = regex.compile(
    r"(?<![\p{L}\p{N}.,:/\-])\p{Nd}{1,3}(?P<group>[.,])\p{Nd}{3}(?:(?P=group)\p{Nd}{3})*"
    r"(?P<dec>(?!(?P=group))[.,])\p{Nd}+(?![\p{Nd}]|[.,]\p{Nd})"
)
# "10.30 Uhr", "18.05": a clock time written with a dot is not a decimal.
CLOCK = regex.compile(r"(?:[01]?\d|2[0-3])\.[0-5]\d")


class NumberFormat(Rule):
    """Flags a number written with the decimal or thousands separator of another language
    ("5.5 Punkte" in German, "4,2 million" in English, "15,000 euros" in French).

    ## What it does
    Reads the article's separators from `decimal` and `thousands` in `locale.toml`. Where the
    decimal mark is a comma, a figure such as "5.5" or "4.80" before a word is an English decimal
    point (a clock time like "10.30" is left alone), and "15,000" an English thousands separator;
    where the decimal mark is a point, "4,2" before a word is a continental decimal comma, and
    "12.000" (three places ending in "00", or several groups: "1.234.567") continental thousands. Only
    figures followed by a word or a unit sign are judged (a unit, a scale word, a noun, "%", "‰",
    a currency sign), so dates, versions, scores and lists are left alone. A figure with both
    marks ("1,450.90" in Portuguese, "2.300.000,50" in English) follows another language's
    convention wherever it stands. Languages whose decimal mark is neither (Arabic's "٫") are not
    checked.

    ## Why is this bad?
    MT and copy-pasted data carry the source's number format over; a German reader takes "15,000"
    for fifteen, and an English one "4,2 million" for a list.

    ## Fix safety
    Safe for a decimal mark (the value is unambiguous from the digits), unsafe for a thousands
    separator in a language that writes thousands with a space (which space is house style).
    """

    code = "TQ509"
    name = "number-format"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Er gewann mit [[5.5]] Punkten vor Lindqvist.",
            lang="de",
            fixed="Er gewann mit 5,5 Punkten vor Lindqvist.",
        ),
        bad(
            "The fund raised [[4,2]] million roubles last year.",
            fixed="The fund raised 4.2 million roubles last year.",
        ),
        bad("Le prix s’élève à [[30,000]] euros.", lang="fr"),
        bad(
            "El precio subió a [[4.80]] euros por kilo.",
            lang="es",
            fixed="El precio subió a 4,80 euros por kilo.",
        ),
        bad(
            "Доля реализованных бросков составила [[5.6]]%, а цена билета — [[4.80]] €.",
            lang="ru",
            fixed="Доля реализованных бросков составила 5,6%, а цена билета — 4,80 €.",
        ),
        good("Turnout rose to 61.5% and tickets cost 4.80 € each."),
        good("Die Sitzung beginnt um 10.30 Uhr im Rathaus.", lang="de"),
        good("Am 12.11.2026 kamen 15.000 Besucher; der Preis lag bei 4,80 Euro.", lang="de"),
        good("The fund raised 4.2 million roubles, up from 3,500 donors in 2024."),
        bad(
            "A crowd of [[12.000]] people gathered in the square.",
            fixed="A crowd of 12,000 people gathered in the square.",
        ),
        good("The bond pays 3.125 percent, and the index rose 2.500%."),
        good("Le score était de 2,5 points, et 30 000 euros ont été versés.", lang="fr"),
        bad(
            "A cesta básica chegou a R$ [[1,450.90]] em maio.",
            lang="pt",
            fixed="A cesta básica chegou a R$ 1.450,90 em maio.",
        ),
        bad("The deal was worth €[[2.300.000,50]] in cash."),
        bad("Près de [[10.000]] personnes ont manifesté samedi.", lang="fr"),
        good("A cesta básica chegou a R$ 1.450,90 em maio, e o dólar a 5,12.", lang="pt"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        decimal = str(ctx.data.locale.get("decimal", "."))
        thousands = str(ctx.data.locale.get("thousands", ","))
        if decimal not in ".,":
            return
        foreign_decimal = "." if decimal == "," else ","
        for match in BOTH_MARKS.finditer(doc.text):
            if match.group("dec") != foreign_decimal:
                continue
            figure = match.group(0)
            whole, fraction = figure.rsplit(foreign_decimal, 1)
            fixed = whole.replace(match.group("group"), thousands) + decimal + fraction
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"“{figure}” is written with another language's marks; this language writes “{fixed}”.",
                [replace(match.start(), match.end(), fixed, 0.9, safe=not thousands.isspace())],
            )
        for match in FIGURE.finditer(doc.text):
            figure, separator = match.group(0), match.group("sep")
            grouped = len(match.group("frac")) == 3 or bool(match.group("more"))
            if grouped and separator == "," == decimal and match.group("int") != "0":
                # "15,000" where the comma is the decimal mark: English thousands ("0,125" is a decimal).
                fixed = figure.replace(separator, thousands)
                safe = not thousands.isspace()
                message = f"“{figure}” groups thousands with “{separator}”; this language writes “{fixed}”."
            elif (
                separator == "."
                and (decimal == "." or thousands.isspace())
                and match.group("int") != "0"
                and (
                    match.group("more")
                    or (len(match.group("frac")) == 3 and match.group("frac").endswith("00"))
                )
                and not regex.match(r"[\s\u00a0\u202f]*[%‰]", doc.text[match.end() :])
            ):
                # "12.000 people" where the point is the decimal mark, "10.000 personnes" where
                # thousands are spaced: continental thousands. A decimal with three places ending
                # in "00" is not written in running text, and two groups ("1.234.567") are never a
                # decimal; "3.125 %" is.
                fixed = figure.replace(separator, thousands)
                safe = False
                message = f"“{figure}” groups thousands with “{separator}”; this language writes “{fixed}”."
            elif (
                not grouped
                and separator == foreign_decimal
                and not (decimal == "," and CLOCK.fullmatch(figure))
            ):
                fixed = figure.replace(separator, decimal)
                safe = True
                message = f"“{figure}” has the decimal mark “{separator}”; this language writes “{fixed}”."
            else:
                continue
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                message,
                [replace(match.start(), match.end(), fixed, 0.9, safe=safe)],
            )
