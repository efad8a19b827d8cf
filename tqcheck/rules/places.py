"""Exonyms: one place, body or person named two ways in one article (the target's name and another language's)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import regex
from rapidfuzz.distance import Indel

from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Category, Finding, FixAvailability, Severity, Suggestion
from tqcheck.resources import NAME_TABLES, data_path_setting, language_folders, locale_of, name_table
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import in_brackets, is_capitalised, main_script, quoted, zipf
from tqcheck.rules.names import _base_letter, _stems, consonants, spelling_key

# Every word of another language's multi-word form this common in the target: a phrase of the
# target's ("Supreme Court"), not the other language's name.
PHRASE_WORD_ZIPF = 3.5
# How alike (Indel similarity of spelling keys) two own forms of a place must be to be one name
# spelled two ways: "Moscou"/"Moscovo" 0.67, "Kiev"/"Kyiv" 1.0; "Burma"/"Myanmar" 0.33.
OWN_VARIANT_SIMILARITY = 0.5
# A foreign form that is this common a word in the target is that word, not the place.
EVERYDAY_ZIPF = 4.0
# Endings that leave a Latin-script name itself (a genitive), not a word derived from it; words
# are read with their apostrophes written "'".
GENITIVES = ("'s", "s")
# Another language's form at most this much rarer (Zipf) in the target than the target's own
# form is in use there, not left untranslated.
IN_USE_MARGIN = 0.75
# Letters an adjective or a demonym adds to a name's stem ("Argentin|e"; "Mosc|ow" is another name).
DERIVED_ENDING = 1
# ... and a word of the target at least this common (Zipf).
DERIVED_MIN_ZIPF = 3.0
QUOTE_SPACES = " \u00a0\u202f"  # French writes « Rheinland-Pfalz » with spaces inside
# Capitalised words right before and after a match, one space away.
WORD_BEFORE = regex.compile(r"(\p{Lu}[\p{L}\p{M}'’.\-]*) $")
WORD_AFTER = regex.compile(r" \p{Lu}")
# A capitalised word rarer than this is a name's part, not a sentence's common opening word.
NAME_ZIPF = 4.5
# A word respelling a listed name: at least this long, rarer than this (Zipf; "Johnston", 3.8, is
# a name of its own beside "Johnson"), and its spelling key this alike to the name's
# ("Нетаниаху"/"Нетаньяху" 0.82, "Navalnyi"/"Navalny" 1.0; "Trumpism"/"Trump" 0.77).
RESPELLED_MIN_LETTERS = 5
RESPELLED_MAX_ZIPF = 3.5
RESPELLED_SIMILARITY = 0.8
# A word derived from a name keeps at least this much of it (or all of a shorter one) and is a
# word of the target this common ("Chilean", "Escocés").
DERIVED_STEM = 5
DERIVED_WORD_ZIPF = 2.5
# Arabic letters that spell long vowels (alif, waw, ya, alif maqsura): transliterations differ there.
ARABIC_LONG_VOWELS = regex.compile("[اويى]")


class NamedForm(NamedTuple):
    """One form of a place or body as TQ603 and TQ201 look for it in one target language."""

    kind: str  # "places" or "bodies" (the table it comes from)
    name: str  # the id of the place or body
    form: str
    own: bool  # one of the target language's own forms, not another language's
    origin: str  # the language whose table lists it


@dataclass(frozen=True)
class Occurrence:
    """Where a form stands in a text: text[start:end] == text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NameForms:
    forms: tuple[NamedForm, ...]  # the longest first
    own: dict[tuple[str, str], tuple[str, ...]]  # (kind, id) -> the target's own forms, most usual first
    known: frozenset[str]  # every form, `canonical`: a reordering that is one is a name of its own


