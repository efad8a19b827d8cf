"""Source-aware accuracy checks: the translation compared with its aligned source (--source).

The names of the source and their spellings are checked by TQ702 in source_names.py. Five rules
(TQ701, TQ703–TQ706) with their docs and examples share the alignment helpers here, hence the
length."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from tqcheck.align import Alignment, Pair
from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence
from tqcheck.findings import Category, Finding, FixAvailability, Severity, Suggestion
from tqcheck.languages import SOURCE_LANGUAGES, SUPPORTED, identify
from tqcheck.numbers import Number, agree, clock_numbers, numbers_in
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules.script import LOCALE_CONVENTIONS, reference_line

QUOTE_LIMIT = 140  # characters of the source quoted in a message


def quote(text: str) -> str:
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= QUOTE_LIMIT else flat[: QUOTE_LIMIT - 1] + '…'}”"


def source_text(ctx: CheckContext, pair: Pair) -> str:
    assert ctx.source is not None
    return " ".join(ctx.source.sentence_text(s) for s in pair.source)


def aligned_pairs(ctx: CheckContext) -> Alignment:
    assert ctx.alignment is not None
    return ctx.alignment


def nearby_text(doc: Document, alignment: Alignment, index: int) -> str:
    """The translation of pair `index` and of its neighbours (±1 sentence): a name or number moved
    to the next sentence by the translation is still there."""
    around = [p for p in alignment.pairs[max(0, index - 1) : index + 2] if p.target]
    return " ".join(doc.text[slice(*pair_span(doc, p))] for p in around)


def pair_span(doc: Document, pair: Pair) -> tuple[int, int]:
    return pair.target[0].start, pair.target[-1].end


class NumberMismatch(Rule):
    """Flags numbers, amounts, percentages and dates that differ between a sentence and its source.

    ## What it does
    Reads the numbers of each aligned sentence pair as values, the way each language writes them
    (Arabic-Indic and Persian digits, decimal comma, thousands separators, "3.5 million" against
    "3,5 millions" or "350万", scale words in any case, "37 миллиардам", small numbers written as
    words, Roman centuries, "XIX века"), and reports a translation number the source does not
    have, or a source number the translation lost. Clock times may count the hours another way
    ("1 p.m.", "13 часов"). Figures kept digit for digit but read otherwise under the target's
    marks ("26,750" is 26.75 in German) are reported with the amount written the target's way.

    ## Why is this bad?
    A changed figure is the most damaging error a news translation can make, and the hardest for
    a reader of the translation alone to notice.

    ## Fix safety
    Unsafe: the source's number is proposed when one number replaces one other.
    """

    code = "TQ701"
    name = "number-mismatch"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.SOMETIMES
    needs = frozenset({"source"})
    examples = (
        bad(
            "Unemployment rose to [[21]] percent in March.",
            source="Le chômage a atteint 12 % en mars.",
            source_lang="fr",
            fixed="Unemployment rose to 12 percent in March.",
        ),
        bad(
            "The fund received [[35]] million euros.",
            source="Le fonds a reçu 3,5 millions d’euros.",
            source_lang="fr",
        ),
        good(
            "The fund received 3.5 million euros on 12 May.",
            source="Le fonds a reçu 3,5 millions d’euros le 12 mai.",
            source_lang="fr",
        ),
        good("The toll rose to 1,500.", source="ارتفعت الحصيلة إلى ١٥٠٠.", source_lang="ar"),
        bad(
            "Die Diebe erbeuteten am Freitag [[26,750]] Dollar.",
            source="The thieves took $26,750 on Friday.",
            source_lang="en",
            lang="de",
            fixed="Die Diebe erbeuteten am Freitag 26.750 Dollar.",
        ),
        good(
            "Обязательства лидеров равны 37 миллиардам долларов; до 13 часов жалоб не поступало.",
            source="The leaders' pledges amount to $37 billion; no complaints were received by 1 p.m.",
            source_lang="en",
            lang="ru",
        ),
        good(
            "Le pont date de la fin du XIXe siècle et a été rénové entre 1950 et 1953.",
            source="The bridge dates from the late 19th century and was renovated in 1950-53.",
            source_lang="en",
            lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        assert ctx.source is not None
        for pair in aligned_pairs(ctx).pairs:
            if not pair.source or not pair.target:
                continue
            start, end = pair_span(doc, pair)
            source_numbers = [
                n for s in pair.source for n in numbers_in(ctx.source.text, ctx.source.lang, s.start, s.end)
            ]
            target_numbers = numbers_in(doc.text, doc.lang, start, end)
            # A clock time is written in another way of counting the hours ("1 p.m.", "13 часов"):
            # a number of one side's clock times is no number the other side lost or added.
            source_clock = {v for s in pair.source for v in clock_numbers(ctx.source.text, s.start, s.end)}
            target_clock = clock_numbers(doc.text, start, end)
            # Numbers in words only confirm figures: "one" and "un" are as often pronouns and articles.
            missing = [
                n
                for n in source_numbers
                if not n.spelled
                and not any(agree(n, t) for t in target_numbers)
                and n.value not in target_clock
            ]
            extra = [
                t
                for t in target_numbers
                if not t.spelled
                and not any(agree(t, n) for n in source_numbers)
                and t.value not in source_clock
            ]
            cited = quote(source_text(ctx, pair))
            for number in extra:
                wanted = missing[0] if len(missing) == 1 and len(extra) == 1 else None
                if wanted is not None and wanted.text == number.text:
                    # The same figures, read with the translation's own marks: "26,750" is 26.75
                    # in German, where the source's amount is written "26.750".
                    replacement = _grouped(wanted.value, doc.lang)
                    yield self.finding(
                        doc,
                        number.start,
                        number.end,
                        f"“{number.text}” reads as {_plain(number.value)} in {ctx.data.spec.name}, "
                        f"where the source means {_plain(wanted.value)}: write “{replacement}”. "
                        f"Source: {cited}",
                        [suggest_source_form(number.start, number.end, replacement, 0.6)],
                    )
                    continue
                suggestions = []
                if wanted is not None:
                    replacement = _written_like(wanted.value, number, doc.lang)
                    suggestions.append(suggest_source_form(number.start, number.end, replacement, 0.6))
                lost = f"; the source has {', '.join(quote(n.text) for n in missing)}" if missing else ""
                yield self.finding(
                    doc,
                    number.start,
                    number.end,
                    f"“{number.text}” is not in the source{lost}. Source: {cited}",
                    suggestions,
                )
            if missing and not extra:
                values = ", ".join(quote(n.text) for n in missing)
                yield self.finding(
                    doc, start, end, f"The source's number {values} is missing here. Source: {cited}"
                )


def _plain(value: float) -> str:
    """A value as plain figures, without grouping: 26.75, 26750."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _grouped(value: float, lang: str) -> str:
    """A value written with the language's own thousands and decimal marks ("26.750" in German)."""
    from tqcheck.resources import language_data

    locale = language_data(lang).locale
    whole, _, fraction = _plain(value).partition(".")
    grouped = f"{int(whole):,}".replace(",", str(locale.get("thousands", ",")))
    return grouped + (str(locale.get("decimal", ".")) + fraction if fraction else "")


