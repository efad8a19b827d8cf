"""A hyphen standing for a dash between words, where the language's typography writes the dash."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.rule import Rule, bad, good, replace

# A hyphen with a space on each side, between two words or figures ("задача - снизить").
SPACED_HYPHEN = regex.compile(r"(?<=[\p{L}\p{N}»”)] )-(?= [\p{L}\p{N}«„“(])")


class SpacedHyphen(Rule):
    """Flags a hyphen with spaces around it used as a dash ("задача - снизить") in a language whose
    typography writes a dash there (`dash` in `locale.toml`: Russian "—").

    ## What it does
    Finds a hyphen with a space on each side between two words and proposes the locale's dash.

    ## Why is this bad?
    MT and keyboards type a hyphen where Russian typography sets a dash between subject and
    predicate or before an aside; editors replace every one before publishing.

    ## Fix safety
    Safe: only the hyphen changes.
    """

    code = "TQ513"
    name = "spaced-hyphen"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Главная задача правительства [[-]] снизить инфляцию.",
            lang="ru",
            fixed="Главная задача правительства — снизить инфляцию.",
        ),
        good("Главная задача правительства — снизить инфляцию к северо-западу от Москвы.", lang="ru"),
        good("The score was 2 - 1 after the break.", lang="en"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        dash = ctx.data.spec.dash
        if not dash:
            return
        for match in SPACED_HYPHEN.finditer(doc.text):
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"A hyphen stands for a dash; {ctx.data.locale.get('name', ctx.lang)} writes “{dash}”.",
                [replace(match.start(), match.end(), dash, 0.9, safe=True)],
            )