class ExonymVariants(Rule):
    """Flags a place, a public body or a person named two ways in one article: the target
    language's own name and another language's ("Pékin" and "Beijing" in French, "l'OTAN" and
    "NATO", "Putin" and "Poutine" in Spanish), or two of the target's own spellings ("Moscou" and
    "Moscovo" in Portuguese, "特朗普" and "川普" in Chinese).

    ## What it does
    Reads each language's `places.tsv`, `bodies.tsv` and `people.tsv`: the forms its news
    writes a place, a body or a person in ("Pékin"; "Moscou | Moscovo"; "Organisation mondiale
    de la santé | OMS"; "Poutine | Vladimir Poutine"). In an article in the target language
    every form counts: the target's own, and every other language's in the target's script that
    is not an everyday word or phrase of the target (acronyms of three letters or more, outside
    text in capitals). Where another language's form stands beside one of the target's own, or
    two of the target's own spellings of a place or person do, the article's form is its most
    frequent own form and every other form is flagged. A body's full name and its acronym, a
    surname and the full name, a long and a short name ("United Kingdom", "Britain": spellings
    less than half alike; in Chinese, a short name that keeps the long one's characters in
    order) are one name. Where only another language's name stands for a place or body the
    target names its own way, it is flagged as left untranslated ("Beijing" in Portuguese:
    "Pequim"), unless the target's own texts write that form about as often as their own
    (Spanish "Pyongyang"); a body's foreign name that the target's news keeps is one of the
    target's own forms in its table (German "Federal Reserve"). A listed person's name
    transliterated another way beside the article's listed form ("Нетаниаху" beside
    "Нетаньяху"; a given name beside the rest of the full name) is one person spelled two ways.
    A form inside a longer proper name ("Beijing Normal University", "FC Köln", "Trump Tower"),
    quoted whole or glossed in brackets is left alone. In languages that inflect names
    (`inflection_suffixes`, `inflection_prefixes` in `locale.toml`) an own form may carry an
    affix ("Москве", "وبكين"); other languages' forms must stand as written.

    ## Why is this bad?
    MT systems translate sentence by sentence and keep the English name in some of them: the
    reader meets two names for one city, organisation or person and may take them for two, and
    search finds only one of them. A name left in English reads as an untranslated word.

    ## Fix safety
    Unsafe: the fix writes the article's form, but which exonym a publication uses is its own
    choice. An inflected form is rewritten only where the ending carries over unchanged.
    """

    code = "TQ603"
    name = "exonym-variants"
    category = Category.TERMINOLOGY
    severity = Severity.MINOR
    fix_availability = FixAvailability.SOMETIMES
    subsumes = frozenset({"TQ601"})
    examples = (
        bad(
            "Les autorités de Pékin ont réagi lundi. Selon [[Beijing]], les exportations reprendront.",
            lang="fr",
            fixed="Les autorités de Pékin ont réagi lundi. Selon Pékin, les exportations reprendront.",
        ),
        bad(
            "A delegação chegou a Moscou na terça-feira. De [[Moscovo]], seguiu para Minsk.",
            lang="pt",
            fixed="A delegação chegou a Moscou na terça-feira. De Moscou, seguiu para Minsk.",
        ),
        bad(
            "Делегация прибыла в Пекин во вторник. В [[Бэйцзине]] стороны подпишут соглашение.",
            lang="ru",
            fixed="Делегация прибыла в Пекин во вторник. В Пекине стороны подпишут соглашение.",
        ),
        bad("新西兰北岛遭遇强降雨。[[纽西兰]]气象局预计降雨将持续至周末。", lang="zh"),
        bad("悉尼歌剧院迎来启用50周年，[[雪梨]]市政府举办了庆祝活动。", lang="zh"),
        good("拉丁美洲多国举行峰会。拉美领导人呼吁加强合作。", lang="zh"),
        good("英国首相周二表示，联合王国将继续支持乌克兰。英国议会随后进行了辩论。", lang="zh"),
        bad(
            "Les ministres de l'OTAN se réunissent jeudi. Le secrétaire général de [[NATO]] a parlé.",
            lang="fr",
        ),
        bad(
            "As autoridades de [[Beijing]] alegam motivos de segurança nacional.",
            lang="pt",
            fixed="As autoridades de Pequim alegam motivos de segurança nacional.",
        ),
        good("Dois estudantes da Beijing Normal University ganharam o prémio.", lang="pt"),
        bad("Die [[European Central Bank]] hat den Leitzins gesenkt.", lang="de"),
        bad(
            "Биньямин Нетаньяху созвал кабинет. [[Нетаниаху]] заявил, что операция продолжится.",
            lang="ru",
            fixed="Биньямин Нетаньяху созвал кабинет. Нетаньяху заявил, что операция продолжится.",
        ),
        bad("وصل إيمانويل ماكرون إلى الرياض. وسيلتقي [[إمانويل]] ماكرون ولي العهد.", lang="ar"),
        bad("Luiz Inácio Lula da Silva visitó la Amazonia. Luis [[Ignacio]] Lula da Silva habló.", lang="es"),
        good("Boris Johnson met Tom Johnston and Ivanka Trump. Donald Trump spoke."),
        good("Die Federal Reserve folgte, wie Human Rights Watch berichtet.", lang="de"),
        good("La frégate « Rheinland-Pfalz » est entrée en service en Rhénanie-Palatinat.", lang="fr"),
        good("Myanmar (formerly Burma) held elections. Myanmar's army disputed the result."),
        bad(
            "Vladímir Putin firmó el decreto el miércoles. Según el Kremlin, [[Poutine]] hablará esta noche.",
            lang="es",
            fixed="Vladímir Putin firmó el decreto el miércoles. Según el Kremlin, Putin hablará esta noche.",
        ),
        bad("美国前总统特朗普周二发表讲话。[[川普]]表示将继续参选。", lang="zh"),
        good("Wladimir Putin empfing den Gast. Putin sagte, die Gespräche seien gut verlaufen.", lang="de"),
        good("The Trump Tower stayed closed. Donald Trump did not comment.", lang="en"),
        good(
            "Die Regierung in Peking reagierte am Montag. In Peking hieß es, man prüfe den Fall.", lang="de"
        ),
        good("El Real Madrid ganó en Múnich. El club de Múnich perdió en casa.", lang="es"),
        good(
            "L'Organisation mondiale de la santé (OMS) a publié son rapport. L'OMS appelle à la vigilance.",
            lang="fr",
        ),
        good("L'OTAN SE RÉUNIT À BRUXELLES\n\nLes ministres de l'OTAN se réunissent jeudi.", lang="fr"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        setting = data_path_setting()
        table = name_forms(ctx.lang, setting)
        # (kind, id) -> a form told apart from case and apostrophes ("mar Negro", "Mar Negro")
        # -> its occurrences.
        found: dict[tuple[str, str], dict[str, list[tuple[NamedForm, Occurrence]]]] = {}
        cased = ctx.data.cased
        matched: list[tuple[int, int]] = []  # every form met, kept or not: no respelling of a name
        for form, match in find_forms(doc.text, ctx.lang, setting, table.forms, "form"):
            matched.append((match.start, match.end))
            if in_brackets(doc.text, match.start, match.end):
                continue  # a gloss: "Myanmar (formerly Burma)"
            if not form.own and quoted(doc.text, match.start, match.end, QUOTE_SPACES):
                continue  # a title in quotation marks: the frigate "Rheinland-Pfalz"
            if not form.own and (
                _everyday(form, ctx.lang)
                or _in_capitals(doc.text, match)
                # A person's surname follows a given name, which may be spelled the target's way
                # ("Vladímir Poutine"); a name after it makes another name ("Trump Tower").
                or (cased and _inside_longer_name(doc.text, match, ctx.lang, before=form.kind != "people"))
                or _derived(form.form, table.own.get((form.kind, form.name), ()), ctx.lang)
            ):
                continue
            by_form = found.setdefault((form.kind, form.name), {})
            by_form.setdefault(canonical(form.form), []).append((form, match))
        for (kind, name), by_form in found.items():
            own = table.own.get((kind, name), ())
            own_keys: dict[str, str] = {}
            for form in own:
                own_keys.setdefault(canonical(form), form)  # the usual spelling, first
            present = [key for key in own_keys if key in by_form]
            if not present:
                # The table's own forms already hold the foreign names a language's news keeps
                # (German "Federal Reserve", "Human Rights Watch"); a person's name in another
                # language's spelling alone is left to TQ601.
                if kind != "people":
                    yield from self._untranslated(doc, ctx, own, by_form)
                continue
            chosen_key = max(present, key=lambda key: len(by_form[key]))  # ties: the usual form
            chosen = own_keys[chosen_key]
            what = {"places": "place", "bodies": "body", "people": "person"}[kind]
            for key, occurrences in by_form.items():
                if key == chosen_key:
                    continue
                if key in own_keys and (
                    kind == "bodies"
                    or _part_of(own_keys[key], chosen)
                    or not (
                        _spelling_variants(own_keys[key], chosen, ctx.data.spaced)
                        or _respelled_part(own_keys[key], chosen, ctx.data.spaced)
                    )
                ):
                    # A body's full name and its acronym, a country's long and short name
                    # ("Соединенные Штаты", "США"; "United Kingdom", "Britain"), a surname and
                    # the full name ("Poutine", "Vladimir Poutine") are one name.
                    continue
                for form, match in occurrences:
                    written = match.text
                    yield self.finding(
                        doc,
                        match.start,
                        match.end,
                        f"“{written}” is named “{chosen}” elsewhere in the article "
                        f"({len(by_form[chosen_key])}×): one {what}, two names.",
                        _rewrite(match, form.form, _as_long_as(form.form, chosen, own, by_form)),
                    )
        yield from self._respelled(doc, ctx, found, matched)

    def _respelled(
        self,
        doc: Document,
        ctx: CheckContext,
        found: dict[tuple[str, str], dict[str, list[tuple[NamedForm, Occurrence]]]],
        matched: list[tuple[int, int]],
    ) -> Iterator[Finding]:
        """Words spelled like a listed person's name that the article writes in one of the
        target's own forms, but that no table lists: the name transliterated another way
        ("Нетаньяху", then "Нетаниаху"). A candidate is compared with the surname (the person's
        first form) where it is a rare word (a common one is itself: "Johnston" beside "Johnson"),
        with a given name where it stands beside another word of the full name ("Luis Ignacio
        Lula" beside "Luiz Inácio Lula"), capitalised where the script has case; it respells the
        name where the spelling keys open alike and are RESPELLED_SIMILARITY alike (a surname's
        keys also with the same consonants: "Himmler" is not "Hitler"), in Arabic
        where the letters are the same once the long vowels are left out ("إمانويل"/"إيمانويل").
        Not compared with places: names a letter or two apart are many there, each its own
        ("Colombia", "Columbia"), and a place's usual variants are in its table row."""
        table = name_forms(ctx.lang, data_path_setting())
        # A listed word's spelling key (or skeleton) -> the word, as the article writes it where
        # only "ё" tells them apart ("Кишинёв" for the table's "Кишинев").
        wanted: dict[str, str] = {}
        # A given name's key -> the name as written, and the words of the full name it opens.
        given: dict[str, tuple[str, frozenset[str]]] = {}
        for (kind, name), by_form in found.items():
            own = table.own.get((kind, name), ())
            written = {
                canonical(word): word
                for occurrences in by_form.values()
                for form, match in occurrences
                if form.own
                for word in WORD.findall(match.text)
            }
            # People only: place names a letter or two apart are many and each its own
            # ("Colombia", "Columbia"); a place's usual variants are in its table row.
            if kind != "people" or not written:
                continue
            for form in own[:1]:
                for word in WORD.findall(form):
                    if len(word) >= RESPELLED_MIN_LETTERS:
                        wanted.setdefault(_respelling_key(word), written.get(canonical(word), word))
            for form in own[1:]:
                words = WORD.findall(form)
                for word in words:
                    if len(word) >= RESPELLED_MIN_LETTERS and canonical(word) in written:
                        partners = frozenset(canonical(w) for w in words if w != word)
                        given.setdefault(_respelling_key(word), (written[canonical(word)], partners))
        if not wanted and not given:
            return
        cased = ctx.data.cased
        locale = ctx.data.locale
        suffixes = tuple(locale.get("inflection_suffixes", []))
        prefixes = tuple(locale.get("inflection_prefixes", []))
        listed_words = listed_name_words(ctx.lang, data_path_setting())
        text_words = list(WORD.finditer(doc.text))
        for i, match in enumerate(text_words):
            word = match.group()
            if (
                len(word) < RESPELLED_MIN_LETTERS
                or (cased and not is_capitalised(word))
                or any(start < match.end() and match.start() < end for start, end in matched)
                or canonical(word) in listed_words
            ):
                continue
            if zipf(word.lower(), ctx.lang) < RESPELLED_MAX_ZIPF:
                stems = [word] if cased else [word, *_stems(word, (), prefixes)]
                found_one = False
                for stem in stems:
                    listed = self._respelling_of(stem, wanted, suffixes if cased else ())
                    if (
                        listed is not None
                        and canonical(listed) != canonical(stem)
                        and not _stems(stem, suffixes, prefixes) & _stems(listed, suffixes, prefixes)
                        and not _derivation(stem, listed, ctx.lang)
                    ):
                        # A word met only once its ending is cut off keeps that ending: no fix is
                        # offered for it. An Arabic prefix stays where it is.
                        fixable = not cased or _respells(_respelling_key(word), _respelling_key(listed))
                        start = match.start() + len(word) - len(stem)
                        yield self._respelling(doc, start, match.end(), word, listed, fixable)
                        found_one = True
                        break
                if found_one:
                    continue
            # A given name respelled beside a word of the full name it goes with ("Luis Ignacio
            # Lula" where the article wrote "Luiz Inácio Lula"), however common.
            neighbours = {
                canonical(text_words[j].group())
                for j in (i - 1, i + 1)
                if 0 <= j < len(text_words) and _one_space_apart(doc.text, match, text_words[j])
            }
            key = _respelling_key(word)
            for given_key, (listed, partners) in given.items():
                if (
                    not neighbours.isdisjoint(partners)
                    and canonical(listed) != canonical(word)
                    and _respells(key, given_key)
                ):
                    yield self._respelling(doc, match.start(), match.end(), word, listed)
                    break

    def _respelling(
        self, doc: Document, start: int, end: int, word: str, listed: str, fixable: bool = True
    ) -> Finding:
        return self.finding(
            doc,
            start,
            end,
            f"“{word}” looks like “{listed}”, as the article writes it elsewhere, "
            "transliterated another way: one name, two spellings.",
            [replace(start, end, listed, 0.5, safe=False)] if fixable else [],
        )

    @staticmethod
    def _respelling_of(word: str, wanted: dict[str, str], suffixes: tuple[str, ...]) -> str | None:
        """The listed word that `word` (or, in an inflecting language, its stem) respells, if any."""
        if main_script(word) == "Arabic":
            return wanted.get(_respelling_key(word))
        keys = {_respelling_key(word)} | {
            _respelling_key(word[: -len(suffix)]) for suffix in suffixes if word.endswith(suffix)
        }
        for key in keys:
            for listed_key, listed in wanted.items():
                if (
                    len(key) >= RESPELLED_MIN_LETTERS
                    and _respells(key, listed_key)
                    # A surname respelled keeps its consonants: "Navalnyi" is "Navalny", but
                    # "Himmler" is not "Hitler".
                    and consonants(key) == consonants(listed_key)
                ):
                    return listed
        return None

    def _untranslated(
        self,
        doc: Document,
        ctx: CheckContext,
        own: tuple[str, ...],
        by_form: dict[str, list[tuple[NamedForm, Occurrence]]],
    ) -> Iterator[Finding]:
        """Only other languages' names for a place or body the target names its own way: each is
        left untranslated ("Beijing" in Portuguese, "the World Health Organization" in French)."""
        if not own:
            return
        # Another language's one-word form the target's own texts write about as often as its own
        # form is in use there too ("Pyongyang", "Munich" in Spanish, beside "Pionyang", "Múnich").
        usual = max(zipf(form.lower(), ctx.lang) for form in own) - IN_USE_MARGIN
        language = ctx.data.spec.name
        for occurrences in by_form.values():
            for form, match in occurrences:
                written = match.text
                if " " not in form.form and zipf(form.form.lower(), ctx.lang) >= usual:
                    continue  # a phrase's frequency is its words': "bank" says nothing of a name
                yield self.finding(
                    doc,
                    match.start,
                    match.end,
                    f"“{written}” is another language's name; {language} news writes “{own[0]}”.",
                    [replace(match.start, match.end, own[0], 0.5, safe=False)]
                    if written == form.form
                    else [],
                    category=Category.ACCURACY,
                )


def _as_long_as(form: str, chosen: str, own: tuple[str, ...], present: dict[str, object]) -> str:
    """The target's own form to write for `form`: the chosen one, or where that has another
    number of words, the own form with as many as `form`, one the article uses first ("Putin"
    for a surname "Poutine" where the article wrote "Vladímir Putin")."""
    size = len(form.split())
    if len(chosen.split()) == size:
        return chosen
    fitting = [mine for mine in own if len(mine.split()) == size and canonical(mine) != canonical(form)]
    used = [mine for mine in fitting if canonical(mine) in present]
    return (used or fitting or [chosen])[0]


def _part_of(one: str, other: str) -> bool:
    """One form holds the other whole: its words ("Байкал", "озеро Байкал"; "Poutine", "Vladimir
    Poutine"), or in unspaced text its characters ("普京", "弗拉基米尔·普京")."""
    short, long = sorted((canonical(one), canonical(other)), key=len)
    if " " in long or "-" in long:
        return set(WORD.findall(short)) <= set(WORD.findall(long))
    return short in long


def _spelling_variants(one: str, other: str, spaced: bool) -> bool:
    """Two of the target's own forms of a place that spell one name two ways ("Moscou"/"Moscovo",
    "Kiev"/"Kyiv", "بكين"/"بيجين"), not a long and a short name: alike once transliteration
    differences are set aside. In unspaced text (Chinese) a short name keeps characters of the
    long one in order ("拉美" of "拉丁美洲"), while a region's own transliteration shares none
    of their sounds ("悉尼"/"雪梨")."""
    if not spaced:
        short, long = sorted((one, other), key=len)
        rest = iter(long)
        return not all(char in rest for char in short)
    return Indel.normalized_similarity(spelling_key(one), spelling_key(other)) >= OWN_VARIANT_SIMILARITY


def _respelled_part(one: str, other: str, spaced: bool) -> bool:
    """A one-word form that spells a word of a longer form another way: a surname beside the full
    name ("بوتن", "فلاديمير بوتين")."""
    words = WORD.findall(other)
    return (
        spaced
        and len(WORD.findall(one)) == 1
        and len(words) > 1
        and any(canonical(one) != canonical(word) and _spelling_variants(one, word, spaced) for word in words)
    )


def _everyday(form: NamedForm, lang: str) -> bool:
    """Another language's form that is a common word of the target, or a phrase of the target's
    words (each common, and commoner than in the language the form comes from): that word or
    phrase, not the name ("Supreme Court" in English, which German news keeps for the American
    court; "European Central Bank" in German is English)."""
    if " " not in form.form:
        return zipf(form.form.lower(), lang) >= EVERYDAY_ZIPF
    return all(
        zipf(word, lang) >= max(PHRASE_WORD_ZIPF, zipf(word, form.origin))
        for word in map(str.lower, WORD.findall(form.form))
    )


def _derived(form: str, own: tuple[str, ...], lang: str) -> bool:
    """Another language's form that is one of the target's own forms with a short ending and a
    word of the target: its adjective or demonym ("Argentine" in English, from French
    "Argentine", beside "Argentina"; Italian "Moscow" is no Italian word beside "Mosca")."""
    if zipf(form.lower(), lang) < DERIVED_MIN_ZIPF:
        return False
    folded = canonical(form)
    for mine in map(canonical, own):
        stem = mine[:-1] if len(mine) > 4 else mine
        if folded != mine and folded.startswith(stem) and len(folded) - len(stem) <= DERIVED_ENDING:
            return True
    return False


def _inside_longer_name(text: str, match: Occurrence, lang: str, before: bool = True) -> bool:
    """A form inside a longer proper name: "Beijing Normal University", "FC Köln", "Moscow Times",
    where another language's form is the name's own spelling. A common word before it opens the
    sentence ("Selon Beijing"), not a name. `before`: whether a name before it counts."""
    if WORD_AFTER.match(text, match.end):
        return True
    if not before:
        return False
    before = WORD_BEFORE.search(text, max(0, match.start - 40), match.start)
    return before is not None and (
        before.group(1).isupper() or zipf(before.group(1).lower(), lang) < NAME_ZIPF
    )


def _in_capitals(text: str, match: Occurrence) -> bool:
    """A match in a line written in capitals ("L'OTAN SE RÉUNIT"), where "UN" may be a word."""
    line_start = text.rfind("\n", 0, match.start) + 1
    line_end = text.find("\n", match.end)
    letters = [ch for ch in text[line_start : line_end if line_end >= 0 else len(text)] if ch.isalpha()]
    return len(letters) > len(match.text) and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)


def _rewrite(match: Occurrence, form: str, chosen: str) -> list[Suggestion]:
    """The article's form in place of the match, with the match's ending where it carried one
    onto a form that ends as the chosen form does (a consonant: "Бэйцзине" → "Пекине")."""
    written = match.text
    if written == form:
        return [replace(match.start, match.end, chosen, 0.6, safe=False)]
    at = written.find(form)
    if at < 0:
        return []  # inflected in place of a final vowel: the ending may not suit the chosen form
    prefix, ending = written[:at], written[at + len(form) :]
    if ending and (_ends_in_vowel(form) or _ends_in_vowel(chosen)):
        return []
    return [replace(match.start, match.end, prefix + chosen + ending, 0.5, safe=False)]


def _ends_in_vowel(word: str) -> bool:
    return word[-1:].lower() in "aeiouyáéíóúâêôãõàèìòùäöüаеёиоуыэюяьй"


@cache
def name_forms(lang: str, setting: str) -> NameForms:
    """The forms TQ603 and TQ201 look for in `lang`'s text: the target's own and the other
    languages' that could stand in its text (`setting`: the data path the tables were read
    under, so that a changed path reads them again)."""
    spec = locale_of(lang)
    scripts = set(spec.scripts)
    forms: list[NamedForm] = []
    own: dict[tuple[str, str], tuple[str, ...]] = {}
    for kind in NAME_TABLES:
        table = name_table(lang, kind)
        own.update(((kind, name), written) for name, written in table.items())
        own_forms = {canonical(form) for written in table.values() for form in written}
        for name, written in table.items():
            forms.extend(NamedForm(kind, name, form, True, lang) for form in written)
        foreign: dict[tuple[str, str], str] = {}  # (id, form) -> the first language listing it
        for other in sorted(language_folders()):
            if other == lang or scripts.isdisjoint(locale_of(other).scripts):
                continue  # Russian's names cannot stand in French text as written
            for name, written in name_table(other, kind).items():
                if name not in table:
                    continue  # a thing the target's table does not know has no form to hold it to
                for form in written:
                    if canonical(form) in own_forms or (form.isupper() and len(form) < 3):
                        continue
                    foreign.setdefault((name, form), other)
        forms.extend(NamedForm(kind, name, form, False, other) for (name, form), other in foreign.items())
    forms.sort(key=lambda f: -len(f.form))  # the longest first: "Nouvelle-Zélande" before "Zélande"
    return NameForms(tuple(forms), own, frozenset(canonical(named.form) for named in forms))


def _respelling_key(word: str) -> str:
    """What two transliterations of a name share: the spelling key (Latin, Cyrillic), or in Arabic
    the letters without the long vowels and the hamza seats that spell them ("بوتين", "بوتن")."""
    if main_script(word) == "Arabic":
        return ARABIC_LONG_VOWELS.sub("", "".join(map(_base_letter, word)))
    return spelling_key(word)


def _respells(key: str, listed_key: str) -> bool:
    """Two respelling keys of one name: alike enough in Latin and Cyrillic script, opening alike
    ("Объединенный" is no "Соединенные"); equal skeletons in Arabic (where a skeleton is short,
    and one letter more is another name)."""
    if main_script(key) == "Arabic" or main_script(listed_key) == "Arabic":
        return key == listed_key
    return key[:1] == listed_key[:1] and Indel.normalized_similarity(key, listed_key) >= RESPELLED_SIMILARITY


def _derivation(word: str, listed: str, lang: str) -> bool:
    """A word of the target derived from a listed name: it keeps the name's opening but for its
    last two letters at most and is itself a word the target uses ("Chilean", "Escocés" from
    "Escocia", "Шотландский" from "Шотландия"); a transliteration differs inside the name
    ("Нетаниаху", "Нетаньяху")."""
    one, other = canonical(word), canonical(listed)
    shorter = min(len(one), len(other))
    shared = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), shorter)
    return (
        shared >= min(DERIVED_STEM, shorter)
        and shared >= shorter - 2
        and zipf(one, lang) >= DERIVED_WORD_ZIPF
    )