def _written_like(value: float, original: Number, lang: str) -> str:
    """The source's value written the way the translation wrote the number it replaces: the same
    scale word after it ("3.5 million"), thousands separator and decimal mark."""
    from tqcheck.resources import language_data

    decimal = str(language_data(lang).locale.get("decimal", ".")) if lang in SUPPORTED else "."
    value /= original.scale
    digits = original.text
    marks = [c for c in digits if not c.isdigit()]
    grouping = next((c for c in marks if c != decimal), None)
    if grouping is None and not marks:
        grouping = None if len(digits) >= 4 else str(language_data(lang).locale.get("thousands", ","))
    whole, _, fraction = _plain(value).partition(".")
    if (grouping and len(whole) > 4) or (grouping and len(whole) == 4 and any(c == grouping for c in digits)):
        whole = f"{int(whole):,}".replace(",", grouping)
    return whole + (decimal + fraction if fraction else "")


def pair_of_source_offset(alignment: Alignment, offset: int) -> int | None:
    for index, pair in enumerate(alignment.pairs):
        if any(s.start <= offset < s.end for s in pair.source):
            return index
    return None


def language_scripts(lang: str) -> list[str]:
    from tqcheck.resources import language_data

    return language_data(lang).scripts


def suggest_source_form(start: int, end: int, text: str, confidence: float = 0.5) -> Suggestion:
    """The source's form of a number or name as the fix: unsafe, since the translation may have
    changed it on purpose (a converted unit, a local spelling)."""
    return replace(start, end, text, confidence, safe=False)


