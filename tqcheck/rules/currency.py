"""Currency signs on the side of the amount that the language writes them ("12 €", not "€12")."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.rule import Rule, bad, good, replace

# An amount: digits with group and decimal separators (any script's digits).
AMOUNT = r"\d(?:[\d\u00a0\u202f .,']*\d)?"
# What may stand between a sign and its amount.
GAP = r"[ \u00a0\u202f]?"


class CurrencyPosition(Rule):
    """Flags a currency sign on the wrong side of the amount for the language ("€12" in French or
    German, "12 €" in English).

    ## What it does
    The locale lists the signs it writes after the amount (`currency_after`: French "€", "$", "£")
    and those it writes before (`currency_before`: English "€", "£", "$"). A listed sign on the
    other side of an amount is flagged, with the amount and the sign in the language's order
    (after the amount with the locale's `currency_space`). A scale word of the locale's
    `number_scales` may stand between the amount and a sign written after it ("450 million $").
    A sign written after the amount without the space the language sets there is flagged too
    ("5€" in French).

    ## Why is this bad?
    Machine translation keeps the source's order: an English "€12 million" becomes "€12 millions"
    in French, which French typography writes "12 millions d'euros" or "12 M€".

    ## Fix safety
    Safe when the amount stands alone ("€12" → "12 €"). Unsafe when a word follows the amount
    ("€12 millions"): the sign may belong after the word.
    """

    code = "TQ511"
    name = "currency-position"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Le billet coûte [[€12]] pour les adultes.",
            lang="fr",
            fixed="Le billet coûte 12\u00a0€ pour les adultes.",
        ),
        bad("Der Eintritt kostet [[€12]] für Erwachsene.", lang="de"),
        bad("Tickets cost [[12 €]] for adults.", lang="en", fixed="Tickets cost €12 for adults."),
        good("Le billet coûte 12\u00a0€ pour les adultes.", lang="fr"),
        good("Tickets cost €12 for adults, or $15 at the door.", lang="en"),
        bad(
            "The council approved [[450 million $]] for schools.",
            lang="en",
            fixed="The council approved $450 million for schools.",
        ),
        good("El boleto cuesta $12 en Bogotá y 12 € en Madrid.", lang="es"),
        bad("O bilhete custa [[€12]] em Lisboa.", lang="pt"),
        good("O bilhete custa R$ 12 em São Paulo.", lang="pt"),
        bad(
            "Le billet coûte [[5€]] à l'entrée.",
            lang="fr",
            fixed="Le billet coûte 5\u00a0€ à l'entrée.",
        ),
        good("Le billet coûte 5\u00a0€, ou 7\u00a0$ au guichet.", lang="fr"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        after = "".join(ctx.data.spec.currency_after)
        before = "".join(ctx.data.spec.currency_before)
        text = doc.text
        space = ctx.data.spec.currency_space
        if after:
            # A sign before an amount, not glued to a letter ("R$ 12" is the Brazilian real).
            pattern = rf"(?<![\p{{L}}\p{{N}}])([{regex.escape(after)}]){GAP}({AMOUNT})(?![\d%])"
            for match in regex.finditer(pattern, text):
                sign, amount = match.group(1), match.group(2)
                followed_by_word = bool(regex.match(r" \p{L}", text[match.end() : match.end() + 2]))
                fixed = f"{amount}{space}{sign}"
                yield self.finding(
                    doc,
                    match.start(),
                    match.end(),
                    f"{ctx.data.locale.get('name', ctx.lang)} writes “{sign}” after the amount: “{fixed}”.",
                    [replace(match.start(), match.end(), fixed, 0.8, safe=not followed_by_word)],
                )
        if after and space.strip() == "" and space:
            # The sign glued to the amount where the language sets a space between ("5€" in French).
            glued = rf"(?<![\p{{L}}\p{{N}}.,])({AMOUNT})([{regex.escape(after)}])(?![\p{{L}}\p{{N}}])"
            for match in regex.finditer(glued, text):
                amount, sign = match.group(1), match.group(2)
                fixed = f"{amount}{space}{sign}"
                yield self.finding(
                    doc,
                    match.start(),
                    match.end(),
                    f"{ctx.data.locale.get('name', ctx.lang)} sets a space between the amount and “{sign}”: “{fixed}”.",
                    [replace(match.start(), match.end(), fixed, 0.8, safe=True)],
                )
        if before:
            # A scale word may stand between ("450 million $" for "$450 million").
            scales = "|".join(
                regex.escape(w) for w in sorted(ctx.data.spec.number_scales, key=len, reverse=True)
            )
            scale = rf"(?: ({scales}))?" if scales else "()"
            pattern = rf"(?<![\d.,])({AMOUNT}){scale}{GAP}([{regex.escape(before)}])(?![\p{{L}}\p{{N}}])"
            for match in regex.finditer(pattern, text, flags=regex.IGNORECASE):
                amount, word, sign = match.group(1), match.group(2), match.group(3)
                fixed = f"{sign}{amount} {word}" if word else f"{sign}{amount}"
                yield self.finding(
                    doc,
                    match.start(),
                    match.end(),
                    f"{ctx.data.locale.get('name', ctx.lang)} writes “{sign}” before the amount: “{fixed}”.",
                    [replace(match.start(), match.end(), fixed, 0.8, safe=True)],
                )