def _one_space_apart(text: str, one: regex.Match[str], other: regex.Match[str]) -> bool:
    return text[min(one.end(), other.end()) : max(one.start(), other.start())] == " "


@cache
def listed_name_words(lang: str, setting: str) -> frozenset[str]:
    """Every word of every form of the tables in `lang`'s script, told apart from case: a name of
    its own is no respelling of another."""
    return frozenset(
        canonical(word) for named in name_forms(lang, setting).forms for word in WORD.findall(named.form)
    )


def canonical(form: str) -> str:
    """A form told apart from its case, apostrophes and "ё": "Côte d’Ivoire" is "côte d'ivoire"."""
    return _matching_letters(form).casefold()


MATCHING_LETTERS = str.maketrans({"’": "'", "ё": "е", "Ё": "Е"})
# A word of the text: letters and marks, apostrophes inside ("d’Ivoire", "Moscow's").
WORD = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*")
# What may stand between two words of a name: spaces (a form's space), a hyphen (a form's hyphen).
SPACES = regex.compile(r"[ \t\u00a0]+")
HYPHEN = regex.compile(r"[-‐‑]")
# A stop (and the space after it), or a line break, where a name's words should stand together.
BREAK = regex.compile(r"[ \t]*[.!?][ \t]*\n?[ \t]*|[ \t]*\n[ \t]*")
SHAPES = ("form", "broken", "reordered")
# Longer names reordered are left alone: their permutations multiply, and a calque is likelier.
REORDERED_MAX_WORDS = 3
NAME_WORD_SPLIT = regex.compile(r"[ \-‐‑]+")
# An inflected form is indexed by its first word's stem (without the final vowels an ending may
# replace), cut to at most this many letters, and at least the shortest a stem may be.
OPENINGS = (3, 4, 5)