def nearest_with_target(alignment: Alignment, index: int) -> Pair | None:
    """The pair itself when it has a translation, else the closest pair that has one."""
    for offset in range(len(alignment.pairs)):
        for candidate in (index - offset, index + offset):
            if 0 <= candidate < len(alignment.pairs) and alignment.pairs[candidate].target:
                return alignment.pairs[candidate]
    return None


class UntranslatedSentence(Rule):
    """Flags a sentence of the translation that is still in the source language.

    ## What it does
    A translated sentence that equals its aligned source sentence, or that the language
    identifier places confidently in the source language, was left untranslated. In a cased
    language, a reference in the body (a figure and mostly capitalised words: "Pollock,
    Griselda, Generations and Geographies in the Visual Arts, Routledge, London, 1996.") keeps
    its names and titles in any language and is left alone; a headline is not.

    ## Why is this bad?
    MT passes through segments it fails on; the reader of the translation cannot read them.

    ## Fix safety
    No automatic fix: the sentence needs translating.
    """

    code = "TQ703"
    name = "untranslated-sentence"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.NEVER
    subsumes = frozenset({"TQ302", "TQ303", "TQ304", "TQ305", *LOCALE_CONVENTIONS})
    needs = frozenset({"source"})
    examples = (
        bad(
            "Le port a rouvert mardi. [[The union will meet again next week.]]",
            lang="fr",
            source="The port reopened on Tuesday. The union will meet again next week.",
            source_lang="en",
        ),
        good(
            "Le port a rouvert mardi. Le syndicat se réunira la semaine prochaine.",
            lang="fr",
            source="The port reopened on Tuesday. The union will meet again next week.",
            source_lang="en",
        ),
        good(
            "Sources : Pollock, Griselda, Generations and Geographies in the Visual Arts, Routledge, "
            "London, 1996.",
            lang="fr",
            source="Sources: Pollock, Griselda, Generations and Geographies in the Visual Arts, Routledge, "
            "London, 1996.",
            source_lang="en",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        assert ctx.source is not None
        source_lang = ctx.source.lang
        for pair in aligned_pairs(ctx).pairs:
            sources = {_key(ctx.source.sentence_text(s)) for s in pair.source}
            for sentence in pair.target:
                text = doc.sentence_text(sentence)
                words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
                # Datelines and name-only lines ("Berlin – dpa") read the same in every language.
                block = doc.blocks[sentence.block]
                if block.kind == "dateline" or (len(words) < 4 and len(text) < 20):
                    continue
                if ctx.data.cased and not block.is_heading and reference_line(text, [w.text for w in words]):
                    continue  # a reference keeps its names and titles
                copied = _key(text) in sources
                if not copied and source_lang != doc.lang:
                    lang, probability = identify(text, tuple({source_lang, doc.lang}))
                    copied = lang == source_lang and probability >= 0.95 and len(words) >= 4
                if copied:
                    cited = quote(source_text(ctx, pair)) if pair.source else "(no aligned sentence)"
                    yield self.finding(
                        doc,
                        sentence.start,
                        sentence.end,
                        f"Left in {SOURCE_LANGUAGES.get(source_lang, source_lang)}, untranslated. "
                        f"Source: {cited}",
                    )


def _key(text: str) -> str:
    return " ".join(regex.sub(r"[^\p{L}\p{N}]+", " ", text).casefold().split())


class Omission(Rule):
    """Flags source sentences that the translation left out, and translations much shorter than
    their source.

    ## What it does
    After alignment, a source sentence with no counterpart is reported on the translated sentence
    just before the gap, quoting the missing source sentence. A pair whose translation is less
    than half as long as the article's own length ratio predicts is reported as a possible
    partial omission.

    ## Why is this bad?
    Dropped sentences are invisible to a reader of the translation; MT drops them when segments
    merge or a sentence fails to decode.

    ## Fix safety
    No automatic fix: the missing text needs translating.
    """

    code = "TQ704"
    name = "omission"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.NEVER
    needs = frozenset({"source"})
    examples = (
        bad(
            "[[The port reopened on Tuesday.]] Trade resumed at once.",
            source="Le port a rouvert mardi. Le syndicat a voté la fin de la grève lundi soir. "
            "Le commerce a repris aussitôt.",
            source_lang="fr",
        ),
        good(
            "The port reopened on Tuesday. The union voted to end the strike on Monday evening.",
            source="Le port a rouvert mardi. Le syndicat a voté la fin de la grève lundi soir.",
            source_lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        alignment = aligned_pairs(ctx)
        for index, pair in enumerate(alignment.pairs):
            if pair.source and not pair.target:
                anchor = _target_before(alignment, index)
                if anchor is None:
                    continue
                yield self.finding(
                    doc,
                    anchor.start,
                    anchor.end,
                    f"A source sentence has no counterpart after this one: {quote(source_text(ctx, pair))}",
                )
            elif pair.source and pair.target:
                source_length = sum(len(ctx.source.sentence_text(s)) for s in pair.source)  # type: ignore[union-attr]
                start, end = pair_span(doc, pair)
                if source_length >= 60 and end - start < 0.5 * alignment.ratio * source_length:
                    yield self.finding(
                        doc,
                        start,
                        end,
                        "Much shorter than its source: part of it may be missing. "
                        f"Source: {quote(source_text(ctx, pair))}",
                        severity=Severity.MINOR,
                    )


def _target_before(alignment: Alignment, index: int) -> Sentence | None:
    for pair in reversed(alignment.pairs[:index]):
        if pair.target:
            return pair.target[-1]
    for pair in alignment.pairs[index + 1 :]:
        if pair.target:
            return pair.target[0]
    return None


class Addition(Rule):
    """Flags translated sentences with no counterpart in the source, and translations much longer
    than their source.

    ## What it does
    After alignment, a translated sentence aligned to nothing is an addition; a pair more than
    twice as long as the article's length ratio predicts is a possible partial addition.

    ## Why is this bad?
    MT hallucinates sentences, and pipelines append text from elsewhere on the page.

    ## Fix safety
    No automatic fix: an editor decides whether the text belongs.
    """

    code = "TQ705"
    name = "addition"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.NEVER
    needs = frozenset({"source"})
    examples = (
        bad(
            "The port reopened on Tuesday. [[Officials also announced a new airport in the capital.]] "
            "Trade resumed at once.",
            source="Le port a rouvert mardi. Le commerce a repris aussitôt.",
            source_lang="fr",
        ),
        good(
            "The port reopened on Tuesday. Trade resumed at once.",
            source="Le port a rouvert mardi. Le commerce a repris aussitôt.",
            source_lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        alignment = aligned_pairs(ctx)
        for pair in alignment.pairs:
            if pair.target and not pair.source:
                for sentence in pair.target:
                    if doc.blocks[sentence.block].kind == "dateline":
                        continue
                    yield self.finding(
                        doc, sentence.start, sentence.end, "This sentence has no counterpart in the source."
                    )
            elif pair.source and pair.target:
                source_length = sum(len(ctx.source.sentence_text(s)) for s in pair.source)  # type: ignore[union-attr]
                start, end = pair_span(doc, pair)
                if end - start >= 60 and end - start > 2.2 * alignment.ratio * max(source_length, 1):
                    yield self.finding(
                        doc,
                        start,
                        end,
                        "Much longer than its source: something may have been added. "
                        f"Source: {quote(source_text(ctx, pair))}",
                        severity=Severity.MINOR,
                    )


class StructureMismatch(Rule):
    """Flags a translation whose headings or paragraphs do not match the source's in number.

    ## What it does
    Counts headings and paragraphs on both sides (page residue excluded by the other rules'
    findings is not subtracted) and reports a difference once, on the title. A segment translated
    as a segment (one paragraph on each side, as in segment-level MT) has no structure to compare.

    ## Why is this bad?
    A lost heading or a merged paragraph changes how the article reads, and often hides an
    omission.

    ## Fix safety
    No automatic fix.
    """

    code = "TQ706"
    name = "structure-mismatch"
    category = Category.ACCURACY
    severity = Severity.MINOR
    fix_availability = FixAvailability.NEVER
    needs = frozenset({"source"})
    examples = (
        bad(
            "[[Port reopens]]\n\nThe port reopened on Tuesday. Trade resumed at once.\n",
            source="Le port rouvre\n\nLe port a rouvert mardi.\n\nReprise du commerce\n\nLe commerce a repris aussitôt.\n",
            source_lang="fr",
        ),
        good(
            "Port reopens\n\nThe port reopened on Tuesday.\n\nTrade resumes\n\nTrade resumed at once.\n",
            source="Le port rouvre\n\nLe port a rouvert mardi.\n\nReprise du commerce\n\nLe commerce a repris aussitôt.\n",
            source_lang="fr",
        ),
        good(
            "UN: Thousands of anti-Pakistan fighters in Afghanistan",
            source="L’ONU compte des milliers de combattants anti-pakistanais en Afghanistan.",
            source_lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        source = ctx.source
        assert source is not None
        if doc.is_segment and source.is_segment:
            return  # one segment for one: segment-level MT has no structure to lose
        # Paragraphs that an omission or addition explains are already reported by TQ704/TQ705.
        alignment = aligned_pairs(ctx)
        gap_source = {id(s) for p in alignment.pairs if not p.target for s in p.source}
        gap_target = {id(s) for p in alignment.pairs if not p.source for s in p.target}
        counts = {}
        for name, document, gaps in (("source", source, gap_source), ("translation", doc, gap_target)):
            explained = {s.block for s in document.sentences if id(s) in gaps}
            explained -= {s.block for s in document.sentences if id(s) not in gaps}
            headings = sum(
                1 for b in document.blocks if b.is_heading and b.level > 1 and b.index not in explained
            )
            paragraphs = sum(1 for b in document.blocks if b.kind == "paragraph" and b.index not in explained)
            counts[name] = (headings, paragraphs)
        if counts["source"] == counts["translation"] or not doc.blocks:
            return
        (sh, sp), (th, tp) = counts["source"], counts["translation"]
        parts = []
        if sh != th:
            parts.append(f"{sh} section heading(s) in the source, {th} in the translation")
        if sp != tp:
            parts.append(f"{sp} paragraph(s) in the source, {tp} in the translation")
        first = doc.blocks[0]
        yield self.finding(doc, first.start, first.end, "Structure differs: " + "; ".join(parts) + ".")
