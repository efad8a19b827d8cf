"""Source-aware accuracy checks: the translation compared with its aligned source (--source)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex
from rapidfuzz import fuzz

from tqcheck.align import Alignment, Pair
from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.languages import SOURCE_LANGUAGES, SUPPORTED, identify
from tqcheck.numbers import Number, numbers_in, same
from tqcheck.rule import Rule, bad, good
from tqcheck.rules._text import fold, main_script, zipf

QUOTE_LIMIT = 140  # characters of the source quoted in a message
NAME_WORD_MAX_ZIPF = 4.6  # "Lewis" (4.5) can be a name word; "Foreign" (5.1) is an ordinary word
RARE_NAME_ZIPF = 2.0  # rarer than this, a capitalised word is a proper name in any language
LOOSE_NAME_ZIPF = 3.0  # a word this rare may be a name that a translation misspelt ("Redcar" → "Redcliff")
NEAR_MISS_RATIO = 65  # "Redcar" → "Redcliff", "Valdoria" → "Valmoria"
# URLs (ASCII only, so "www.example.cn）发布" ends at the full-width bracket), e-mail addresses,
# hashtags and @handles.
URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]"
ENTITY = regex.compile(
    rf"https?://{URL_CHARS}+|www\.{URL_CHARS}+|[\w.+-]+@[\w-]+\.[\w.-]+|(?<![\w@#])[#@][\w]+"
)
# Capitalised words in a row, not inside a handle or hashtag; a possessive "'s" is not part of it.
LATIN_NAME = regex.compile(
    r"(?<![@#\w])\p{Lu}[\p{Ll}\p{Lu}-]*[\p{Ll}\p{Lu}](?:\s+\p{Lu}[\p{Ll}\p{Lu}-]*[\p{Ll}\p{Lu}])*"
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
            # Numbers in words only confirm figures: "one" and "un" are as often pronouns and articles.
            missing = [
                n
                for n in source_numbers
                if not n.spelled and not any(same(n.value, t.value) for t in target_numbers)
            ]
            extra = [
                t
                for t in target_numbers
                if not t.spelled and not any(same(t.value, n.value) for n in source_numbers)
            ]
            cited = quote(source_text(ctx, pair))
            for number in extra:
                suggestions = []
                if len(missing) == 1 and len(extra) == 1:
                    wanted = missing[0]
                    replacement = _written_like(wanted.value, number, doc.lang)
                    suggestions.append(self._suggest(number.start, number.end, replacement))
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

    @staticmethod
    def _suggest(start: int, end: int, replacement: str):
        from tqcheck.rule import replace

        return replace(start, end, replacement, 0.6, safe=False)


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
    whole, _, fraction = f"{value:.6f}".rstrip("0").rstrip(".").partition(".")
    if (grouping and len(whole) > 4) or (grouping and len(whole) == 4 and any(c == grouping for c in digits)):
        whole = f"{int(whole):,}".replace(",", grouping)
    return whole + (decimal + fraction if fraction else "")


class MissingEntity(Rule):
    """Flags URLs, e-mail addresses, hashtags, @handles and names of the source that the translation
    lost or changed.

    ## What it does
    URLs, e-mail addresses, hashtags and handles must appear unchanged somewhere in the
    translation. Names written in Latin letters in the source (capitalised, rare per wordfreq,
    not opening the sentence) must appear in the aligned translation sentence, allowing for
    inflection; a near miss ("Valmoria" for "Valdoria") is reported as a changed name. People named
    in a Chinese source must appear in pinyin ("王振宇" → "Wang Zhenyu"); people an Arabic source
    introduces before their title ("قالت ليلى حداد، المتحدثة ...") must appear with the same
    consonants ("حداد" → "Haddad").

    ## Why is this bad?
    MT drops names it cannot place, substitutes similar-looking ones, and "corrects" addresses.

    ## Fix safety
    Unsafe: the source's form is proposed for a changed name or address.
    """

    code = "TQ702"
    name = "missing-entity"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.SOMETIMES
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
        bad(
            "[[A spokeswoman for the ministry said the roads were open again.]]",
            source="وقالت ليلى حداد، المتحدثة باسم الوزارة، إن الطرق فتحت من جديد.",
            source_lang="ar",
        ),
        bad(
            "[[The head of the delegation said the talks had gone well.]]",
            source="代表团团长王振宇表示，谈判进展顺利。",
            source_lang="zh",
        ),
        good(
            "Leila Haddad, a spokeswoman for the ministry, said the roads were open again.",
            source="وقالت ليلى حداد، المتحدثة باسم الوزارة، إن الطرق فتحت من جديد.",
            source_lang="ar",
        ),
        good(
            "La ministre Lena Hartmann l’a annoncé lundi à Valdoria.",
            lang="fr",
            source="The minister Lena Hartmann announced it on Monday in Valdoria.",
            source_lang="en",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        source = ctx.source
        assert source is not None
        alignment = _alignment(ctx)
        # Addresses are found in the whole source: a sentence splitter may cut a URL at its dots.
        target_entities = [
            (m.start(), m.end(), m.group(0).rstrip(".,;:)）。")) for m in ENTITY.finditer(doc.text)
        ]
        source_entities = {m.group(0).rstrip(".,;:)）。") for m in ENTITY.finditer(source.text)}
        for match in ENTITY.finditer(source.text):
            entity = match.group(0).rstrip(".,;:)）。")
            if entity in {e for _, _, e in target_entities}:
                continue
            index = _pair_of_source_offset(alignment, match.start())
            target_pair = _nearest_with_target(alignment, index) if index is not None else None
            if index is None or target_pair is None:
                continue
            cited = quote(source_text(ctx, alignment.pairs[index]))
            # An altered address ("@SafaPort" for "@SafaPorts") is reported where it stands.
            altered = max(
                ((fuzz.ratio(e, entity), s, t, e) for s, t, e in target_entities if e not in source_entities),
                default=None,
            )
            if altered is not None and altered[0] >= 75:
                _, start, end, found = altered
                yield self.finding(
                    doc,
                    start,
                    start + len(found),
                    f"“{found}” differs from the source's “{entity}”. Source: {cited}",
                    [_suggest(start, start + len(found), entity)],
                )
                continue
            start, end = _pair_span(doc, target_pair)
            yield self.finding(
                doc, start, end, f"“{entity}” from the source is missing in the translation. Source: {cited}"
            )
        if "Latin" not in language_scripts(doc.lang):
            return
        if source.lang == "zh":
            yield from self._chinese_names(doc, ctx, alignment)
        if source.lang == "ar":
            yield from self._arabic_names(doc, ctx, alignment)
        for index, pair in enumerate(alignment.pairs):
            if not pair.source or not pair.target:
                continue
            start, end = _pair_span(doc, pair)
            around = [p for p in alignment.pairs[max(0, index - 1) : index + 2] if p.target]
            window = " ".join(doc.text[_pair_span(doc, p)[0] : _pair_span(doc, p)[1]] for p in around)
            cited = quote(source_text(ctx, pair))
            for name, words, loose in self._names(ctx, pair, doc.lang):
                aligned = doc.text[start:end]
                changed = False
                # A near miss in the aligned sentence ("Valmoria" for "Valdoria", "Redcliff" for
                # "Redcar") is a changed name; the right spelling elsewhere does not excuse it.
                for word in dict.fromkeys([*words, *loose]):
                    if _contains_name(aligned, word):
                        continue
                    near = _near_miss(aligned, word, source.text, doc.lang)
                    if near is not None:
                        changed = True
                        near_start, near_end = start + near[0], start + near[1]
                        yield self.finding(
                            doc,
                            near_start,
                            near_end,
                            f"The source's name “{name}” appears as "
                            f"“{doc.text[near_start:near_end]}”. Source: {cited}",
                            [_suggest(near_start, near_end, word)],
                        )
                if not changed and words and not any(_contains_name(window, word) for word in words):
                    yield self.finding(
                        doc, start, end, f"The source's name “{name}” is missing here. Source: {cited}"
                    )

    def _chinese_names(self, doc: Document, ctx: CheckContext, alignment: Alignment) -> Iterator[Finding]:
        """People named in a Chinese source must appear in pinyin ("王振宇" → "Wang Zhenyu")."""
        source = ctx.source
        assert source is not None
        for index, pair in enumerate(alignment.pairs):
            if not pair.source or not pair.target:
                continue
            start, end = _pair_span(doc, pair)
            around = [p for p in alignment.pairs[max(0, index - 1) : index + 2] if p.target]
            window = fold(" ".join(doc.text[_pair_span(doc, p)[0] : _pair_span(doc, p)[1]] for p in around))
            window = regex.sub(r"[\s-]+", "", window)
            for name, surname, given in chinese_people(source_text(ctx, pair)):
                if surname in window and given in window:
                    continue
                yield self.finding(
                    doc,
                    start,
                    end,
                    f"The source's name “{name}” ({surname.title()} "
                    f"{given.title()}) is missing here. Source: {quote(source_text(ctx, pair))}",
                )

    def _arabic_names(self, doc: Document, ctx: CheckContext, alignment: Alignment) -> Iterator[Finding]:
        """People an Arabic source introduces ("قالت ليلى حداد، المتحدثة ...") must appear in the
        translation; names are compared by their consonants ("حداد" and "Haddad": "hd")."""
        source = ctx.source
        assert source is not None
        for index, pair in enumerate(alignment.pairs):
            if not pair.source or not pair.target:
                continue
            start, end = _pair_span(doc, pair)
            around = [p for p in alignment.pairs[max(0, index - 1) : index + 2] if p.target]
            window = " ".join(doc.text[_pair_span(doc, p)[0] : _pair_span(doc, p)[1]] for p in around)
            kept = {latin_skeleton(word) for word in regex.findall(r"\p{Lu}[\p{L}'’-]+", window)}
            for name in arabic_people(source_text(ctx, pair)):
                skeletons = [arabic_skeleton(word) for word in name.split()]
                if any(len(k) >= 2 and k in kept for k in skeletons):
                    continue
                yield self.finding(
                    doc,
                    start,
                    end,
                    f"The source's name “{name}” is missing here. Source: {quote(source_text(ctx, pair))}",
                )

    def _names(
        self, ctx: CheckContext, pair: Pair, target_lang: str
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        """Names of the source sentence: the words whose absence means the name is missing (a
        person's "Priya Raman", a rare "Valdoria"), and the rarer words a near miss may stand for."""
        source = ctx.source
        assert source is not None
        for sentence in pair.source:
            text = source.sentence_text(sentence)
            for match in LATIN_NAME.finditer(text):
                name = match.group(0)
                parts = name.split()
                if main_script(name) != "Latin" or (match.start() == 0 and len(parts) == 1):
                    continue  # a capital that only opens the sentence
                kept = [w for w in parts if len(w) > 2 and _name_word(w, source.lang, target_lang)]
                # One ordinary-looking capitalised word ("Celsius", "Andean") is often translated.
                strict = (
                    kept
                    if len(kept) >= 2
                    else [w for w in kept if zipf(w.lower(), source.lang) < RARE_NAME_ZIPF]
                )
                loose = [w for w in parts if len(w) > 3 and zipf(w.lower(), source.lang) < LOOSE_NAME_ZIPF]
                if strict or loose:
                    yield name, strict, loose


def _name_word(word: str, source_lang: str, target_lang: str) -> bool:
    """A word that a translation keeps as it is: very rare (a proper name), or about as frequent in
    the target language as in the source (names: "Burke", "Callaghan"). Ordinary words that a
    translation changes ("Danish", "University") are much rarer in the target language."""
    in_source = zipf(word.lower(), source_lang)
    if in_source < RARE_NAME_ZIPF:
        return True
    return in_source < NAME_WORD_MAX_ZIPF and zipf(word.lower(), target_lang) >= in_source - 1.0


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    from tqcheck.resources import DATA

    text = DATA.joinpath("zh", "surnames.txt").read_text(encoding="utf-8")
    return frozenset(c for line in text.splitlines() if not line.startswith("#") for c in line.split())


def chinese_people(text: str) -> Iterator[tuple[str, str, str]]:
    """Names of people in Chinese text (jieba's part-of-speech tags), with their pinyin surname and
    given name; only names with a common Chinese surname, so foreign names in characters are skipped."""
    import logging

    import jieba
    import jieba.posseg
    from pypinyin import lazy_pinyin

    jieba.setLogLevel(logging.WARNING)
    for word, flag in jieba.posseg.cut(text):
        if flag == "nr" and 2 <= len(word) <= 3 and word[0] in _surnames():
            syllables = lazy_pinyin(word)
            yield word, syllables[0], "".join(syllables[1:])


@lru_cache(maxsize=1)
def _arabic_name_data() -> dict:
    from tqcheck.resources import _load_toml

    return _load_toml("ar", "names.toml")


def arabic_people(text: str) -> Iterator[str]:
    """Names after a verb of saying and before a comma and a title: "قالت ليلى حداد، المتحدثة"."""
    data = _arabic_name_data()
    verbs, titles = set(data.get("speech_verbs", [])), set(data.get("titles", []))
    words = regex.findall(r"\p{Arabic}+|[،,]", text)
    for i, word in enumerate(words):
        if word not in verbs:
            continue
        for size in (1, 2, 3):
            name = words[i + 1 : i + 1 + size]
            after = words[i + 1 + size : i + 3 + size]
            # A name has no comma and no title word in it ("وكيل الوزارة" is a title, not a name).
            plain = not any(w in "،," or w in titles for w in name)
            if len(name) == size and plain and len(after) == 2 and after[0] in "،," and after[1] in titles:
                yield " ".join(name)
                break


def _collapse(consonants: str) -> str:
    return regex.sub(r"(.)\1+", r"\1", consonants)


def arabic_skeleton(word: str) -> str:
    """Latin consonants of an Arabic word, attached particles and the article dropped."""
    letters = _arabic_name_data().get("letters", {})
    word = regex.sub(r"^(?:وال|ال|و|ف|ب|ل)(?=\p{Arabic}{3,})", "", word)
    return _collapse("".join(letters.get(ch, "") for ch in word))


LATIN_DIGRAPHS = (
    ("kh", "k"),
    ("sh", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ph", "f"),
    ("q", "k"),
    ("c", "k"),
)


def latin_skeleton(word: str) -> str:
    """Consonants of a Latin-script name, with the sounds Arabic writes alike merged."""
    plain = regex.sub(r"^(?:al|el|ad|an|ar|as|at|az)-", "", fold(word).lower())  # the article: "al-Attar"
    for digraph, single in LATIN_DIGRAPHS:
        plain = plain.replace(digraph, single)
    return _collapse(regex.sub(r"[^bdfghjklmnprstvzx]", "", plain))


def _pair_of_source_offset(alignment: Alignment, offset: int) -> int | None:
    for index, pair in enumerate(alignment.pairs):
        if any(s.start <= offset < s.end for s in pair.source):
            return index
    return None


def language_scripts(lang: str) -> list[str]:
    from tqcheck.resources import language_data

    return language_data(lang).scripts


def _suggest(start: int, end: int, text: str):
    from tqcheck.rule import replace

    return replace(start, end, text, 0.5, safe=False)


def _contains_name(text: str, name: str) -> bool:
    """Each word of the name starts a word of the text, accents aside ("Andres" in "Andrés",
    "Hartmann" in "Hartmanns")."""
    folded = fold(text)
    return all(regex.search(rf"(?<![\p{{L}}]){regex.escape(fold(word))}", folded) for word in name.split())


def _near_miss(text: str, word: str, source: str, target_lang: str) -> tuple[int, int] | None:
    """A word of the text that looks like the name word but is not it: rare in the target language,
    not itself in the source ("Redcliff" for "Redcar", "Mehra" for "Mehta")."""
    best: tuple[float, int, int] | None = None
    folded_source = fold(source)
    for match in regex.finditer(r"\p{Lu}[\p{L}'’-]+", text):
        candidate = match.group(0)
        if fold(candidate) in folded_source or zipf(candidate.lower(), target_lang) >= RARE_NAME_ZIPF:
            continue
        ratio = fuzz.ratio(fold(candidate), fold(word))
        if fold(candidate)[:4] == fold(word)[:4] and min(len(candidate), len(word)) >= 5:
            ratio = max(ratio, NEAR_MISS_RATIO)  # same first four letters: "Redcar" → "Redcliff"
        if NEAR_MISS_RATIO <= ratio < 100 and (best is None or ratio > best[0]):
            best = (ratio, match.start(), match.end())
    return (best[1], best[2]) if best else None


def _nearest_with_target(alignment: Alignment, index: int) -> Pair | None:
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
    fix_availability = FixAvailability.NEVER
    subsumes = frozenset({"TQ302", "TQ303", "TQ304", "TQ305"})
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
                # Datelines and name-only lines ("Berlin – dpa") read the same in every language.
                if doc.blocks[sentence.block].kind == "dateline" or (len(words) < 4 and len(text) < 20):
                    continue
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
        alignment = _alignment(ctx)
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
                start, end = _pair_span(doc, pair)
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
        alignment = _alignment(ctx)
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
                start, end = _pair_span(doc, pair)
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
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        source = ctx.source
        assert source is not None
        # Paragraphs that an omission or addition explains are already reported by TQ704/TQ705.
        alignment = _alignment(ctx)
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