class _Entry(NamedTuple):
    """A form as words to meet in the text, in one shape, with the separators between them."""

    form: NamedForm
    words: tuple[str, ...]  # the form's words (apostrophes as "'"), in the order looked for
    hyphens: tuple[bool, ...]  # between word i and i+1: a hyphen (else a space)
    inflected: bool  # its words may carry the language's endings (and the first its prefixes)


@dataclass(frozen=True)
class _Matcher:
    by_word: dict[str, tuple[_Entry, ...]]  # entries met as written, by their first word
    by_opening: dict[str, tuple[_Entry, ...]]  # inflected entries, by their first word's opening letters
    endings: tuple[str, ...]  # of inflected entries
    prefixes: tuple[str, ...]  # of inflected entries' first words
    genitives: tuple[str, ...]  # what any entry's word may end on (Latin script: "Kiews", "Moscow's")


def find_forms(
    text: str, lang: str, setting: str, forms: tuple[NamedForm, ...], shape: str
) -> list[tuple[NamedForm, Occurrence]]:
    """Where `forms` (those of `name_forms`) stand in the text, in `shape`: "form" (as written, an
    own form with the language's endings), "broken" (a stop or a line break between two of its
    words) or "reordered" (its words in another order). The text's words are read once and the
    forms are met word by word from an index of their first words, so no pattern is compiled per
    form. Of overlapping occurrences the one starting first, then the longest, is kept."""
    spec = locale_of(lang)
    found: list[tuple[NamedForm, Occurrence]] = []
    if not spec.spaced:
        if shape == "form":
            for form in forms:
                at = text.find(form.form)
                while at >= 0:
                    found.append((form, Occurrence(at, at + len(form.form), form.form)))
                    at = text.find(form.form, at + len(form.form))
    else:
        matcher = _matchers(lang, setting)[shape]
        words = _text_words(text)
        by_word, by_opening = matcher.by_word, matcher.by_opening
        texts = [word for _, _, word in words]
        # The words a form may start on, found by comprehension rather than a loop per word:
        # this runs three times over every article. Case matters as it does in `_same_word`:
        # "the" opens no "The Hague"; a genitive may follow ("Kiews", "Moscow's").
        starts = {i for i, word in enumerate(texts) if word in by_word}
        if matcher.genitives:
            starts.update(
                i
                for i, word in enumerate(texts)
                if word[-1:] == "s" and (word[:-1] in by_word or word[:-2] in by_word)
            )
        if by_opening:
            prefixes = matcher.prefixes
            starts.update(
                i
                for i, word in enumerate(texts)
                if not by_opening.keys().isdisjoint(_openings(word, prefixes))
            )
        for i in sorted(starts):
            start, _, written = words[i]
            entries = by_word.get(written, ())
            for ending in matcher.genitives:
                if written.endswith(ending):
                    entries += by_word.get(written[: -len(ending)], ())
            if by_opening:
                for opening in _openings(written, matcher.prefixes):
                    entries += by_opening.get(opening, ())
            for entry in entries:
                end = _meet(text, words, i, entry, matcher, shape == "broken")
                if end is not None:
                    found.append((entry.form, Occurrence(start, end, text[start:end])))
    found.sort(key=lambda hit: (hit[1].start, -hit[1].end, not hit[0].own, hit[0].form))
    kept: list[tuple[NamedForm, Occurrence]] = []
    for form, occurrence in found:
        if not kept or occurrence.start >= kept[-1][1].end:
            kept.append((form, occurrence))
    return kept


