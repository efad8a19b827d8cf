"""Heading style: capitalisation, final periods, and the article's own heading case."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Block, Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity, Suggestion
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import is_common_word
from tqcheck.wordlists import top_words

HEADING_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’-]*")
# A final period that belongs to an abbreviation ("U.S.", "Inc.", "Jr."), not to a sentence.
ABBREVIATION_END = regex.compile(r"(?:\b\p{Lu}\.){2,}$|\b(?:Inc|Ltd|Co|Jr|Sr|St|Dr|etc|Corp|Bros)\.$")


def _heading_words(doc: Document, block: Block) -> list[regex.Match[str]]:
    return list(HEADING_WORD.finditer(doc.text, block.start, block.end))


class HeadingLowercase(Rule):
    """Flags a heading that starts with a lowercase letter ("calls for restraint").

    ## What it does
    In languages written with letter case, checks the first letter of every heading. Words
    written with an internal capital ("iPhone", "eBay") are left alone.

    ## Why is this bad?
    MT translates a heading as a sentence fragment, often from a source script without case,
    and loses the capital that every heading style in a cased language requires.

    ## Fix safety
    Safe: only the first letter changes.
    """

    code = "TQ401"
    name = "heading-lowercase"
    category = Category.STYLE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The talks ended.\n\n[[calls for restraint]]\n\nThe UN urged both sides to stop.",
            fixed="The talks ended.\n\nCalls for restraint\n\nThe UN urged both sides to stop.",
        ),
        bad(
            "Les négociations ont pris fin.\n\n[[appels à la retenue]]\n\nL’ONU a appelé au calme.",
            lang="fr",
            fixed="Les négociations ont pris fin.\n\nAppels à la retenue\n\nL’ONU a appelé au calme.",
        ),
        good("Apple shares fell.\n\niPhone sales slow down\n\nSales fell by 3%."),
        good("谈判结束。\n\n呼吁保持克制\n\n联合国敦促双方停火。", lang="zh"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        if not ctx.data.cased:
            return
        for block in doc.headings:
            words = _heading_words(doc, block)
            if not words:
                continue
            first = words[0]
            word = first.group(0)
            if not word[0].islower() or any(ch.isupper() for ch in word[1:]):
                continue
            # The edit is the one letter, so that other fixes in the heading do not collide with it.
            yield self.finding(
                doc,
                block.start,
                block.end,
                "Heading starts with a lowercase letter.",
                [replace(first.start(), first.start() + 1, word[0].upper(), 0.95, safe=True)],
            )


class HeadingPeriod(Rule):
    """Flags a heading that ends with a period ("Calls for restraint.").

    ## What it does
    Checks the last character of every heading for "." or "。", leaving ellipses and
    abbreviations ("U.S.", "Inc.") alone.

    ## Why is this bad?
    News headings take no final period in any of the supported languages; MT adds one because
    it translates the heading as a sentence.

    ## Fix safety
    Safe: only the period is removed.
    """

    code = "TQ402"
    name = "heading-period"
    category = Category.STYLE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The talks in Geneva ended on Tuesday without an agreement.\n\n[[Calls for restraint.]]\n\n"
            "The UN urged both sides to stop the fighting at once.",
            fixed="The talks in Geneva ended on Tuesday without an agreement.\n\nCalls for restraint\n\n"
            "The UN urged both sides to stop the fighting at once.",
        ),
        bad(
            "周二在日内瓦举行的谈判没有达成任何协议。\n\n[[呼吁保持克制。]]\n\n联合国敦促双方立即停止战斗。",
            lang="zh",
            fixed="周二在日内瓦举行的谈判没有达成任何协议。\n\n呼吁保持克制\n\n联合国敦促双方立即停止战斗。",
        ),
        good("The talks ended.\n\nTalks with the U.S.\n\nThe UN urged both sides to stop."),
        good("The talks ended.\n\nWaiting for news...\n\nThe UN urged both sides to stop."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        for block in doc.headings:
            text = doc.block_text(block)
            if not text.endswith((".", "。")) or text.endswith("..") or ABBREVIATION_END.search(text):
                continue
            kept = len(text[:-1].rstrip())  # the period goes, with any space before it
            yield self.finding(
                doc,
                block.start,
                block.end,
                "Heading ends with a period.",
                [replace(block.start + kept, block.end, "", 0.95, safe=True)],
            )


def _joined(doc: Document, letters: list[Suggestion]) -> Suggestion:
    """One suggestion from the first changed letter to the last (one finding, one edit), so that
    the letters between them and the rest of the heading stay untouched."""
    start, end = letters[0].start, letters[-1].end
    text = doc.text[start:end]
    for letter in reversed(letters):  # right to left so earlier offsets stay valid
        offset = letter.start - start
        text = text[:offset] + letter.replacement + text[offset + 1 :]
    return replace(start, end, text, 0.5, safe=False)


def _title_cased(words: list[str], lang: str, capitalised_nouns: bool) -> bool:
    """Every word capitalised, and the capitals cannot all be names: a frequent word (an article,
    a preposition, a verb) after the first, or, where nouns are not capitalised anyway, two
    ordinary words."""
    if len(words) < 3 or any(not w[0].isupper() for w in words):
        return False
    rest = words[1:]
    if any(w.lower() in top_words(lang, 200) for w in rest):
        return True
    return not capitalised_nouns and sum(is_common_word(w, lang, 3.0) for w in rest) >= 2


def heading_case(words: list[str], minor: set[str], lang: str) -> str | None:
    """'title' when every word that may be capitalised is, 'sentence' when an ordinary word after
    the first is lowercase, None when the heading is too short to tell."""
    rest = [w for w in words[1:] if w.lower() not in minor]
    if len(rest) < 2:
        return None
    lowered = [w for w in rest if w[0].islower()]
    if not lowered:
        # Capitals on ordinary words: every such word being a name is unlikely.
        ordinary = [w for w in rest if is_common_word(w, lang, 4.0)]
        return "title" if len(ordinary) >= 2 else None
    return "sentence"


class HeadingCase(Rule):
    """Flags a heading whose case style (Title Case or Sentence case) differs from the article's
    other headings, or a Title Case heading in a language that writes headings in sentence case.

    ## What it does
    For languages that use both styles (`heading_cases` in `locale.toml`: English), classifies
    each section heading and flags the ones in the minority style when at least two headings
    agree on the other style. For languages that use sentence case only (`heading_cases =
    ["sentence"]`), flags a heading of three words or more with every word capitalised, when a
    capitalised word after the first is one of the language's 200 most frequent words ("Um Mar
    De Oportunidades") or two are ordinary words ("Un Jury Divisé"); where nouns are capitalised
    anyway (`capitalised_nouns` in `locale.toml`: German), only the first test counts.

    ## Why is this bad?
    A house style uses one heading case; MT of each heading on its own mixes them.

    ## Fix safety
    Unsafe: converting to Sentence case cannot always tell names from ordinary words.
    """

    code = "TQ403"
    name = "heading-case-mismatch"
    category = Category.STYLE
    severity = Severity.MINOR
    fix_availability = FixAvailability.SOMETIMES
    examples = (
        bad(
            "Port strike ends\n\nDockers voted.\n\nTalks with the union\n\nThey met.\n\nPay rises for new staff\n\n"
            "They agreed.\n\n[[Government Promises New Investment]]\n\nIt will pay.",
            fixed="Port strike ends\n\nDockers voted.\n\nTalks with the union\n\nThey met.\n\n"
            "Pay rises for new staff\n\nThey agreed.\n\nGovernment promises new investment\n\nIt will pay.",
        ),
        good(
            "Port strike ends\n\nDockers voted.\n\nTalks with the union\n\nThey met.\n\nBack to work in Hamburg\n\nDone."
        ),
        bad(
            "La grève prend fin\n\nLes dockers ont voté lundi.\n\n[[Un Accord Pour Trois Ans]]\n\nIls ont signé.",
            lang="fr",
        ),
        bad(
            "Забастовка закончилась\n\nДокеры проголосовали.\n\n[[Профсоюз Подписал Соглашение]]\n\nОни подписали.",
            lang="ru",
        ),
        bad(
            "Streik beendet\n\nDie Hafenarbeiter stimmten ab.\n\n[[Einigung Für Drei Jahre]]\n\nSie unterschrieben.",
            lang="de",
        ),
        good(
            "Streik beendet\n\nDie Hafenarbeiter stimmten ab.\n\nNeue Regeln für Banken\n\nSie unterschrieben.",
            lang="de",
        ),
        good(
            "La grève prend fin\n\nLes dockers ont voté.\n\nSaint-Nazaire Marseille\n\nIls ont signé.",
            lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        styles = ctx.data.locale.get("heading_cases", [])
        if styles == ["sentence"]:
            yield from self._title_case_in_sentence_case_language(doc, ctx)
            return
        if len(styles) < 2:
            return
        minor = {w.lower() for w in ctx.data.locale.get("title_case_minor_words", [])}
        classified: list[tuple[Block, str, list[regex.Match[str]]]] = []
        for block in doc.headings:
            matches = _heading_words(doc, block)
            case = heading_case([m.group(0) for m in matches], minor, ctx.lang)
            if case:
                classified.append((block, case, matches))
        counts = {
            style: sum(1 for _, case, _ in classified if case == style) for style in ("title", "sentence")
        }
        if min(counts.values()) == 0 or max(counts.values()) < 2 or counts["title"] == counts["sentence"]:
            return
        majority = max(counts, key=counts.__getitem__)
        for block, case, matches in classified:
            if case == majority:
                continue
            fixes = []
            for match in matches[1:]:
                word = match.group(0)
                if majority == "sentence" and word[0].isupper() and is_common_word(word, ctx.lang, 4.0):
                    fixes.append(replace(match.start(), match.start() + 1, word[0].lower(), 0.5, safe=False))
                elif majority == "title" and word[0].islower() and word.lower() not in minor:
                    fixes.append(replace(match.start(), match.start() + 1, word[0].upper(), 0.5, safe=False))
            style = "Title Case" if majority == "title" else "Sentence case"
            yield self.finding(
                doc,
                block.start,
                block.end,
                f"Heading case differs from the article's other headings, which use {style}.",
                [_joined(doc, fixes)] if fixes else [],
            )

    def _title_case_in_sentence_case_language(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        capitalised_nouns = bool(ctx.data.locale.get("capitalised_nouns", False))
        language = ctx.data.locale.get("name", ctx.lang)
        for block in doc.headings:
            matches = _heading_words(doc, block)
            if not _title_cased([m.group(0) for m in matches], ctx.lang, capitalised_nouns):
                continue
            # Lower the frequent and ordinary words; capitals that may be names stay.
            fixes = [
                replace(m.start(), m.start() + 1, m.group(0)[0].lower(), 0.5, safe=False)
                for m in matches[1:]
                if m.group(0).lower() in top_words(ctx.lang, 200)
                or (not capitalised_nouns and is_common_word(m.group(0), ctx.lang, 3.0))
            ]
            yield self.finding(
                doc,
                block.start,
                block.end,
                f"Title Case heading: {language} writes headings in sentence case.",
                [_joined(doc, fixes)] if fixes else [],
            )
