"""TQ702: names, numbers-free entities (URLs, e-mail, handles) and people of the source that the
translation lost or changed; the per-script name matching is in name_match.py."""

from __future__ import annotations

from collections.abc import Iterator

import regex
from rapidfuzz import fuzz

from tqcheck.align import Alignment, Pair
from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity
from tqcheck.languages import SUPPORTED
from tqcheck.resources import locale_of
from tqcheck.rule import Rule, bad, good
from tqcheck.rules._text import fold, main_script, zipf
from tqcheck.rules.name_match import (
    LOOSE_NAME_ZIPF,
    RARE_NAME_ZIPF,
    arabic_people,
    arabic_skeleton,
    chinese_people,
    contains_name,
    derived_in,
    latin_skeleton,
    name_word,
    near_miss,
    pinyin_sounds,
    sounds_alike,
)
from tqcheck.rules.source import (
    aligned_pairs,
    language_scripts,
    nearby_text,
    nearest_with_target,
    pair_of_source_offset,
    pair_span,
    quote,
    source_text,
    suggest_source_form,
)

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


class MissingEntity(Rule):
    """Flags URLs, e-mail addresses, hashtags, @handles and names of the source that the translation
    lost or changed.

    ## What it does
    URLs, e-mail addresses, hashtags and handles must appear unchanged somewhere in the
    translation. Names written in Latin letters in the source (capitalised, rare per wordfreq,
    not opening the sentence) must appear in the aligned translation sentence, allowing for
    inflection; a near miss ("Valmoria" for "Valdoria") is reported as a changed name, unless it is
    the name in the target language's own romanisation (`transliteration` in `locale.toml`:
    German "Belutschistan" for "Baluchistan"). People named
    in a Chinese source must appear in pinyin ("王振宇" → "Wang Zhenyu"), or, when the characters
    transliterate a foreign name, as a Latin name with the same consonant sounds ("韦瑟尔" →
    "Wesel", "罗梅罗" → "Romero": voicing and l/r merged, as Chinese hears them); people an Arabic source
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
            "A small plane crashed into a house in Wesel County, killing three people.",
            source="一架小型飞机在韦瑟尔县撞上一座住宅，造成三人死亡。",
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
        good(
            "Die Armee meldete Kämpfe in der Provinz Belutschistan und im Gebiet von Dschalalabad.",
            lang="de",
            source="The army reported fighting in Baluchistan province and around Jalalabad.",
            source_lang="en",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        source = ctx.source
        assert source is not None
        alignment = aligned_pairs(ctx)
        # Addresses are found in the whole source: a sentence splitter may cut a URL at its dots.
        target_entities = [
            (m.start(), m.end(), m.group(0).rstrip(".,;:)）。")) for m in ENTITY.finditer(doc.text)
        ]
        source_entities = {m.group(0).rstrip(".,;:)）。") for m in ENTITY.finditer(source.text)}
        for match in ENTITY.finditer(source.text):
            entity = match.group(0).rstrip(".,;:)）。")
            if entity in {e for _, _, e in target_entities}:
                continue
            index = pair_of_source_offset(alignment, match.start())
            target_pair = nearest_with_target(alignment, index) if index is not None else None
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
                    [suggest_source_form(start, start + len(found), entity)],
                )
                continue
            start, end = pair_span(doc, target_pair)
            yield self.finding(
                doc, start, end, f"“{entity}” from the source is missing in the translation. Source: {cited}"
            )
        if "Latin" not in language_scripts(doc.lang):
            return
        if source.lang == "zh":
            yield from self._chinese_names(doc, ctx, alignment)
        if source.lang == "ar":
            yield from self._arabic_names(doc, ctx, alignment)
        spellings = ctx.data.spec.transliteration
        # The source language's endings: a translation derives its own word from "Algerians".
        suffixes = tuple(locale_of(source.lang).inflection_suffixes) if source.lang in SUPPORTED else ()
        for index, pair, (start, end) in _translated_pairs(doc, alignment):
            window = nearby_text(doc, alignment, index)
            cited = quote(source_text(ctx, pair))
            for name, words, loose in self._names(ctx, pair, doc.lang):
                aligned = doc.text[start:end]
                changed = False
                # A near miss in the aligned sentence ("Valmoria" for "Valdoria", "Redcliff" for
                # "Redcar") is a changed name; the right spelling elsewhere does not excuse it.
                for word in dict.fromkeys([*words, *loose]):
                    if contains_name(aligned, word) or derived_in(aligned, word, spellings, suffixes):
                        continue
                    near = near_miss(aligned, word, source.text, doc.lang, spellings)
                    if near is not None:
                        changed = True
                        near_start, near_end = start + near[0], start + near[1]
                        yield self.finding(
                            doc,
                            near_start,
                            near_end,
                            f"The source's name “{name}” appears as "
                            f"“{doc.text[near_start:near_end]}”. Source: {cited}",
                            [suggest_source_form(near_start, near_end, word)],
                        )
                if (
                    not changed
                    and words
                    and not any(
                        contains_name(window, word) or derived_in(window, word, spellings, suffixes)
                        for word in words
                    )
                ):
                    yield self.finding(
                        doc, start, end, f"The source's name “{name}” is missing here. Source: {cited}"
                    )

    def _chinese_names(self, doc: Document, ctx: CheckContext, alignment: Alignment) -> Iterator[Finding]:
        """People named in a Chinese source must appear in pinyin ("王振宇" → "Wang Zhenyu"), or, for
        a foreign name in characters, as a name that sounds alike ("韦瑟尔" → "Wesel")."""
        from pypinyin import lazy_pinyin

        for index, pair, (start, end) in _translated_pairs(doc, alignment):
            nearby = nearby_text(doc, alignment, index)
            window = regex.sub(r"[\s-]+", "", fold(nearby))
            capitalised = regex.findall(r"\p{Lu}[\p{L}'’]+", nearby)
            for name, surname, given in chinese_people(source_text(ctx, pair)):
                if surname in window and given in window:
                    continue
                sounds = pinyin_sounds(lazy_pinyin(name))
                if any(sounds_alike(sounds, word) for word in capitalised):
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
        for index, pair, (start, end) in _translated_pairs(doc, alignment):
            window = nearby_text(doc, alignment, index)
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
                kept = [w for w in parts if len(w) > 2 and name_word(w, source.lang, target_lang)]
                # One ordinary-looking capitalised word ("Celsius", "Andean") is often translated.
                strict = (
                    kept
                    if len(kept) >= 2
                    else [w for w in kept if zipf(w.lower(), source.lang) < RARE_NAME_ZIPF]
                )
                loose = [w for w in parts if len(w) > 3 and zipf(w.lower(), source.lang) < LOOSE_NAME_ZIPF]
                if strict or loose:
                    yield name, strict, loose


def _translated_pairs(doc: Document, alignment: Alignment) -> Iterator[tuple[int, Pair, tuple[int, int]]]:
    """The aligned pairs with both a source and a translation, and the translation's span."""
    for index, pair in enumerate(alignment.pairs):
        if pair.source and pair.target:
            yield index, pair, pair_span(doc, pair)
