"""Source-aware accuracy checks: the translation compared with its aligned source (--source)."""

from __future__ import annotations

from collections.abc import Iterator

import regex
from rapidfuzz import fuzz

from tqcheck.align import Alignment, Pair
from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence
from tqcheck.findings import Category, Finding, Severity
from tqcheck.languages import SOURCE_LANGUAGES, SUPPORTED, identify
from tqcheck.numbers import numbers_in, same
from tqcheck.rule import Rule, bad, good
from tqcheck.rules._text import main_script, zipf

QUOTE_LIMIT = 140  # characters of the source quoted in a message
ENTITY = regex.compile(
    r"https?://[^\s)\]»”\"']+|www\.[^\s)\]»”\"']+|[\w.+-]+@[\w-]+\.[\w.-]+|(?<![\w@#])[#@][\w]+"
)
LATIN_NAME = regex.compile(
    r"\b\p{Lu}[\p{Ll}\p{Lu}'’-]*[\p{Ll}\p{Lu}](?:\s+\p{Lu}[\p{Ll}\p{Lu}'’-]*[\p{Ll}\p{Lu}])*"
)


def quote(text: str) -> str:
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= QUOTE_LIMIT else flat[: QUOTE_LIMIT - 1] + '…'}”"


def source_text(ctx: CheckContext, pair: Pair) -> str:
    assert ctx.source is not None
    return " ".join(ctx.source.sentence_text(s) for s in pair.source)


def _alignment(ctx: CheckContext) -> Alignment:
    assert ctx.alignment is not None
    return ctx.alignment


def _pair_span(doc: Document, pair: Pair) -> tuple[int, int]:
    return pair.target[0].start, pair.target[-1].end