def _stem(word: str) -> str:
    """A word without the final vowel or two an ending may replace ("Москва" → "Москв")."""
    cut = len(word)
    while cut > len(word) - 2 and cut > 3 and _ends_in_vowel(word[:cut]):
        cut -= 1
    return word[:cut]


def _openings(word: str, prefixes: tuple[str, ...]) -> set[str]:
    """The index keys a text word may meet an inflected form's first word by: its opening letters,
    with and without an inflectional prefix ("وبكين" is "بكين" too)."""
    bases = [word, *(word[len(p) :] for p in prefixes if word.startswith(p))]
    return {base[:length] for base in bases for length in OPENINGS if len(base) >= length}


@lru_cache(maxsize=4)  # the three shapes read one text's words in turn
def _text_words(text: str) -> tuple[tuple[int, int, str], ...]:
    """The text's words as (start, end, word), apostrophes written "'" and "ё" as "е"."""
    return tuple((m.start(), m.end(), m.group()) for m in WORD.finditer(_matching_letters(text)))


def _matching_letters(text: str) -> str:
    """Letters written two ways for one word, written one way (the same length): the apostrophe
    "’" as "'", and Russian "ё" as "е", which most Russian print leaves without its dots."""
    return text.translate(MATCHING_LETTERS)


def _meet(
    text: str,
    words: tuple[tuple[int, int, str], ...],
    first: int,
    entry: _Entry,
    matcher: _Matcher,
    broken: bool,
) -> int | None:
    """The end of `entry` met from the text's word `first` on, or None. A broken entry must have
    exactly one stop or line break between two of its words, and its other separators as written."""
    if first + len(entry.words) > len(words):
        return None
    start = words[first][0]
    if start and (
        text[start - 1].isdigit()
        or (HYPHEN.match(text[start - 1]) and start > 1 and text[start - 2].isalpha())
    ):
        return None  # inside a compound or a code ("Rheinland-Pfalz" holds no "Rhein")
    breaks = 0
    for k, wanted in enumerate(entry.words):
        _, word_end, word = words[first + k]
        if not _same_word(word, wanted, entry, k == 0, matcher):
            return None
        if k + 1 < len(entry.words):
            gap = text[word_end : words[first + k + 1][0]]
            if entry.hyphens[k] and HYPHEN.fullmatch(gap):
                continue
            if (not entry.hyphens[k] or broken) and SPACES.fullmatch(gap):
                continue
            if broken and BREAK.fullmatch(gap):
                breaks += 1
                continue
            return None
    if broken and breaks != 1:
        return None
    end = words[first + len(entry.words) - 1][1]
    if end < len(text) and (
        text[end].isdigit() or (HYPHEN.match(text[end]) and text[end + 1 : end + 2].isalpha())
    ):
        return None
    return end


