"""Script and language: untranslated words and sentences, foreign digits and punctuation."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from tqcheck.context import CheckContext
from tqcheck.document import Document, Sentence, Token
from tqcheck.findings import Category, Evidence, Finding, FixAvailability, Severity
from tqcheck.languages import SOURCE_LANGUAGES, identify
from tqcheck.resources import locale_of, supported_languages
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import (
    brackets_around,
    common_zipf,
    fetch_frequencies_ahead,
    in_brackets,
    is_capitalised,
    main_script,
    quoted,
    scripts_in,
    zipf,
)
from tqcheck.rules.names import WORD_AFTER, WORD_BEFORE
from tqcheck.text import frequent_words
from tqcheck.wordlists import top_words

# Letters of another script that make up this share of a sentence make it a foreign sentence
# (TQ303's job) rather than a few untranslated words.
FOREIGN_SENTENCE_SHARE = 0.6
FOREIGN_SENTENCE_MIN_WORDS = 5
# Sentences of the target language have at least this share of its most frequent words.
FUNCTION_WORD_SHARE = 0.25
# How much commoner (Zipf, mean per word) words must be in another language than in the
# source's for a translation to have kept them from the source on purpose.
KEPT_FOREIGN_MARGIN = 1.0
# Scripts that, among the languages tqcheck knows, one language alone writes.
SCRIPT_LANGUAGES = {
    "Han": "zh",
    "Hangul": "ko",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Greek": "el",
    "Hebrew": "he",
}
ARABIC_INDIC = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
PERSIAN = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
FULLWIDTH = {ord(c): str(i) for i, c in enumerate("０１２３４５６７８９")}
PERSIAN_TO_ARABIC = {ord(c): "٠١٢٣٤٥٦٧٨٩"[i] for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}


def _foreign_words(
    doc: Document, ctx: CheckContext, tokens: list[Token], calendar: dict[int, CalendarWord]
) -> list[Token]:
    own = set(ctx.data.scripts)
    foreign = []
    phrase_until = -1  # the last index of a phrase an everyday capitalised word opened
    for index, token in enumerate(tokens):
        if not token.is_word:
            continue
        script = main_script(token.text)
        if script is None or script in own:
            continue
        if script == "Latin" and token.start not in calendar and index > phrase_until:
            # Latin names, brands and acronyms are normal in Cyrillic, Arabic and Chinese news;
            # a lowercase common word of a Latin-script language is not, nor a day or a month,
            # nor an everyday word capitalised to open a phrase that goes on in lowercase.
            word = token.text
            phrase = _latin_phrase_after(doc, tokens, index)
            if phrase:
                phrase_until = index + phrase
            elif not (word.islower() and len(word) >= 3 and _latin_language_of(word, 3.0) is not None):
                continue
        foreign.append(token)
    return foreign


# An everyday word this common (Zipf, in its language) capitalised only to open a phrase.
PHRASE_OPENER_ZIPF = 5.0


def _latin_phrase_after(doc: Document, tokens: list[Token], index: int) -> int:
    """How many lowercase words of a Latin-script language follow a capitalised everyday word of
    it that opens them as a phrase, in a text of another script ("According to官方数据": 1); 0
    where the word is no such opener, or opens a name, which goes on in capitals ("Save the
    Children")."""
    word = tokens[index].text
    if not word.istitle() or not word.isalpha():
        return 0
    language = _latin_language_of(word, PHRASE_OPENER_ZIPF)
    if language is None:
        return 0
    following = []
    for token in tokens[index + 1 :]:
        if (
            not token.is_word
            or doc.text[(following[-1] if following else tokens[index]).end : token.start] != " "
        ):
            break
        if main_script(token.text) != "Latin":
            break
        following.append(token)
    if not following or not all(t.text.islower() for t in following):
        return 0  # alone, or a name that goes on in capitals
    small = top_words(language, 100)
    if not all(t.text in small or common_zipf(t.text, language) >= 3.0 for t in following):
        return 0
    return len(following)


class ForeignScriptWord(Rule):
    """Flags words left in a script the target language does not use ("the minister of الداخلية").

    ## What it does
    Compares the script of every word with the scripts of the target language (`locale.toml`).
    In Cyrillic, Arabic and Chinese articles, Latin words are flagged only when they are common
    lowercase English words: names, brands and acronyms in Latin letters are normal there.
    Consecutive foreign words are reported as one span. With a source, words of another script
    or another language than the source's that the source has too were kept on purpose (a quoted
    motto, a term of art) and are left alone. An everyday word capitalised to open a phrase that
    goes on in lowercase words of its language is flagged with them ("According to官方数据"),
    unless the phrase is a title quoted as it is written («I Love it»). A public body's or an office's name left in English
    ("Представитель State Department", "Prime Minister Армении") is reported as a minor finding,
    as TQ305 does in Latin-script languages; a gloss in brackets ("Госдепартамент (State
    Department)") is not.

    ## Why is this bad?
    MT leaves words untranslated when it does not recognise them; readers of the target
    language cannot read them at all.

    ## Fix safety
    No automatic fix: the translation must come from a person (or, with a model, a proposal).
    """

    code = "TQ302"
    name = "foreign-script-word"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.NEVER
    examples = (
        bad("The minister of [[الداخلية]] said the border was closed."),
        bad("Le ministre a visité [[Москву]] lundi.", lang="fr"),
        bad("Министр заявил, что [[government]] примет решение.", lang="ru"),
        bad("政府表示，[[government]]将在周一作出决定。", lang="zh"),
        bad("俄罗斯总统普京表示，[[Москва не согласна]]。", lang="zh"),
        bad("外长表示，[[وزارة الخارجية]]将发表声明。", lang="zh"),
        bad("Заседание назначено на [[Friday]] в Брюсселе.", lang="ru"),
        good(
            "Министр ответил по-французски, что nous sommes prêts к переговорам.",
            lang="ru",
            source="The minister answered in French that nous sommes prêts for talks.",
            source_lang="en",
        ),
        bad(
            "Министр заявил, что [[government]] примет решение.",
            lang="ru",
            source="The minister said the government would decide.",
            source_lang="en",
        ),
        good("Продажи в Black Friday выросли на треть.", lang="ru"),
        good("Министр посетил штаб-квартиру NATO и встретился с CEO компании Apple.", lang="ru"),
        good("The word “سلام” means peace, the teacher explained to the class."),
        good("救助儿童会（Save the Children）周一发布了报告。", lang="zh"),
        good("Организация Save the Children и певец the Weeknd собрали средства.", lang="ru"),
        bad("Представитель [[State Department]] заявил, что переговоры продолжатся.", lang="ru"),
        bad("وافق [[International Monetary Fund]] على صرف شريحة جديدة لمصر.", lang="ar"),
        bad("[[Federal Reserve]]主席表示，通胀回落速度低于预期。", lang="zh"),
        bad("[[According to]]官方数据，今年一季度进出口总值同比增长5%。", lang="zh"),
        good("Продажи Apple и акции Black Friday выросли; группа Save the Children помогла.", lang="ru"),
        good("Многих озадачило исполнение песни «I Love it» в костюме.", lang="ru"),
        good(
            "Госдепартамент (State Department) опубликовал доклад, а газета Financial Times его процитировала.",
            lang="ru",
        ),
        good("Кредит выдал Bank of America Merrill Lynch.", lang="ru"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        calendar = calendar_words(doc, ctx)
        reported: list[tuple[int, int]] = []
        for sentence in doc.sentences:
            tokens = doc.sentence_tokens(sentence)
            foreign = _foreign_words(doc, ctx, tokens, calendar)
            if not foreign:
                continue
            words = [t for t in tokens if t.is_word]
            if (
                len(words) >= FOREIGN_SENTENCE_MIN_WORDS
                and len(foreign) / len(words) >= FOREIGN_SENTENCE_SHARE
            ):
                continue  # a whole foreign sentence: TQ303 reports it
            if quoted(doc.text, foreign[0].start, foreign[-1].end):
                continue
            for group in _groups(doc, foreign):
                if _bracketed(doc, group[0], group[-1]):
                    continue  # an original name or unit glossed in brackets: "救助儿童会（Save the Children）"
                if group[0].text.istitle() and _quoted_in_own_script(doc, ctx, group[0].start, group[-1].end):
                    continue  # a capitalised phrase quoted as it is written: a title, «I Love it»
                latin = main_script(group[0].text) == "Latin"
                language = _latin_language_of(group[0].text, 3.0) if latin else None
                if latin and not _content_phrase(doc, group, language or "en"):
                    continue  # the small words of a name left in Latin letters: "Save the Children", "the Weeknd"
                if (
                    doc.text[group[0].start - 1 : group[0].start] == "&"
                    and doc.text[group[-1].end : group[-1].end + 1] == ";"
                ):
                    continue  # a character reference ("&nbsp;"): TQ207 reports it
                start, end = group[0].start, group[-1].end
                script = main_script(doc.text[start:end])
                # Another script than the source's is kept as it stands; Latin words only when
                # they are another language's than the source's.
                if kept_from_source(ctx, doc.text[start:end], language if script == "Latin" else None):
                    continue
                reported.append((start, end))
                yield self.finding(
                    doc, start, end, f"Untranslated text in {script} script: “{doc.text[start:end]}”."
                )
        if "Latin" not in ctx.data.scripts:
            yield from _institution_findings(self, doc, ctx, reported)


def _content_phrase(doc: Document, group: list[Token], lang: str) -> bool:
    """A phrase with a word of content (not only "and the", which names and titles carry: "Florence
    and the Machine"), not standing between capitalised words as part of a name or a title."""
    small = top_words(lang, 100)
    if all(t.text in small for t in group):
        return False
    before = doc.text[max(0, group[0].start - 40) : group[0].start].split()
    after = doc.text[group[-1].end : group[-1].end + 40].split()
    return not (before and before[-1][:1].isupper() and after and after[0][:1].isupper())


def _groups(doc: Document, tokens: list[Token], adjacent: bool = False) -> Iterator[list[Token]]:
    """Runs of tokens with only spaces between them (with `adjacent`, only one space or hyphen)."""
    group: list[Token] = []
    for token in tokens:
        between = doc.text[group[-1].end : token.start] if group else ""
        if group and (between.strip() or (adjacent and between not in (" ", "-"))):
            yield group
            group = []
        group.append(token)
    if group:
        yield group


def _bracketed(doc: Document, first: Token, last: Token) -> bool:
    """The words stand in brackets that hold only text of their own script: a gloss of an original
    name or unit ("救助儿童会（Save the Children）", "800 公里（497 mph）")."""
    around = brackets_around(doc.text, first.start, last.end)
    if around is None:
        return False
    letters = scripts_in(doc.text[around[0] + 1 : around[1]])
    return set(letters) <= {main_script(doc.text[first.start : last.end])}


LATIN_LANGUAGES = ("en", "fr", "es", "de", "pt")
# The rules that apply the target language's typographic conventions.
LOCALE_CONVENTIONS = ("TQ501", "TQ502", "TQ503", "TQ504", "TQ507", "TQ508")
# A word another language uses every day and the target hardly knows ("workers": 4.95 in English,
# 2.76 in German, where web text carries some English). Loanwords are common in the target too.
RARE_IN_TARGET_ZIPF = 3.0
COMMON_ELSEWHERE_ZIPF = 3.5
FREQUENCY_MARGIN = 1.8
PHRASE_MARGIN = 1.0
# A word the target hardly knows at all ("ceasefire": 0 in French, 3.32 in English) needs less
# frequency elsewhere, with a smaller margin, when no third language knows it as well.
UNKNOWN_IN_TARGET_ZIPF = 2.0
KNOWN_ELSEWHERE_ZIPF = 3.0
UNKNOWN_MARGIN = 1.3
# A capitalised sentence opener is judged by its lowercase form when that is this common elsewhere.
OPENER_ELSEWHERE_ZIPF = 5.0
# ... or this common, where a comma follows it and the target hardly knows it ("Meanwhile,").
OPENER_COMMA_ELSEWHERE_ZIPF = 4.0
OPENER_COMMA_TARGET_ZIPF = 2.5
# A capitalised word the target's word list has never seen, everyday in another language, is that
# language's word left untranslated ("the Bundesregierung", "a Landgericht"); names the target
# writes about are in its list, if rarely ("Gonçalves": 1.8 in English).
UNSEEN_IN_TARGET_ZIPF = 0.5
SEEN_ELSEWHERE_ZIPF = 3.9
UNSEEN_MIN_LETTERS = 8  # a compound ("Landgericht"), not a short name
# A lowercase word no word list knows, this long at least ("beteen"; "ayy" is an interjection).
UNKNOWN_WORD_MIN_LETTERS = 5
# ... and at most this long: a longer run of letters is no word (and its splits would cost).
UNKNOWN_WORD_MAX_LETTERS = 30
# ... that no Latin-script language's list has at this Zipf frequency (about once in 100 million words).
UNKNOWN_WORD_KNOWN_ZIPF = 1.0
# Both halves of a word written as one this common: a compound of the target's ("fourballs").
COMPOUND_PART_ZIPF = 3.0
# Marks that make a word part of a compound, an address or a handle ("re-injecting", "@user").
COMPOUND_MARKS = frozenset("-‐‑'’@./_")


# Zipf: a day or month name is this much commoner in its own language than in the target.
CALENDAR_MARGIN = 1.0
# A word before it ("on Friday") is left in the same language when it is this common there.
CALENDAR_LEAD_ZIPF = 4.0


@dataclass(frozen=True)
class CalendarWord:
    start: int  # where the span starts: the word, or the word before it left in the same language
    lang: str  # the language whose day or month it names


def _calendar_languages(target: str) -> dict[str, tuple[str, ...]]:
    """The day and month names of the other known languages (`calendar_words`) that the target
    does not write, each with the languages that write it."""
    own = set(locale_of(target).calendar_words)
    found: dict[str, tuple[str, ...]] = {}
    for lang in supported_languages():
        if lang != target:
            for word in locale_of(lang).calendar_words:
                if word not in own:
                    found[word] = (*found.get(word, ()), lang)
    return found


def calendar_words(doc: Document, ctx: CheckContext) -> dict[int, CalendarWord]:
    """Days and months of another language left in the text ("am Friday", "на Friday"), by the
    offset of the word; not inside a name ("Rio de Janeiro", "Black Friday"), nor quoted.

    In the target's own script a word must also be commoner in its language than in the target by
    CALENDAR_MARGIN ("Friday" is 4.96 in English, 3.35 in German, where web text has Black Friday).
    Computed once per document (ctx.memo): TQ302 and TQ305 both ask.
    """
    if ctx.memo.calendar is None:
        ctx.memo.calendar = _calendar_words(doc, ctx)
    return ctx.memo.calendar


def _calendar_words(doc: Document, ctx: CheckContext) -> dict[int, CalendarWord]:
    calendar = _calendar_languages(ctx.lang)
    if not calendar:
        return {}
    own = set(ctx.data.scripts)
    small = top_words(ctx.lang, 100)
    capitalised_nouns = ctx.data.spec.capitalised_nouns
    particles = frozenset(ctx.data.spec.name_particles)
    found: dict[int, CalendarWord] = {}
    for sentence in doc.sentences:
        words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
        for i, token in enumerate(words):
            languages = calendar.get(token.text.lower())
            if not languages or quoted(doc.text, token.start, token.end):
                continue
            word = token.text.lower()
            lang = max(languages, key=lambda code: zipf(word, code))
            same_script = main_script(token.text) in own
            if same_script and zipf(word, lang) - zipf(word, ctx.lang) < CALENDAR_MARGIN:
                continue
            if _in_name(doc, words, i, small, capitalised_nouns, particles):
                continue
            start = token.start
            lead = words[i - 1] if i else None
            if (
                same_script
                and lead is not None
                and lead.text.islower()
                and doc.text[lead.end : token.start] == " "
                and zipf(lead.text, lang) >= CALENDAR_LEAD_ZIPF
                and zipf(lead.text, lang) - zipf(lead.text, ctx.lang) >= CALENDAR_MARGIN
            ):
                start = lead.start
            found[token.start] = CalendarWord(start, lang)
    return found


def _in_name(
    doc: Document,
    words: list[Token],
    i: int,
    small: frozenset[str],
    capitalised_nouns: bool,
    particles: frozenset[str],
) -> bool:
    """Whether words[i] belongs to a name: a capitalised word right after it, or before it past
    the target's name particles ("Rio de Janeiro"; not past another language's words: "à Alger
    on Tuesday"; in a language that capitalises nouns, only past particles that are not its own
    function words: "der Gipfel am Friday" is no name)."""
    after = words[i + 1] if i + 1 < len(words) else None
    if after is not None and doc.text[words[i].end : after.start] == " " and is_capitalised(after.text):
        return True
    j = i - 1
    while j >= 0 and words[j].text.islower() and words[j].text in particles:
        if capitalised_nouns and words[j].text in small:
            return False
        j -= 1
    # A capitalised word that opens the sentence is no evidence, unless it stands right before.
    return j >= 0 and is_capitalised(words[j].text) and (j >= 1 or j == i - 1)


def _latin_languages_of(word: str, threshold: float, exclude: str | tuple[str, ...] = "") -> frozenset[str]:
    """Every Latin-script language but those excluded in which a word is that common."""
    excluded = (exclude,) if isinstance(exclude, str) else exclude
    return frozenset(
        lang
        for lang in LATIN_LANGUAGES
        if lang not in excluded and common_zipf(word.lower(), lang) >= threshold
    )


def _latin_language_of(word: str, threshold: float, exclude: str | tuple[str, ...] = "") -> str | None:
    """The Latin-script language in which a word is commonest, if it is that common there."""
    languages = _latin_languages_of(word, threshold, exclude)
    return max((common_zipf(word.lower(), lang), lang) for lang in languages)[1] if languages else None


class UntranslatedWord(Rule):
    """Flags everyday words of another Latin-script language left in the text ("os boats", "le
    syndicat" in English): words the target language does not know but another uses every day.

    ## What it does
    For English, French, German, Spanish and Portuguese articles, checks lowercase words that are
    rare in the target language (wordfreq Zipf below 3) and common in another of these languages
    (Zipf 3.5 or more, and at least 1.8 above the target's). Capitalised words (names) and quoted
    words are left alone; consecutive words form one span. Two or more words in a row that are
    each only somewhat commoner in one other language (1.0 above the target) are a phrase left in
    it ("fish stocks", "trade war": German writes "war" too, but only English both words). With a
    source, words of a third language that the source has too were kept on purpose ("sul tasto"
    in a translation from English) and are left alone.

    A public body's or an office's name left in another language ("La Federal Reserve", "A Supreme
    Court dos Estados Unidos", "the Ayuntamiento de Valencia") is reported as a minor finding: two
    or three capitalised everyday words of that language, "of" or another small word between
    them, holding one of the nouns that head such names there (`institution_nouns` in its
    `locale.toml`), commoner there than in the target, unless the target's news keeps such names
    (`translates_institution_names = false`: German "die Labour Party"). Names with a rare word ("Goldman Sachs
    Bank"), longer names, which translators keep for bodies readers may not know, and names in
    brackets or quotes are left alone; so is a short quotation of words the target hardly knows
    (a motto: “Liberté, égalité, fraternité”). A capitalised word the target's word list has
    never seen and another language uses every day is that language's noun ("the
    Bundesregierung"), and a connective of another language set off by a comma opens a sentence
    left untranslated ("Meanwhile, les négociations …"). Where the target's word list holds its
    inflected forms (`word_list_holds_inflections`: English), a lowercase word that no
    Latin-script language's list knows and that is not built of the target's own words (a known
    word with one of its `word_prefixes` or `word_suffixes`, two everyday words run together) is
    a source word in Latin letters or a misspelling ("the prokuratura"): a minor finding.

    ## Why is this bad?
    MT leaves words it could not translate in the source language; when the source is written
    in the same script, script checks cannot see them.

    ## Fix safety
    No automatic fix: the translation needs a person (or, with a model, a proposal).
    """

    code = "TQ305"
    name = "untranslated-word"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.NEVER
    languages = frozenset(LATIN_LANGUAGES)
    examples = (
        bad("Os pescadores recolheram os [[boats]] antes da tempestade.", lang="pt"),
        bad("Die Regierung hat die [[workers]] um Geduld gebeten.", lang="de"),
        bad("The [[syndicat]] called a strike on Monday.", lang="en"),
        good("O ministro falou sobre o marketing online e o software do governo.", lang="pt"),
        good("Die Firma Boats & More hat „workers“ zitiert.", lang="de"),
        bad("O acordo protege os [[fish stocks]] do Atlântico.", lang="pt"),
        bad("La finale sera diffusée en [[live stream]] sur le site du concours.", lang="fr"),
        bad("Der Außenminister wird [[on Monday]] in Berlin erwartet.", lang="de"),
        bad("[[According]] to le ministère de la Santé, 23 cas ont été signalés.", lang="fr"),
        bad("Le Hamas a accepté un [[ceasefire]] de 72 heures, selon des sources égyptiennes.", lang="fr"),
        good("O treinador elogiou a forma como a sua bem oleada equipa sufocou os adversários.", lang="pt"),
        good(
            "Wilson a déclaré que le port rouvrirait. London Breed, maire de San Francisco, a salué l'accord.",
            lang="fr",
        ),
        bad("A audiência foi marcada para a próxima [[Wednesday]] no fórum.", lang="pt"),
        bad("Le ministre s'est rendu à Alger on [[Tuesday]] pour des entretiens.", lang="fr"),
        bad("Las dos potencias están inmersas en una [[trade war]] que afecta a los puertos.", lang="es"),
        bad("El presidente viajó a Caracas [[last week]] para reunirse con su homólogo.", lang="es"),
        good("Le groupe Florence and the Machine a joué à Paris.", lang="fr"),
        good("Der Karneval in Rio de Janeiro und der Black Friday locken Touristen an.", lang="de"),
        good("Theresa May traf am Montag Präsident Macron; die Sitzung am Freitag fiel aus.", lang="de"),
        good(
            "Die Geiger spielen sul tasto und sul ponticello.",
            lang="de",
            source="The violinists play sul tasto and sul ponticello.",
            source_lang="en",
        ),
        bad(
            "Die Regierung hat die [[workers]] um Geduld gebeten.",
            lang="de",
            source="The government asked the workers to be patient.",
            source_lang="en",
        ),
        good("O festival de cinema teve um show de abertura e marketing online.", lang="pt"),
        bad("La [[Federal Reserve]] a relevé ses taux d'un quart de point.", lang="fr"),
        bad("A [[Supreme Court]] dos Estados Unidos decidiu manter a proibição.", lang="pt"),
        bad("El [[State Department]] emitió una alerta de viaje.", lang="es"),
        good("O Banco Central do Brasil manteve a taxa Selic.", lang="pt"),
        good("Le rapport de Human Rights Watch cite le Financial Times.", lang="fr"),
        bad("The [[Ayuntamiento de Valencia]] will plant 5,000 trees along the river."),
        bad("The [[Bundesregierung]] announced new measures on Monday."),
        good("Ein Sprecher der Labour Party sagte, der Supreme Court habe entschieden.", lang="de"),
        bad("[[Meanwhile]], les négociations continuent à Genève.", lang="fr"),
        good("Wilson, who chaired the talks, thanked João Gonçalves and the Bundestag.", lang="en"),
        good("The republican motto “Liberté, égalité, fraternité” was carved above the door."),
        bad("The [[prokuratura]] opened a criminal case on Monday."),
        good("The prosecutor's office (prokuratura) warned of creeping undemocracy in the fourballs."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        calendar = calendar_words(doc, ctx)
        found: list[Token] = []
        languages: dict[int, str] = {}
        # Words only somewhat commoner elsewhere ("fish", "stream"): two or more in a row are a
        # phrase left in another language ("fish stocks", "live stream").
        leaning: list[Token] = []
        leaning_in: dict[int, frozenset[str]] = {}  # the languages each leans to
        candidates = [
            token
            for token in doc.tokens
            if token.is_word
            and token.text.replace("-", "").isalpha()
            and token.text.islower()
            and len(token.text) >= 3
            and main_script(token.text) == "Latin"
        ]
        words = [token.text for token in candidates]
        fetch_frequencies_ahead(words, ctx.lang)
        for lang in LATIN_LANGUAGES:
            if lang != ctx.lang:
                fetch_frequencies_ahead(words, lang, "small")
        for token in candidates:
            word = token.text
            in_target = zipf(word, ctx.lang)
            if in_target < RARE_IN_TARGET_ZIPF:
                language = _latin_language_of(
                    word, max(COMMON_ELSEWHERE_ZIPF, in_target + FREQUENCY_MARGIN), ctx.lang
                )
                if language is None and in_target < UNKNOWN_IN_TARGET_ZIPF:
                    # Not a close language's: Portuguese shares Spanish's rare words ("oleada").
                    language = _latin_language_of(
                        word,
                        max(KNOWN_ELSEWHERE_ZIPF, in_target + UNKNOWN_MARGIN),
                        (ctx.lang, *ctx.data.spec.close_languages),
                    )
                    if language is not None and _latin_language_of(
                        word, KNOWN_ELSEWHERE_ZIPF, exclude=(ctx.lang, language)
                    ):
                        language = None  # a third language knows it too ("wildcard"): no telling
                if language is not None and not quoted(doc.text, token.start, token.end):
                    found.append(token)
                    languages[token.start] = language
                    continue
            elsewhere = _latin_languages_of(
                word, max(COMMON_ELSEWHERE_ZIPF, in_target + PHRASE_MARGIN), ctx.lang
            )
            if elsewhere and not quoted(doc.text, token.start, token.end):
                leaning.append(token)
                leaning_in[token.start] = elsewhere
        found += _untranslated_openers(doc, ctx, languages)
        found += _unseen_capitalised(doc, ctx, languages)
        phrases = []
        for group in _groups(doc, leaning, adjacent=True):
            # One language the whole phrase leans to: "trade war" is English, though German
            # writes "war" (was) more often than English does.
            shared = frozenset.intersection(*(leaning_in[t.start] for t in group))
            if len(group) < 2 or not shared:
                continue
            language = max(sorted(shared), key=lambda code: sum(common_zipf(t.text, code) for t in group))
            if _content_phrase(doc, group, language):
                phrases.append(group)
                languages.update((t.start, language) for t in group)
        own = set(ctx.data.scripts)
        days: list[Token] = []
        leads: dict[int, int] = {}
        for token in doc.tokens:
            day = calendar.get(token.start) if token.is_word else None
            if day is not None and main_script(token.text) in own:
                days.append(token)
                languages[token.start] = day.lang
                leads[token.start] = day.start
        found = sorted(
            {t.start: t for t in [*found, *(t for g in phrases for t in g), *days]}.values(),
            key=lambda t: t.start,
        )
        reported: list[tuple[int, int]] = []
        for group in _groups(doc, found):
            start, end = leads.get(group[0].start, group[0].start), group[-1].end
            lang = languages[group[0].start]
            if kept_from_source(ctx, doc.text[start:end], lang):
                continue  # "sul tasto", "Le Journal des savants" in a translation from English
            if _foreign_quotation(doc, ctx, start, end):
                continue  # a motto or a title quoted in its language: “Liberté, égalité, fraternité”
            name = SOURCE_LANGUAGES.get(lang, lang)
            reported.append((start, end))
            yield self.finding(doc, start, end, f"“{doc.text[start:end]}” is {name}, left untranslated.")
        yield from _institution_findings(self, doc, ctx, reported)
        if ctx.data.spec.word_list_holds_inflections:
            for token in _unknown_words(doc, ctx):
                if not any(start < token.end and token.start < end for start, end in reported):
                    yield self.finding(
                        doc,
                        token.start,
                        token.end,
                        f"“{token.text}” is in no word list: a word left untranslated (written in "
                        "Latin letters) or misspelled.",
                        severity=Severity.MINOR,
                    )


# Words of an institution's name: capitalised everyday words of its language (Zipf 3 or more
# there: "Monetary", "Constitutional"). The names other languages translate are short and generic
# ("State Department", "Ministry of Health"); a longer one names a body readers may not know, which
# translators keep as it stands ("Scottish Council of Independent Schools"), or is a book's title.
INSTITUTION_WORD_ZIPF = 3.0
INSTITUTION_MAX_WORDS = 3
INSTITUTION_MAX_CONNECTORS = 1
CAPITALISED_LATIN = regex.compile(r"\p{Lu}[\p{Ll}\p{M}'’-]*")


def _untranslated_institutions(doc: Document, ctx: CheckContext) -> list[tuple[int, int, str]]:
    """Names of public bodies and offices left in another Latin-script language: two or three
    capitalised everyday words of that language, a small word of it allowed between them, holding
    one of its `institution_nouns` ("the State Department", "Prime Minister Армении", "美国Federal
    Reserve宣布"). In a Latin-script target the words must also be commoner in that language than
    in the target by PHRASE_MARGIN a word ("Banco Central" is Portuguese in a Portuguese text), and
    the target's own small words end the name ("Supreme Court dos Estados Unidos"). A name with a
    rare word is a brand's or a person's ("Bank of America Merrill Lynch"), and one in brackets or
    quotes is a gloss ("Госдепартамент (State Department)"). Returns (start, end, language) spans."""
    target = ctx.lang
    if not ctx.data.spec.translates_institution_names:
        return []
    nouns = {
        lang: frozenset(n.lower() for n in locale_of(lang).institution_nouns)
        for lang in LATIN_LANGUAGES
        if lang != target
    }
    nouns = {lang: words for lang, words in nouns.items() if words}
    if not nouns:
        return []
    latin_target = "Latin" in ctx.data.scripts
    own_small = top_words(target, 100) if latin_target else frozenset()
    found = []
    for sentence in doc.sentences:
        words = [t for t in doc.sentence_tokens(sentence) if t.is_word]
        for run in _capitalised_runs(doc, words, own_small):
            capitalised = [t.text.lower() for t in run if is_capitalised(t.text)]
            if (
                len(capitalised) > INSTITUTION_MAX_WORDS
                or len(run) - len(capitalised) > INSTITUTION_MAX_CONNECTORS
            ):
                continue
            language = _institution_language(capitalised, nouns, target if latin_target else None)
            if (
                language is None
                or quoted(doc.text, run[0].start, run[-1].end)
                or in_brackets(doc.text, run[0].start, run[-1].end)
            ):
                continue
            if not kept_from_source(ctx, doc.text[run[0].start : run[-1].end], language):
                found.append((run[0].start, run[-1].end, language))
    return found


def _institution_findings(
    rule: Rule, doc: Document, ctx: CheckContext, reported: list[tuple[int, int]]
) -> Iterator[Finding]:
    """An untranslated institution's name, where the rule has not reported its words already:
    minor, for a name is still readable to many where a common word left untranslated is not."""
    for start, end, lang in _untranslated_institutions(doc, ctx):
        if any(start < b and a < end for a, b in reported):
            continue
        name = SOURCE_LANGUAGES.get(lang, lang)
        yield rule.finding(
            doc,
            start,
            end,
            f"“{doc.text[start:end]}” is {name}, left untranslated: the name of an institution or office.",
            severity=Severity.MINOR,
        )


def _capitalised_runs(doc: Document, words: list[Token], own_small: frozenset[str]) -> Iterator[list[Token]]:
    """Maximal runs of capitalised Latin words with single spaces between them, a lowercase word of
    up to three letters allowed inside ("Ministry of Health") unless it is one of the target's
    `own_small` words, which also do not open a run ("El State Department"); two capitalised words
    or more."""
    run: list[Token] = []
    for token in [*words, None]:
        text = token.text if token is not None else ""
        latin = token is not None and main_script(text) == "Latin"
        opens = latin and CAPITALISED_LATIN.fullmatch(text) is not None and text.lower() not in own_small
        capital = latin and CAPITALISED_LATIN.fullmatch(text) is not None and (bool(run) or opens)
        small = latin and text.islower() and len(text) <= 3 and text.isalpha() and text not in own_small
        joins = token is not None and (not run or doc.text[run[-1].end : token.start] == " ")
        if joins and (capital or (run and small)):
            run.append(token)
            continue
        while run and not is_capitalised(run[-1].text):
            run.pop()
        if sum(is_capitalised(t.text) for t in run) >= 2:
            yield run
        run = [token] if opens else []


def _institution_language(
    words: list[str], nouns: dict[str, frozenset[str]], target: str | None
) -> str | None:
    """The language whose institution nouns and everyday words make up `words` (lowercased
    capitalised words of a run); with a Latin-script `target`, only where they are commoner there."""
    best: tuple[float, str] | None = None
    for lang, institution in nouns.items():
        if not any(w in institution for w in words):
            continue
        frequencies = [common_zipf(w, lang) for w in words]
        if min(frequencies) < INSTITUTION_WORD_ZIPF:
            continue
        if target is not None:
            # The words beside the institution noun say whose name it is: the target may borrow the
            # noun itself ("Bank" is German too).
            pairs = list(zip(frequencies, words, strict=True))
            telling = [(f, w) for f, w in pairs if w not in institution] or pairs
            margins = [sum(f - zipf(w, target) for f, w in part) / len(part) for part in (telling, pairs)]
            if max(margins) < PHRASE_MARGIN:
                continue
        if best is None or sum(frequencies) > best[0]:
            best = (sum(frequencies), lang)
    return best[1] if best else None


OPENING_QUOTES = '“«„"‘‹'
CLOSING_QUOTES = '”»“"’›'
QUOTATION_REACH = 80  # characters: a motto or a title, not a paragraph


def _quotation_around(doc: Document, start: int, end: int) -> str | None:
    """The text of a short quotation the span stands in (quotation marks within QUOTATION_REACH on
    both sides, no line break or closing mark between), or None."""
    text = doc.text
    low = max(0, start - QUOTATION_REACH)
    opening = max(text.rfind(mark, low, start) for mark in OPENING_QUOTES)
    if opening < 0 or any(mark in text[opening + 1 : start] for mark in "”»›\n"):
        return None
    closes = [i for mark in CLOSING_QUOTES if (i := text.find(mark, end, end + QUOTATION_REACH)) >= 0]
    if not closes or "\n" in text[end : min(closes)]:
        return None
    return text[opening + 1 : min(closes)]


def _foreign_quotation(doc: Document, ctx: CheckContext, start: int, end: int) -> bool:
    """The words stand in a short quotation whose every word the target language hardly knows:
    a motto or a title quoted as it is written (“Liberté, égalité, fraternité” in English)."""
    quoted = _quotation_around(doc, start, end)
    words = regex.findall(r"\p{L}+", quoted or "")
    return bool(words) and all(zipf(w.lower(), ctx.lang) < RARE_IN_TARGET_ZIPF for w in words)


def _quoted_in_own_script(doc: Document, ctx: CheckContext, start: int, end: int) -> bool:
    """The words stand in a short quotation that holds no letter of the target's scripts: a title
    quoted in the script it is written in («I Love it» in Russian)."""
    quoted = _quotation_around(doc, start, end)
    return quoted is not None and not set(scripts_in(quoted)) & set(ctx.data.scripts)


def kept_from_source(ctx: CheckContext, phrase: str, lang: str | None) -> bool:
    """With a source, words of a third language that the source has too (a quotation, a motto, a
    term of art: "Il faut bien le faire" in an English article) were kept on purpose: the
    translation is faithful. Words of the source's own language are still untranslated. `lang`:
    the language the words are in, None where only their script is known."""
    source = ctx.source
    if source is None or not phrase.strip():
        return False
    if lang is None:
        if source.lang not in supported_languages():
            return False  # no locale data to say which scripts the source's language writes
        script = main_script(phrase)
        foreign = script is not None and script not in locale_of(source.lang).scripts
    else:
        # Words shared with the source's language ("possible", "spoiler" in English and French;
        # "censure motion") are the source's own, whichever language uses them a little more.
        words = [w.lower() for w in regex.findall(r"\p{L}+", phrase)]
        margin = sum(zipf(w, lang) - zipf(w, source.lang) for w in words) / max(1, len(words))
        foreign = lang != source.lang and margin >= KEPT_FOREIGN_MARGIN
    pattern = rf"(?<!\w){regex.escape(phrase.strip())}(?!\w)"
    return foreign and regex.search(pattern, source.text, flags=regex.IGNORECASE) is not None


def _unknown_words(doc: Document, ctx: CheckContext) -> Iterator[Token]:
    """Lowercase words of UNKNOWN_WORD_MIN_LETTERS or more that no Latin-script language's word
    list knows, in a language whose list holds its inflected forms (`word_list_holds_inflections`:
    English): a source word written in Latin letters ("the prokuratura", "wizarat") or a
    misspelling ("beteen"). Not inside a compound or an address, nor in brackets or quotes,
    where a translator glosses a term on purpose ("the prosecutor's office (prokuratura)")."""
    text = doc.text
    for token in doc.tokens:
        word = token.text
        if (
            not token.is_word
            or not UNKNOWN_WORD_MIN_LETTERS <= len(word) <= UNKNOWN_WORD_MAX_LETTERS
            or not word.isalpha()
            or not word.islower()
            or main_script(word) != "Latin"
            or text[token.start - 1 : token.start] in COMPOUND_MARKS
            or text[token.end : token.end + 1] in COMPOUND_MARKS
            or zipf(word, ctx.lang) > 0
            or any(zipf(word, lang) >= UNKNOWN_WORD_KNOWN_ZIPF for lang in LATIN_LANGUAGES)
            or in_brackets(text, token.start, token.end)
            or quoted(text, token.start, token.end)
            or _made_of_known_words(word, ctx)
        ):
            continue
        yield token


def _made_of_known_words(word: str, ctx: CheckContext) -> bool:
    """A word the target builds from its own: a known word with one of its prefixes or suffixes
    (`word_prefixes`, `word_suffixes`: "undemocracy", "reinjecting") or two everyday words
    written as one ("fourballs")."""
    spec = ctx.data.spec
    lang = ctx.lang
    starts = [word, *(word[len(p) :] for p in spec.word_prefixes if word.startswith(p))]
    for start in starts:
        for stem in (start, *(start[: -len(x)] for x in spec.word_suffixes if start.endswith(x))):
            if stem != word and len(stem) >= 3 and zipf(stem, lang) >= UNKNOWN_WORD_KNOWN_ZIPF:
                return True
    return any(
        zipf(word[:cut], lang) >= COMPOUND_PART_ZIPF and zipf(word[cut:], lang) >= COMPOUND_PART_ZIPF
        for cut in range(3, len(word) - 2)
    )


def _unseen_capitalised(doc: Document, ctx: CheckContext, languages: dict[int, str]) -> list[Token]:
    """Capitalised words the target's word list has never seen and another Latin-script language
    uses every day: its nouns left untranslated ("Bundesregierung" in English)."""
    found = []
    small = top_words(ctx.lang, 100)
    for token in doc.tokens:
        word = token.text
        if (
            not token.is_word
            or len(word) < UNSEEN_MIN_LETTERS
            or not word.isalpha()
            or not word.istitle()
            or main_script(word) != "Latin"
            or zipf(word.lower(), ctx.lang) >= UNSEEN_IN_TARGET_ZIPF
        ):
            continue
        before = WORD_BEFORE.search(doc.text, max(0, token.start - 40), token.start)
        if (before and before.group(1).lower() not in small) or WORD_AFTER.match(doc.text, token.end):
            continue  # beside another capitalised word: part of a name ("Jean Termes"; not "The …")
        language = _latin_language_of(word, SEEN_ELSEWHERE_ZIPF, ctx.lang)
        if language is not None and not quoted(doc.text, token.start, token.end):
            found.append(token)
            languages[token.start] = language
    return found


def _untranslated_openers(doc: Document, ctx: CheckContext, languages: dict[int, str]) -> list[Token]:
    """Sentence openers capitalised only by their place: an everyday word of another language
    (Zipf OPENER_ELSEWHERE_ZIPF or more there, rare in the target: "According to le ministère").
    A name opening a sentence is far less common than that ("Wilson": 4.3 in English)."""
    found = []
    for sentence in doc.sentences:
        opener = next((t for t in doc.sentence_tokens(sentence) if t.is_word), None)
        if opener is None or len(opener.text) < 3 or not opener.text.isalpha() or not opener.text.istitle():
            continue
        word = opener.text.lower()
        if main_script(word) != "Latin" or (in_target := zipf(word, ctx.lang)) >= RARE_IN_TARGET_ZIPF:
            continue
        # A connective set off by a comma ("Meanwhile, les négociations …") needs less: a name
        # opening a sentence is followed by its verb or clause, rarely by a comma alone.
        comma = doc.text[opener.end : opener.end + 1] == "," and in_target < OPENER_COMMA_TARGET_ZIPF
        language = _latin_language_of(
            word,
            max(
                OPENER_COMMA_ELSEWHERE_ZIPF if comma else OPENER_ELSEWHERE_ZIPF, in_target + FREQUENCY_MARGIN
            ),
            ctx.lang,
        )
        if language is not None and not quoted(doc.text, opener.start, opener.end):
            found.append(opener)
            languages[opener.start] = language
    return found


class ForeignSentence(Rule):
    """Flags a sentence written in another language than the article's (an untranslated sentence).

    ## What it does
    For sentences of five words or more whose words are not mostly common in the target
    language (wordfreq), asks a language identifier (py3langid, offline) which language they
    are in; a confident other language whose words are also more frequent in that language
    than in the target is reported. With a source, a sentence of a third language that the source
    has too ("Il faut bien le faire." quoted in an English article) is left alone.

    ## Why is this bad?
    MT systems pass through sentences they fail to translate, and post-editors miss them.

    ## Fix safety
    No automatic fix: the sentence needs translating.
    """

    code = "TQ303"
    name = "foreign-sentence"
    category = Category.ACCURACY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.NEVER
    # A sentence in another language needs translating; the target's locale conventions
    # (spacing, quotation marks, digits, punctuation) do not apply to it, and "fixing" them
    # would rewrite another language's punctuation by this one's rules.
    subsumes = frozenset({"TQ302", "TQ304", "TQ305", *LOCALE_CONVENTIONS})
    examples = (
        bad(
            "El ministro llegó a Lima el lunes. [[The government will announce new measures next week.]] "
            "La oposición criticó el plan.",
            lang="es",
        ),
        bad("Le port a rouvert mardi. [[Die Gewerkschaft hat den Streik am Montag beendet.]]", lang="fr"),
        bad("The port reopened on Tuesday. [[Министр заявил, что порт откроется в понедельник.]]"),
        good("Pashinyan, Aliyev and Michel met in Brussels on Sunday evening."),
        good("La ministra Ximena Huanca Condori llegó a Cochabamba el lunes por la tarde.", lang="es"),
        good(
            "Der Rektor zitierte das Motto der Schule. Il faut bien le faire. Dann sprach er über Geld.",
            lang="de",
            source="The rector quoted the school's motto. Il faut bien le faire. Then he spoke about money.",
            source_lang="en",
        ),
        good(
            "Le ministre a cité un livre.\nPollock, Griselda, Generations and Geographies in the Visual "
            "Arts, Routledge, London, 1996.",
            lang="fr",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        for sentence in doc.sentences:
            verdict = foreign_language_of(doc, ctx, sentence)
            if verdict is not None and not kept_from_source(ctx, doc.sentence_text(sentence), verdict[0]):
                lang, probability = verdict
                name = SOURCE_LANGUAGES.get(lang, lang)
                yield self.finding(
                    doc,
                    sentence.start,
                    sentence.end,
                    f"This sentence is in {name}, not {SOURCE_LANGUAGES[ctx.lang]}: left untranslated.",
                    evidence=Evidence(language=lang, probability=round(probability, 3)),
                )


# Share of capitalised words above which a line is names and titles rather than prose.
TITLE_LINE_SHARE = 0.6


def reference_line(text: str, words: list[str]) -> bool:
    """A reference or a listing rather than prose: a figure (a year, a page, a street number) and,
    the first word aside, mostly capitalised words of two letters or more ("Pollock, Griselda,
    Generations and Geographies in the Visual Arts, Routledge, London, 1996."). A headline has
    no figure as often as not, and a headline left in English is an error."""
    letters = [w for w in words[1:] if len(w) > 1 and w[0].isalpha()]
    return (
        bool(letters)
        and any(c.isdigit() for c in text)
        and sum(w[0].isupper() for w in letters) / len(letters) >= TITLE_LINE_SHARE
    )


def foreign_language_of(doc: Document, ctx: CheckContext, sentence: Sentence) -> tuple[str, float] | None:
    """The other language a sentence is written in, or None when it reads as the target language.
    In a cased language, a reference in the body keeps its names and titles in any language: it is
    not reported."""
    words = [t.text for t in doc.sentence_tokens(sentence) if t.is_word]
    text = doc.sentence_text(sentence)
    if ctx.data.cased and not doc.blocks[sentence.block].is_heading and reference_line(text, words):
        return None
    if not ctx.data.spaced or any(main_script(w) == "Han" for w in words):
        if len(text) < 12:
            return None
    elif len(words) < FOREIGN_SENTENCE_MIN_WORDS:
        return None
    function_words = frequent_words(ctx.lang)
    if sum(w.lower() in function_words for w in words) / max(1, len(words)) >= FUNCTION_WORD_SHARE:
        return None  # cheap exit: the sentence is held together by the target language's own small words
    own_scripts = set(ctx.data.scripts)
    scripts = [main_script(w) for w in words]
    foreign = [s for s in scripts if s not in own_scripts]
    if len(foreign) * 2 > len(scripts) and foreign.count(foreign[0]) == len(foreign):
        # Mostly one other script: no doubt left, and a script with one language needs no identifier.
        only = SCRIPT_LANGUAGES.get(foreign[0])
        if only is not None:
            return only, 1.0
    lang, probability = identify(text, tuple(SOURCE_LANGUAGES))
    if lang == ctx.lang or probability < 0.9:
        return None
    if len(foreign) * 2 > len(scripts):
        return lang, probability
    margin = sum(zipf(w.lower(), lang) - zipf(w.lower(), ctx.lang) for w in words) / len(words)
    return (lang, probability) if margin >= 1.0 else None


class ForeignDigits(Rule):
    """Flags Arabic-Indic (٠١٢…), Persian (۰۱۲…) or full-width (０１２…) digits where the article
    writes Western digits, and Persian digits in Arabic text.

    ## What it does
    Looks for runs of digits from a digit system the target language does not use in news text.

    ## Why is this bad?
    MT copies numbers from an Arabic or Persian source unchanged; readers of a Latin-script
    article may not read them, and search and number checks miss them.

    ## Fix safety
    Safe: each digit is replaced by the same digit in the article's system.
    """

    code = "TQ507"
    name = "foreign-digits"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The strike began on 3 March [[٢٠٢٤]] and ended in April.",
            fixed="The strike began on 3 March 2024 and ended in April.",
        ),
        bad("A greve durou [[١٢]] dias.", lang="pt", fixed="A greve durou 12 dias."),
        bad("استمر الإضراب [[۱۲]] يوماً.", lang="ar", fixed="استمر الإضراب ١٢ يوماً."),
        good("استمر الإضراب ١٢ يوماً في عام 2024.", lang="ar"),
        bad(
            "أعلنت الحكومة ميزانية عام [[٢٠24]] أمس.", lang="ar", fixed="أعلنت الحكومة ميزانية عام ٢٠٢٤ أمس."
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        arabic_script = "Arabic" in ctx.data.scripts
        table = PERSIAN_TO_ARABIC if arabic_script else {**ARABIC_INDIC, **PERSIAN, **FULLWIDTH}
        chars = "".join(chr(c) for c in table)
        mixed = list(self._mixed_systems(doc))
        yield from mixed
        for match in regex.finditer(rf"[{chars}]+(?:[.,٫٬][{chars}]+)*", doc.text):
            if any(f.start <= match.start() < f.end for f in mixed):
                continue
            digits = match.group(0)
            fixed = digits.translate(table)
            if not arabic_script:
                fixed = fixed.replace("٫", ".").replace("٬", ",")
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"Digits “{digits}” are not the digits this article uses; write “{fixed}”.",
                [replace(match.start(), match.end(), fixed, 0.95, safe=True)],
            )

    def _mixed_systems(self, doc: Document) -> Iterator[Finding]:
        """One number written in two digit systems ("٢٠24"): its digits are written in the system
        of its first digit."""
        for match in regex.finditer(r"\d+", doc.text):
            digits = match.group(0)
            zeros = {ord(char) - unicodedata.digit(char) for char in digits}
            if len(zeros) < 2:
                continue
            zero = ord(digits[0]) - unicodedata.digit(digits[0])
            fixed = "".join(chr(zero + unicodedata.digit(char)) for char in digits)
            yield self.finding(
                doc,
                match.start(),
                match.end(),
                f"The number “{digits}” mixes two digit systems; write “{fixed}”.",
                [replace(match.start(), match.end(), fixed, 0.9, safe=True)],
            )


def _after_foreign_letter(text: str, position: int, scripts: list[str]) -> bool:
    """Whether the mark at `position` follows (past one closing quote or bracket) a letter of a
    script the language does not use: it then punctuates text in that script."""
    before = position - 1
    if before > 0 and text[before] in '"”’)）」':
        before -= 1
    if before < 0 or not text[before].isalpha():
        return False
    return main_script(text[before]) not in scripts


class ForeignPunctuation(Rule):
    """Flags punctuation from another writing system: the Arabic comma (،) or question mark (؟) in
    a Latin-script article, a Latin comma in Arabic, half-width punctuation in Chinese.

    ## What it does
    Two tables in `locale.toml`: `punctuation.foreign` (characters the language never uses, with
    their replacement; not after a letter of another script, whose text they punctuate) and
    `punctuation.native` (ASCII characters that, right after a letter of the language's own
    script, should be the native form: "," → "，" after a Han character).

    ## Why is this bad?
    MT and copy-paste carry the source's punctuation over; it looks wrong and breaks the
    spacing and line-breaking rules of the target script.

    ## Fix safety
    Safe: one punctuation mark is replaced by its equivalent.
    """

    code = "TQ508"
    name = "foreign-punctuation"
    category = Category.LOCALE
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "The minister[[،]] who arrived on Monday, left.",
            fixed="The minister, who arrived on Monday, left.",
        ),
        bad("政府表示[[,]]停火仍在维持。", lang="zh", fixed="政府表示，停火仍在维持。"),
        bad("قال الوزير[[,]] إن الهدنة صامدة.", lang="ar", fixed="قال الوزير، إن الهدنة صامدة."),
        good("政府表示，停火仍在维持。GDP增长3.5%。", lang="zh"),
        bad(
            "[[(]]新华社记者 张伟）记者从交通运输部获悉。",
            lang="zh",
            fixed="（新华社记者 张伟）记者从交通运输部获悉。",
        ),
        good("报告称 GDP (gross domestic product) 增长了5%。", lang="zh"),
        good("قال الوزير، إن الهدنة صامدة منذ 3,5 أيام.", lang="ar"),
        good("The sign read 港口关闭，请绕行 in red letters."),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        punctuation = ctx.data.locale.get("punctuation", {})
        foreign: dict[str, str] = punctuation.get("foreign", {})
        native: dict[str, str] = punctuation.get("native", {})
        scripts = ctx.data.scripts
        text = doc.text
        if foreign:
            for match in regex.finditer("|".join(regex.escape(c) for c in foreign), text):
                if _after_foreign_letter(text, match.start(), scripts):
                    continue  # "，" after a Han character belongs to a Chinese phrase, not to this text
                yield self._report(doc, match.start(), match.group(0), foreign[match.group(0)])
        if native:
            script_class = "".join(rf"\p{{Script={s}}}" for s in scripts)
            chars = "".join(regex.escape(c) for c in native)
            # Full-width marks carry their own spacing, so the space after an ASCII mark goes too.
            spacing = r"[ \t]*" if ctx.data.locale.get("fullwidth_punctuation") else ""
            # Only right after a letter of the language's script, and not inside a number or URL.
            pattern = rf"(?<=[{script_class}][\"”’)]?)([{chars}])(?![\p{{N}}/.]){spacing}"
            for match in regex.finditer(pattern, text):
                yield self._report(doc, match.start(), match.group(1), native[match.group(1)], match.end())
            # An opening bracket has its letter after it ("(新华社记者 张伟)" opening a line).
            opening = "".join(regex.escape(c) for c in native if c in "([")
            if opening:
                pattern = rf"(?<![{script_class}][\"”’)]?)([{opening}])(?=[{script_class}])"
                for match in regex.finditer(pattern, text):
                    yield self._report(doc, match.start(), match.group(1), native[match.group(1)])

    def _report(self, doc: Document, start: int, found: str, wanted: str, end: int | None = None) -> Finding:
        end = start + 1 if end is None else end
        return self.finding(
            doc,
            start,
            end,
            f"“{found}” belongs to another writing system here; write “{wanted}”.",
            [replace(start, end, wanted, 0.9, safe=True)],
        )