class NumberMismatch(Rule):
    """Flags numbers, amounts, percentages and dates that differ between a sentence and its source.

    ## What it does
    Reads the numbers of each aligned sentence pair as values, the way each language writes them
    (Arabic-Indic and Persian digits, decimal comma, thousands separators, "3.5 million" against
    "3,5 millions" or "350万", small numbers written as words), and reports a translation number
    the source does not have, or a source number the translation lost.

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
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        assert ctx.source is not None
        for pair in _alignment(ctx).pairs:
            if not pair.source or not pair.target:
                continue
            start, end = _pair_span(doc, pair)
            source_numbers = [
                n for s in pair.source for n in numbers_in(ctx.source.text, ctx.source.lang, s.start, s.end)
            ]
            target_numbers = numbers_in(doc.text, doc.lang, start, end)
            missing = [n for n in source_numbers if not any(same(n.value, t.value) for t in target_numbers)]
            extra = [t for t in target_numbers if not any(same(t.value, n.value) for n in source_numbers)]
            cited = quote(source_text(ctx, pair))
            for number in extra:
                suggestions = []
                if len(missing) == 1 and len(extra) == 1:
                    wanted = missing[0]
                    replacement = _written_like(wanted.value, number.text, doc.lang)
                    suggestions.append(self._suggest(number.start, number.end, replacement))
                lost = f"; the source has {', '.join(quote(n.text) for n in missing)}" if missing else ""
                yield self.finding(doc, number.start, number.end, f"“{number.text}” is not in the source{lost}. "
                                   f"Source: {cited}", suggestions)  # fmt: skip
            if missing and not extra:
                values = ", ".join(quote(n.text) for n in missing)
                yield self.finding(
                    doc, start, end, f"The source's number {values} is missing here. Source: {cited}"
                )

    @staticmethod
    def _suggest(start: int, end: int, replacement: str):
        from tqcheck.rule import replace

        return replace(start, end, replacement, 0.6)


def _written_like(value: float, example: str, lang: str) -> str:
    """The value written as the translation writes its numbers (decimal comma or point)."""
    from tqcheck.resources import language_data

    decimal = str(language_data(lang).locale.get("decimal", ".")) if lang in SUPPORTED else "."
    if value == int(value) and abs(value) < 10_000:
        return str(int(value))
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if decimal == ",":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


class MissingEntity(Rule):
    """Flags URLs, e-mail addresses, hashtags, @handles and names of the source that the translation
    lost or changed.

    ## What it does
    URLs, e-mail addresses, hashtags and handles must appear unchanged somewhere in the
    translation. Names written in Latin letters in the source (capitalised, rare per wordfreq,
    not opening the sentence) must appear in the aligned translation sentence, allowing for
    inflection; a near miss ("Valmoria" for "Valdoria") is reported as a changed name. Names in
    another script than the translation's are not compared.

    ## Why is this bad?
    MT drops names it cannot place, substitutes similar-looking ones, and "corrects" addresses.

    ## Fix safety
    Unsafe: the source's form is proposed for a changed name or address.
    """

    code = "TQ702"
    name = "missing-entity"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    needs = frozenset({"source"})
    examples = (
        bad(
            "La ministre Lena Hartmann l’a annoncé lundi à [[Valmoria]].",
            lang="fr",
            source="The minister Lena Hartmann announced it on Monday in Valdoria.",
            source_lang="en",
        ),
        bad(
            "[[Plus d’informations sur le site du ministère.]]",
            lang="fr",
            source="More information at https://example.org/plan.",
            source_lang="en",
        ),
        good(
            "La ministre Lena Hartmann l’a annoncé lundi à Valdoria.",
            lang="fr",
            source="The minister Lena Hartmann announced it on Monday in Valdoria.",
            source_lang="en",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        assert ctx.source is not None
        source = ctx.source
        alignment = _alignment(ctx)
        for pair_index, pair in enumerate(alignment.pairs):
            if not pair.source:
                continue
            target_pair = pair if pair.target else _nearest_with_target(alignment, pair_index)
            if target_pair is None:
                continue
            start, end = _pair_span(doc, target_pair)
            cited = quote(source_text(ctx, pair))
            text = source_text(ctx, pair)
            for entity in ENTITY.findall(text):
                entity = entity.rstrip(".,;:")
                if entity not in doc.text:
                    yield self.finding(doc, start, end, f"“{entity}” from the source is missing in the "
                                       f"translation. Source: {cited}")  # fmt: skip
            if "Latin" not in language_scripts(doc.lang) or not pair.target:
                continue
            target_text = doc.text[start:end]
            for name in self._names(ctx, pair):
                if _contains_name(target_text, name):
                    continue
                near = _near_miss(target_text, name)
                if near is not None:
                    near_start = start + near[0]
                    yield self.finding(doc, near_start, start + near[1], f"The source's name “{name}” appears as "
                                       f"“{target_text[near[0]:near[1]]}”. Source: {cited}",
                                       [_suggest(near_start, start + near[1], name)])  # fmt: skip
                elif name not in doc.text:
                    yield self.finding(
                        doc, start, end, f"The source's name “{name}” is missing here. Source: {cited}"
                    )

    def _names(self, ctx: CheckContext, pair: Pair) -> Iterator[str]:
        source = ctx.source
        assert source is not None
        for sentence in pair.source:
            text = source.sentence_text(sentence)
            for match in LATIN_NAME.finditer(text):
                name = match.group(0)
                words = name.split()
                if match.start() == 0 and len(words) == 1:
                    continue  # a capital that only opens the sentence
                if main_script(name) != "Latin" or name.isupper() and len(name) <= 2:
                    continue
                if all(zipf(w.lower(), source.lang) >= 3.0 for w in words):
                    continue
                yield name


def language_scripts(lang: str) -> list[str]:
    from tqcheck.resources import language_data

    return language_data(lang).scripts


def _suggest(start: int, end: int, text: str):
    from tqcheck.rule import replace

    return replace(start, end, text, 0.5)


def _contains_name(text: str, name: str) -> bool:
    # Allow inflected forms ("Hartmanns", "Valdorias"): each word must start a word of the text.
    return all(regex.search(rf"(?<![\p{{L}}]){regex.escape(word)}", text) for word in name.split())


def _near_miss(text: str, name: str) -> tuple[int, int] | None:
    """A word sequence of the text that looks like the name but is not it (ratio 75–95)."""
    best: tuple[float, int, int] | None = None
    size = len(name.split())
    words = list(regex.finditer(r"\p{Lu}[\p{L}'’-]+", text))
    for i in range(len(words) - size + 1):
        start, end = words[i].start(), words[i + size - 1].end()
        ratio = fuzz.ratio(text[start:end], name)
        if 75 <= ratio < 100 and (best is None or ratio > best[0]):
            best = (ratio, start, end)
    return (best[1], best[2]) if best else None


def _nearest_with_target(alignment: Alignment, index: int) -> Pair | None:
    for offset in range(1, len(alignment.pairs)):
        for candidate in (index - offset, index + offset):
            if 0 <= candidate < len(alignment.pairs) and alignment.pairs[candidate].target:
                return alignment.pairs[candidate]
    return None


class UntranslatedSentence(Rule):
    """Flags a sentence of the translation that is still in the source language.

    ## What it does
    A translated sentence that equals its aligned source sentence, or that the language
    identifier places confidently in the source language, was left untranslated.

    ## Why is this bad?
    MT passes through segments it fails on; the reader of the translation cannot read them.

    ## Fix safety
    No automatic fix: the sentence needs translating.
    """

    code = "TQ703"
    name = "untranslated-sentence"
    category = Category.ACCURACY
    severity = Severity.MAJOR
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
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        assert ctx.source is not None
        source_lang = ctx.source.lang
        for pair in _alignment(ctx).pairs:
            sources = {_key(ctx.source.sentence_text(s)) for s in pair.source}
            for sentence in pair.target:
                text = doc.sentence_text(sentence)
                words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
                if len(words) < 3 and len(text) < 12:
                    continue
                copied = _key(text) in sources
                if not copied and source_lang != doc.lang:
                    lang, probability = identify(text, tuple({source_lang, doc.lang}))
                    copied = lang == source_lang and probability >= 0.95 and len(words) >= 4
                if copied:
                    cited = quote(source_text(ctx, pair)) if pair.source else "(no aligned sentence)"
                    yield self.finding(doc, sentence.start, sentence.end,
                                       f"Left in {SOURCE_LANGUAGES.get(source_lang, source_lang)}, untranslated. "
                                       f"Source: {cited}")  # fmt: skip


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
        alignment = _alignment(ctx)
        for index, pair in enumerate(alignment.pairs):
            if pair.source and not pair.target:
                anchor = _target_before(alignment, index)
                if anchor is None:
                    continue
                yield self.finding(doc, anchor.start, anchor.end, "A source sentence has no counterpart after this "
                                   f"one: {quote(source_text(ctx, pair))}")  # fmt: skip
            elif pair.source and pair.target:
                source_length = sum(len(ctx.source.sentence_text(s)) for s in pair.source)  # type: ignore[union-attr]
                start, end = _pair_span(doc, pair)
                if source_length >= 60 and end - start < 0.5 * alignment.ratio * source_length:
                    yield self.finding(doc, start, end, "Much shorter than its source: part of it may be missing. "
                                       f"Source: {quote(source_text(ctx, pair))}", severity=Severity.MINOR)  # fmt: skip


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
        alignment = _alignment(ctx)
        for pair in alignment.pairs:
            if pair.target and not pair.source:
                for sentence in pair.target:
                    if doc.blocks[sentence.block].kind == "dateline":
                        continue
                    yield self.finding(doc, sentence.start, sentence.end, "This sentence has no counterpart in "
                                       "the source.")  # fmt: skip
            elif pair.source and pair.target:
                source_length = sum(len(ctx.source.sentence_text(s)) for s in pair.source)  # type: ignore[union-attr]
                start, end = _pair_span(doc, pair)
                if end - start >= 60 and end - start > 2.2 * alignment.ratio * max(source_length, 1):
                    yield self.finding(doc, start, end, "Much longer than its source: something may have been added. "
                                       f"Source: {quote(source_text(ctx, pair))}", severity=Severity.MINOR)  # fmt: skip


class StructureMismatch(Rule):
    """Flags a translation whose headings or paragraphs do not match the source's in number.

    ## What it does
    Counts headings and paragraphs on both sides (page residue excluded by the other rules'
    findings is not subtracted) and reports a difference once, on the title.

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
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        source = ctx.source
        assert source is not None
        counts = {}
        for name, document in (("source", source), ("translation", doc)):
            headings = sum(1 for b in document.blocks if b.is_heading and b.level > 1)
            paragraphs = sum(1 for b in document.blocks if b.kind == "paragraph")
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