def _same_word(written: str, wanted: str, entry: _Entry, first: bool, matcher: _Matcher) -> bool:
    """A text word that is a form's word: the same letters (apostrophes aside), an own form's word
    with a genitive ("Kiews"; another language's form stands as written: "Athens" is no genitive
    of German "Athen"), or, where the form inflects, its stem (without a final vowel or two an
    ending replaces) and one of the endings, and on the first word one of the prefixes before it."""
    if written == wanted or (entry.form.own and any(written == wanted + g for g in matcher.genitives)):
        return True
    if not entry.inflected:
        return False
    candidates = [written]
    if first:
        candidates += [written[len(p) :] for p in matcher.prefixes if written.startswith(p)]
    for candidate in candidates:
        if candidate == wanted:
            return True
        for cut in range(3):
            stem = wanted[: len(wanted) - cut]
            if cut and (len(stem) < 3 or not all(_ends_in_vowel(ch) for ch in wanted[len(stem) :])):
                break
            if candidate.startswith(stem) and candidate[len(stem) :] in matcher.endings:
                return True
    return False


@cache
def _matchers(lang: str, setting: str) -> dict[str, _Matcher]:
    """The index of every form in each shape ("form", "broken", "reordered"), built in one pass."""
    spec = locale_of(lang)
    # Latin-script languages inflect names with a genitive at most; their other endings derive
    # adjectives and demonyms ("Burmese"), which are no occurrence of the name.
    latin = "Latin" in spec.scripts
    indexes: dict[str, tuple[dict[str, list[_Entry]], dict[str, list[_Entry]]]] = {
        shape: ({}, {}) for shape in SHAPES
    }
    for named in name_forms(lang, setting).forms:
        words = tuple(_matching_letters(w) for w in NAME_WORD_SPLIT.split(named.form) if w)
        hyphens = tuple(HYPHEN.match(sep) is not None for sep in NAME_WORD_SPLIT.findall(named.form))
        inflected = named.own and not latin
        straight = _Entry(named, words, hyphens, inflected)
        entries = [("form", straight)]
        if len(words) > 1:
            entries.append(("broken", straight))
        if 1 < len(words) <= REORDERED_MAX_WORDS:
            apart = (False,) * (len(words) - 1)  # reordered words stand apart
            entries += [
                ("reordered", _Entry(named, tuple(words[i] for i in order), apart, inflected))
                for order in itertools.permutations(range(len(words)))
                # A reordered name opens on one of its capitalised words, not on "de" or "of".
                if list(order) != sorted(order) and not (spec.cased and words[order[0]].islower())
            ]
        for shape, entry in entries:
            by_word, by_opening = indexes[shape]
            first = entry.words[0]
            if inflected:
                by_opening.setdefault(
                    first[: max(OPENINGS[0], min(len(_stem(first)), OPENINGS[-1]))], []
                ).append(entry)
            else:
                by_word.setdefault(first, []).append(entry)
    return {
        shape: _Matcher(
            {word: tuple(found) for word, found in by_word.items()},
            {opening: tuple(found) for opening, found in by_opening.items()},
            () if latin else tuple(spec.inflection_suffixes),
            () if latin else tuple(spec.inflection_prefixes),
            GENITIVES if latin else (),
        )
        for shape, (by_word, by_opening) in indexes.items()
    }
