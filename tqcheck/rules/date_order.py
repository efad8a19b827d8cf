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
