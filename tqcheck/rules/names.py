"""Terminology consistency: one name spelled two ways in the same article."""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

import regex
from rapidfuzz.distance import Levenshtein

from tqcheck.context import CheckContext
from tqcheck.document import Document, Token
from tqcheck.findings import Category, Finding, FixAvailability, Origin, Severity
from tqcheck.resources import _load_toml
from tqcheck.rule import Rule, bad, good, replace
from tqcheck.rules._text import fold, is_capitalised, main_script, zipf
from tqcheck.rules.name_match import arabic_skeleton, respelled

# Names are rarer than this per wordfreq (Zipf); common surnames reach about 4.
NAME_MAX_ZIPF = 4.5
# The less frequent spelling must be rare in general too: a misspelling, not another real name.
VARIANT_MAX_ZIPF = 3.0
UNCASED_VARIANT_MAX_ZIPF = 2.5
# Consonants two spellings of a name must share to count as one name transliterated two ways
# when they are equally frequent in a script without case (Arabic "ترمب": t-r-m-b; three
# consonants match by chance: "زاراتي"/"زيارات").
UNCASED_SKELETON_MIN = 4
# How alike (normalised edit similarity of spelling keys) two spellings of one part of a dotted
# foreign name must be: "naji"/"naqi" (0.75) are one name, "qiaozhi"/"laola" (0.29) two people.
DOTTED_PART_SIMILARITY = 0.6
# Without its article, a surname is this rare: a name, not a noun in a construct state.
RARE_SURNAME_ZIPF = 3.0
# Two transliterations of one name may both be in use ("Mohammed"/"Muhammad"): a variant that is
# one by transliteration may be this much commoner.
TRANSLITERATION_ZIPF_ALLOWANCE = 1.0
# A word wordfreq does not know at all: a misspelt name, even where it opens a sentence.
UNKNOWN_ZIPF = 1.0
# A name written by its sounds is compared from this many characters on ("斯塔默"; two-character
# runs are everyday words as often as names), up to that many ("克里斯蒂亚诺" has six).
SOUND_VARIANT_MIN_CHARS = 3
SOUND_VARIANT_MAX_CHARS = 12


@lru_cache(maxsize=8)
def _sound_runs(letters: str) -> regex.Pattern[str]:
    """Runs of SOUND_VARIANT_MIN_CHARS or more of a script's name characters, compiled once."""
    return regex.compile(f"[{regex.escape(letters)}]{{{SOUND_VARIANT_MIN_CHARS},}}")


# A name word lists know (surnames in the news reach 2: "Шольц" 2.03 in Russian).
KNOWN_NAME_ZIPF = 1.5


@cache
def _rewrites() -> dict[str, list[tuple[str, str]]]:
    data = _load_toml("common", "transliteration.toml")
    return {script: [(a, b) for a, b in pairs] for script, pairs in data.items() if script != "vowels"}


@cache
def _vowels(script: str | None = None) -> regex.Pattern[str]:
    """The vowels of `script` in `transliteration.toml`, or of the Latin and Cyrillic scripts
    (what spelling keys are written in)."""
    table = _load_toml("common", "transliteration.toml").get("vowels", {})
    letters = table.get(script.lower(), "") if script else table.get("latin", "") + table.get("cyrillic", "")
    return regex.compile(f"[{regex.escape(letters)}]") if letters else regex.compile(r"(?!)")


def _base_letter(char: str) -> str:
    """A letter without its combining marks (Unicode decomposition): "إ" and "أ" are "ا"."""
    return unicodedata.normalize("NFD", char)[0]


def _same_but_vowels(a: str, b: str, lang: str, article: str = "") -> bool:
    """Two spellings of one name in a script without case, equally frequent in the article: their
    consonant skeletons agree (the spelling keys, which the caller has compared), they open with
    the same letter, neither carries vowel marks, and the rarer is a rare word ("زيلينسكي"/"زيلنسكي",
    "ترامب"/"ترمب"); for Chinese, the same long run of consonants in their pinyin
    ("泽连斯基"/"泽林斯基"). A derived word changes its first letter ("اختتم"/"يختتم") or is
    marked for case ("هدافاً"), and a broken plural or an inflected noun is a common word
    ("منازلها"/"منزلها"), so none of them passes."""
    if main_script(a) == "Han":
        return len(consonants(spelling_key(a))) >= UNCASED_SKELETON_MIN
    if any(unicodedata.category(char) == "Mn" for char in a + b):
        return False
    if article and a.startswith(article) != b.startswith(article):
        return False  # "أسكتلندا"/"الأسكتلندي": the article makes another word (an adjective)
    # Alif and hamza forms open one name alike ("إيكاترينا"/"ايكاترينا"): the same base letter.
    same_opening = _base_letter(a[0]) == _base_letter(b[0])
    rare = min(zipf(a, lang), zipf(b, lang)) < VARIANT_MAX_ZIPF
    return same_opening and rare and len(spelling_key(a)) >= UNCASED_SKELETON_MIN


DOUBLED_LETTERS = regex.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)  # asked for every name-like word of every article: words repeat
def spelling_key(word: str) -> str:
    """What stays of a name across transliterations: no accents, the common romanisation
    differences merged (data/common/transliteration.toml), doubled letters collapsed. Arabic
    names keep their consonants ("حداد"/"الحداد"), Chinese ones their toneless pinyin
    ("维拉蓬"/"威拉蓬")."""
    script = main_script(word)
    if script == "Arabic":
        return arabic_skeleton(word)
    if script == "Han":
        from pypinyin import lazy_pinyin

        return "".join(lazy_pinyin(word))
    key = fold(word)
    for old, new in _rewrites().get((script or "").lower(), []):
        key = key.replace(old, new)
    return DOUBLED_LETTERS.sub(r"\1", key)


@lru_cache(maxsize=100_000)  # asked for every pair of an article's names: cache per word
def consonants(key: str) -> str:
    """A spelling key's consonants, for the scripts whose vowels `transliteration.toml` lists
    (Latin, Cyrillic); "" for the others (Arabic keys are consonants already)."""
    kept = _vowels().sub("", key)
    if kept == key and not key.isascii():
        return ""  # no listed vowel in it: a script without one
    return DOUBLED_LETTERS.sub(r"\1", kept)


@lru_cache(maxsize=100_000)
def _stem_keys(word: str, suffixes: tuple[str, ...], prefixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(spelling_key(stem) for stem in _stems(word, suffixes, prefixes) if len(stem) >= 4)


def _uninflected(
    major: str, minor: str, spellings: dict[str, str], suffixes: tuple[str, ...], prefixes: tuple[str, ...]
) -> str:
    """`major` without the inflectional suffix that makes it differ from `minor` once both are
    read as one name; `major` itself where no suffix does."""
    wanted = _stem_keys(minor, (), ()) | _respelled_stem_keys(minor, spellings, (), ())
    if spelling_key(fold(major)) in wanted or spelling_key(respelled(major, spellings)) in wanted:
        return major
    for suffix in sorted(suffixes, key=len, reverse=True):
        stem = major[: -len(suffix)]
        if (
            major.endswith(suffix)
            and len(stem) >= 4
            and (spelling_key(fold(stem)) in wanted or spelling_key(respelled(stem, spellings)) in wanted)
        ):
            return stem
    return major


def _respelled_stem_keys(
    word: str, spellings: dict[str, str], suffixes: tuple[str, ...], prefixes: tuple[str, ...]
) -> frozenset[str]:
    """The spelling keys of a word's stems once the target's own romanisation is read the English way."""
    return frozenset(
        spelling_key(respelled(stem, spellings))
        for stem in _stems(word, suffixes, prefixes)
        if len(stem) >= 4
    )


@lru_cache(maxsize=100_000)
def _stems(word: str, suffixes: tuple[str, ...], prefixes: tuple[str, ...]) -> frozenset[str]:
    """The word and what is left after removing one inflectional affix (at least 3 letters kept),
    accents and case folded."""
    word = fold(word)
    forms = {word}
    for suffix in map(fold, suffixes):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.add(word[: -len(suffix)])
    for prefix in map(fold, prefixes):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            forms.add(word[len(prefix) :])
    return frozenset(forms)


class NameVariants(Rule):
    """Flags a name spelled two ways in one article ("Pashinyan" and "Pashinian").

    ## What it does
    Collects name-like words (capitalised and rare per wordfreq in cased languages; rare words
    of three letters or more elsewhere), and pairs forms that differ by one or two edits, or
    that are one name once transliteration differences are set aside (accents, "oe"/"ö",
    "j"/"y", "z"/"s", "c"/"k", doubled letters, per `data/common/transliteration.toml`; Arabic
    consonants; Chinese pinyin), but not by an inflection (`inflection_suffixes`/`inflection_prefixes` in `locale.toml`, so
    Russian "Пашинян"/"Пашиняна" and Arabic "بوتين"/"وبوتين" are one name). The less frequent
    spelling is flagged with the more frequent one as the fix. Two spellings that stand beside
    the same other name ("Li Wenjun"/"Li Wenjung") are one person's even when they are as frequent
    as each other or one extends the other; and a given name spelled two ways beside the same
    surname is flagged however short or common it is ("Olena"/"Elena Marchenko"), unless the two
    differ only in their last letter ("Maria"/"Mario": two people) or stand in one sentence; in
    Arabic, where no capital marks a name, the surname and both given names must be rare words
    with the same consonants ("ستانيسلاف"/"ستانسلاف كوفالينكو").
    Vowels aside (`[vowels]` in `transliteration.toml`), two long spellings with the same
    consonants are one name ("Гутерриш"/"Гутерреш"); in a script without case that holds for
    equally frequent rare forms only ("زيلينسكي"/"زيلنسكي", "泽连斯基"/"泽林斯基" by their pinyin),
    as derived words there differ in their vowels too. In scripts that write the article onto the
    word (`definite_article`), a surname with and without it after the same given name is one
    person's, and a name bearing the article that differs only in a final letter the spelling
    confuses (`final_letter_variants`) is one name.
    A foreign name written in dotted parts (`foreign_name_separators`) with one part spelled two
    alike ways beside the same other part is one person's ("拉斯洛·纳吉"/"拉斯洛·纳奇").
    A foreign name written by its sounds (`foreign_name_characters`) with one character swapped
    for another of the same opening sound, or its last for another of the same syllable, is one
    name ("欧尔班"/"奥尔班", "斯塔默"/"斯塔莫"; not "奥克塔维亚"/"奥克塔维安": Octavia, Octavian).
    A name written in more parts in one place than in another is one name ("Xi Jinping"/"Xi Jin
    Ping"), and a form no word list knows beside a known one a letter or two apart is that name
    spelled another way, as often as each occurs ("Шольц", then "Шольтц").
    A name in the target's own romanisation and in the English one is one name (`transliteration`
    in `locale.toml`: Spanish "Jamenei"/"Khamenei"), and so is a name with and without its
    diacritics ("Erdoğan"/"Erdogan") unless the bare form stands beside other names than the
    article's form or in a sentence with quotation marks, where another language may spell it so;
    so is a name too common for a rare word ("López"/"Lopez") where the target's word list clearly
    prefers the accented form and the article writes it inside a sentence. The romanisation
    comparison reads one form the target's way and the other as written, inflections aside
    ("Tschaikowskys"/"Tchaikovsky" in German, fixed to "Tschaikowsky").

    ## Why is this bad?
    Transliteration varies between MT segments; readers wonder whether two people are meant,
    and search finds only half the mentions.

    ## Fix safety
    Safe when the majority spelling occurs at least twice as often; otherwise unsafe.
    """

    code = "TQ601"
    name = "name-variants"
    category = Category.TERMINOLOGY
    severity = Severity.MINOR
    fix_availability = FixAvailability.ALWAYS
    examples = (
        bad(
            "Prime Minister Pashinyan spoke first. Pashinyan said the border was calm. Later [[Pashinian]] left.",
            fixed="Prime Minister Pashinyan spoke first. Pashinyan said the border was calm. Later Pashinyan left.",
        ),
        bad(
            "Михайлов прибыл в Казань. Михайлова встретил мэр. Михайлов заявил, что [[Михаилов]] устал.",
            lang="ru",
        ),
        bad(
            "泰国军方发言人维拉蓬表示，边境局势平稳。维拉蓬还说，双方将继续对话。[[威拉蓬]]强调，军队保持克制。",
            lang="zh",
        ),
        bad(
            "Engineer Lena Moeller led the team. Moeller said the tests went well. "
            "A report by [[Möller]] is due in May.",
            fixed="Engineer Lena Moeller led the team. Moeller said the tests went well. "
            "A report by Moeller is due in May.",
        ),
        bad(
            "Coach Yusuf Tarkan named his squad on Friday. Yusuf Tarkan said the team was ready. "
            "On Sunday [[Jusuf]] Tarkan will announce the captain.",
        ),
        good("Armenia and the Armenian government met Azerbaijan and the Azerbaijani envoy."),
        good("Пашинян прибыл в Москву. Пашиняна встретил мэр. Пашиняну вручили письмо.", lang="ru"),
        good("Austria and Australia signed the treaty with Slovenia and Slovakia."),
        bad(
            "Геолог Ульрик Линдссон прибыл в Тромсё во вторник. Коллеги [[Линдсона]] ждали его в порту.",
            lang="ru",
        ),
        bad(
            "Нападающий Жером Лефевр забил дважды в четверг. Тренер похвалил [[Джерома]] после матча.",
            lang="ru",
        ),
        bad(
            "El ministro Li Xiaoming llegó el lunes. Según la delegación, [[Xiaoming Li]] firmó el acuerdo.",
            lang="es",
        ),
        bad(
            "The founder, Zhang Yiming, opened the plant. Analysts said the move was expected. "
            "[[Yiming Zhang]] left for Shanghai on Friday.",
            fixed="The founder, Zhang Yiming, opened the plant. Analysts said the move was expected. "
            "Zhang Yiming left for Shanghai on Friday.",
        ),
        bad(
            "A fundadora, Olena Marchenko, deixou Kharkiv em 2022. Segundo [[Elena]] Marchenko, a empresa "
            "vai contratar mais vinte pessoas.",
            lang="pt",
        ),
        bad("Группу возглавил профессор Чжан Вэй. По словам профессора Чжан [[Вей]], лёд тает.", lang="ru"),
        bad(
            "توجت التونسية سلمى الطرابلسي باللقب. وقالت سلمى [[طرابلسي]] إنها سعيدة. وشكرت سلمى الطرابلسي الجمهور.",
            lang="ar",
        ),
        bad("وقال رئيس الوزراء بشر الخصاونة إن الأردن مستعد. وأضاف [[الخصاونه]] أن المشروع مهم.", lang="ar"),
        good("وقال وزير الخارجية إن الوفد وصل. والتقى وزير خارجية الأردن نظيره المصري.", lang="ar"),
        bad(
            "وقال الرئيس الأوكراني فولوديمير زيلينسكي إن بلاده مستعدة للحوار. وأضاف [[زيلنسكي]] أن الوفد سيصل غدا.",
            lang="ar",
        ),
        good("اختتم المعرض أعماله أمس. ويختتم المهرجان دورته الجديدة يوم الجمعة.", lang="ar"),
        good("غمرت المياه منازلها في الشمال. وقالت إن منزلها تضرر بشدة.", lang="ar"),
        bad(
            "Генсек ООН Антониу Гутерриш призвал к прекращению огня. [[Гутерреш]] назвал ситуацию серьезной.",
            lang="ru",
        ),
        good("Питер Мерчи забил дважды. Тренер вручил Питеру Мерчи приз лучшему игроку.", lang="ru"),
        bad(
            "وقال المدرب ستانيسلاف كوفالينكو إن الفريق جاهز للمباراة. وأضاف [[ستانسلاف]] كوفالينكو أن المنافس قوي.",
            lang="ar",
        ),
        good("وقال محمد عباس إن الوفد وصل إلى القاهرة. وأكد محمود عباس أن المحادثات ستستمر.", lang="ar"),
        bad("乌克兰总统泽连斯基表示，乌方愿意继续谈判。[[泽林斯基]]还说，代表团将于下周抵达。", lang="zh"),
        bad(
            "国务秘书拉斯洛·纳吉出席了仪式。他强调合作的重要性。拉斯洛·[[纳奇]]说，政府将继续支持。",
            lang="zh",
        ),
        good("美国前总统乔治·布什出席了仪式。劳拉·布什也发表了讲话。", lang="zh"),
        bad("匈牙利总理欧尔班抵达北京。[[奥尔班]]表示，两国关系处于历史最好时期。", lang="zh"),
        good("屋大维的姐姐奥克塔维亚嫁给了安东尼，奥克塔维安后来成为罗马皇帝。", lang="zh"),
        bad(
            "Le président Volodymyr Zelensky a évoqué des négociations. [[Zelenskyy]] a ajouté que la délégation "
            "arriverait lundi.",
            lang="fr",
        ),
        good("Maria Santos and her brother run the farm. Mario Santos joined in 2019."),
        good("Kim Jong-un met the envoy. His father Kim Jong-il had ruled before him."),
        bad(
            "Energy minister Hamad al-Harthi arrived on Monday. Later, Hamad Al [[Harthy]] signed the deal.",
            fixed="Energy minister Hamad al-Harthi arrived on Monday. Later, Hamad Al Harthi signed the deal.",
        ),
        bad(
            "El líder supremo iraní, Alí Jamenei, recibió al presidente. [[Khamenei]] pidió más cooperación.",
            lang="es",
            fixed="El líder supremo iraní, Alí Jamenei, recibió al presidente. Jamenei pidió más cooperación.",
        ),
        bad(
            "Recep Tayyip Erdoğan wird im Herbst in Berlin erwartet. [[Erdogan]] war zuletzt 2023 hier.",
            lang="de",
        ),
        good(
            "O presidente da Bolívia chegou a Brasília. „Bolivia no se rinde“, disse o ministro.",
            lang="pt",
        ),
        good("A Virgínia Ocidental votou. A West Virginia Metro News deu a notícia.", lang="pt"),
        bad(
            "Xi Jinping arrivera à Paris en mai. Ce sera la première visite de [[Xi Jin Ping]] en Europe.",
            lang="fr",
            fixed="Xi Jinping arrivera à Paris en mai. Ce sera la première visite de Xi Jinping en Europe.",
        ),
        good("Die Gold-Medaillen wurden verteilt. Zwei Goldmedaillen gingen nach Norwegen.", lang="de"),
        bad("Канцлер Олаф Шольц посетил завод. [[Шольтц]] пообещал поддержку.", lang="ru"),
        bad(
            "Das Orchester spielt am Sonntag Tschaikowskys fünfte Sinfonie. Die Musik von [[Tchaikovsky]] "
            "steht seit Jahren auf dem Spielplan.",
            lang="de",
            fixed="Das Orchester spielt am Sonntag Tschaikowskys fünfte Sinfonie. Die Musik von Tschaikowsky "
            "steht seit Jahren auf dem Spielplan.",
        ),
        bad(
            "El expresidente Andrés Manuel López Obrador reapareció en Palenque. [[Lopez]] Obrador no "
            "había hablado en público desde octubre.",
            lang="es",
        ),
        good("Über den Plan sprach der Minister am Montag. Uber will in Berlin expandieren.", lang="de"),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        locale = ctx.data.locale
        suffixes = tuple(locale.get("inflection_suffixes", []))
        prefixes = tuple(locale.get("inflection_prefixes", []))
        occurrences: dict[str, list[Token]] = {}
        for token in self._names(doc, ctx):
            occurrences.setdefault(token.text, []).append(token)
        if ctx.data.cased:
            yield from self._reversed_order(doc, ctx)
        counts = Counter({form: len(tokens) for form, tokens in occurrences.items()})
        first_seen = {form: tokens[0].start for form, tokens in occurrences.items()}
        # The more frequent spelling first; between equals, the one the article introduced first:
        # a name's first mention sets its spelling, and the later one is the inconsistency.
        forms = sorted(counts, key=lambda f: (-counts[f], first_seen[f]))
        # Every pair of forms is compared: each form's keys once, not once per pair (and none for
        # a single form: Chinese keys import pypinyin).
        paired = forms if len(forms) > 1 else []
        keys = {form: spelling_key(form) for form in paired}
        spellings = ctx.data.spec.transliteration
        respelled_keys = (
            {form: spelling_key(respelled(form, spellings)) for form in paired} if spellings else {}
        )
        stem_keys = {form: _stem_keys(form, suffixes, prefixes) for form in paired} if ctx.data.cased else {}
        # Each form's stems read the target's way, to meet the other form read as written: one
        # side in the target's romanisation, the other in the English one ("Tschaikowskys" and
        # "Tchaikovsky" in German, where the English form read the German way is another word).
        respelled_stems = (
            {form: _respelled_stem_keys(form, spellings, suffixes, prefixes) for form in paired}
            if spellings and ctx.data.cased
            else {}
        )
        neighbours = {form: _neighbours(doc.text, occurrences[form], ctx.lang) for form in paired}
        # Imported here: tqcheck.rules.places imports this module.
        from tqcheck.resources import data_path_setting
        from tqcheck.rules.places import canonical, listed_name_words

        listed_words = listed_name_words(ctx.lang, data_path_setting())

        def listed(form: str) -> bool:
            return canonical(form) in listed_words

        flagged: set[str] = set()
        for i, first in enumerate(forms):
            if first in flagged:
                continue
            for second in forms[i + 1 :]:
                if first in flagged or second in flagged:
                    continue
                kinship = self._kinship(first, second, keys[first], keys[second], ctx.data.cased)
                if (
                    kinship is None
                    and spellings
                    and (
                        (len(respelled_keys[first]) >= 4 and respelled_keys[first] == respelled_keys[second])
                        or (
                            respelled_stems
                            and not (
                                respelled_stems[first].isdisjoint(stem_keys[second])
                                and respelled_stems[second].isdisjoint(stem_keys[first])
                            )
                        )
                    )
                ):
                    # One name in the target's own romanisation and in the English one ("Jamenei"
                    # and "Khamenei" in Spanish, `transliteration` in locale.toml).
                    kinship = "transliteration"
                if (
                    kinship != "transliteration"
                    and ctx.data.cased  # uncased scripts derive words by affixes: stems say little
                    # One name once an inflection is removed from either and transliteration
                    # differences are set aside.
                    and not stem_keys[first].isdisjoint(stem_keys[second])
                ):
                    kinship = "transliteration"  # "Линдсона"/"Линдссон": one name, inflected and respelt
                if kinship is None:
                    continue
                # The less frequent spelling must be rare: a misspelling, not another real name.
                # Two transliterations of one name may both be in use, so they may be commoner.
                limit = (VARIANT_MAX_ZIPF if ctx.data.cased else UNCASED_VARIANT_MAX_ZIPF) + (
                    TRANSLITERATION_ZIPF_ALLOWANCE if kinship == "transliteration" else 0.0
                )
                major, minor = first, second
                # One person's name, by the article's own evidence: both spellings stand beside the
                # same other name ("Li Wenjun"/"Li Wenjung").
                same_person = ctx.data.cased and not neighbours[first].isdisjoint(neighbours[second])
                # Without case, derived words abound ("اختتم"/"يختتم"), but a long skeleton of
                # consonants kept whole is one foreign name transliterated two ways.
                long_skeleton = kinship == "transliteration" and _same_but_vowels(
                    first, second, ctx.lang, ctx.data.spec.definite_article
                )
                # A form no word list knows beside one it knows, a letter or two apart, is one name
                # spelled two ways ("Шольц", then "Шольтц"), however often each occurs; the first
                # mention still sets the spelling.
                unknown = [
                    form
                    for form in (first, second)
                    if zipf(form.lower(), ctx.lang) < UNKNOWN_ZIPF
                    and zipf((second if form == first else first).lower(), ctx.lang) >= KNOWN_NAME_ZIPF
                ]
                if (
                    counts[first] == counts[second]
                    and (kinship != "transliteration" or not (ctx.data.cased or long_skeleton))
                    and not same_person
                    and not _final_letter_variants(first, second, ctx)
                    and not (ctx.data.cased and unknown)
                ):
                    # Two forms as frequent as each other are one name only on strong evidence:
                    # "Torben"/"Toren" are two names, and uncased scripts derive forms by the dozen.
                    continue
                if zipf(minor.lower(), ctx.lang) >= limit:
                    # Between equals, a commoner later spelling corrects a rare first one.
                    if counts[first] != counts[second] or zipf(first.lower(), ctx.lang) >= limit:
                        continue
                    major, minor = second, first
                if listed(minor) and not listed(major):
                    continue  # the tables' own spelling is no misspelling (TQ603 reports the other)
                if _stems(major, suffixes, prefixes) & _stems(minor, suffixes, prefixes) and not (
                    _final_letter_variants(major, minor, ctx)
                ):
                    continue
                if (
                    (major.startswith(minor) or minor.startswith(major))
                    and not same_person
                    and keys[major] != keys[minor]
                ):
                    continue  # "Hamburg"/"Hamburger": a derived word ("Zelensky"/"Zelenskyy" is not)
                if (
                    ctx.data.cased
                    and not same_person
                    and kinship == "spelling"
                    and all(self._opens_sentence(doc, t) for t in occurrences[minor])
                    and zipf(minor.lower(), ctx.lang) >= UNKNOWN_ZIPF
                ):
                    continue  # a known word capitalised only because it opens a sentence ("Egipcio")
                # The majority spelling is safe to apply only when it clearly dominates.
                dominant = counts[major] >= 2 * counts[minor]
                confidence = 0.8 if dominant else 0.4 if counts[major] > counts[minor] else 0.3
                flagged.add(minor)
                # The article's spelling as the fix, without an inflection the minor form lacks
                # ("Tschaikowskys" gives "Tschaikowsky" for "Tchaikovsky").
                written = _uninflected(major, minor, spellings, suffixes, prefixes)
                yield from self._flag_mentions(
                    doc,
                    occurrences[minor],
                    f"“{minor}” is spelled “{major}” elsewhere in the article ({counts[major]}×"
                    + (", first)." if counts[major] == counts[minor] else ")."),
                    written,
                    confidence,
                    safe=dominant,
                )
        yield from self._given_names(doc, ctx, flagged)
        if ctx.data.cased:
            yield from self._accent_variants(doc, occurrences, neighbours, flagged)
            yield from self._common_accent_variants(doc, ctx, occurrences, flagged)
            yield from self._spacing_variants(doc, ctx)
        if not ctx.data.cased and ctx.data.spec.definite_article:
            yield from self._article_dropped(doc, ctx, flagged)
        if ctx.data.spec.foreign_name_separators:
            yield from self._dotted_names(doc, ctx, flagged)
        if ctx.data.spec.foreign_name_characters and not ctx.data.spaced:
            yield from self._sound_variants(doc, ctx, flagged)

    def _sound_variants(self, doc: Document, ctx: CheckContext, flagged: set[str]) -> Iterator[Finding]:
        """A foreign name written by its sounds (`foreign_name_characters`) with one character
        swapped for another of the same opening sound ("欧尔班"/"奥尔班", "罗莱特"/"罗利特"), or
        its last character for another of the same syllable ("斯塔默"/"斯塔莫"): one name
        transliterated two ways. Runs of those characters of the same length that differ in one
        place only, where the two characters open alike (pinyin initial; "阿拉伯"/"阿拉斯" do
        not); a last character must sound the same, as another ending may be another name
        ("奥克塔维亚"/"奥克塔维安": Octavia, Octavian). The rarer spelling (else the later) is
        flagged, if no word list knows it as a word."""
        from pypinyin import Style, lazy_pinyin

        occurrences: dict[str, list[Token]] = {}
        for match in _sound_runs(ctx.data.spec.foreign_name_characters).finditer(doc.text):
            occurrences.setdefault(match.group(), []).append(
                Token(match.start(), match.end(), match.group(), True, False)
            )
        forms = sorted(occurrences, key=lambda f: (-len(occurrences[f]), occurrences[f][0].start))
        # Forms that differ in one place only meet under that place blanked out: each form is
        # indexed once per character, not compared with every other (a long text holds many).
        rank = {form: i for i, form in enumerate(forms)}
        blanked: dict[tuple[str, int], list[str]] = {}
        for form in forms:
            if len(form) > SOUND_VARIANT_MAX_CHARS:
                continue  # no name: a run of them that long is a list or a glitch
            for place in range(len(form)):
                blanked.setdefault((form[:place] + form[place + 1 :], place), []).append(form)
        pairs = sorted(
            (
                (major, minor, place)
                for (_, place), alike in blanked.items()
                for major, minor in itertools.combinations(alike, 2)
            ),
            key=lambda pair: (rank[pair[0]], rank[pair[1]]),
        )
        for major, minor, place in pairs:
            if major in flagged or minor in flagged:
                continue
            a, b = major[place], minor[place]
            # A different last sound may be another name ("奥克塔维亚"/"奥克塔维安", Octavia and
            # Octavian): there only one syllable written two ways counts.
            style = Style.NORMAL if place == len(major) - 1 else Style.INITIALS
            if lazy_pinyin(a, style=style, strict=True) != lazy_pinyin(b, style=style, strict=True):
                continue
            if zipf(minor, ctx.lang) >= UNCASED_VARIANT_MAX_ZIPF + TRANSLITERATION_ZIPF_ALLOWANCE:
                continue
            flagged.add(minor)
            yield from self._flag_mentions(
                doc,
                occurrences[minor],
                f"“{minor}” looks like “{major}”, as the article writes it elsewhere, with "
                f"“{b}” for “{a}”: one foreign name written with two characters of one sound.",
                major,
                0.5,
            )

    def _flag_mentions(
        self,
        doc: Document,
        tokens: Iterable[Token],
        message: str,
        written: str,
        confidence: float,
        safe: bool = False,
    ) -> Iterator[Finding]:
        """One finding per mention of a spelling, each with the article's other spelling as its fix."""
        for token in tokens:
            yield self.finding(
                doc,
                token.start,
                token.end,
                message,
                [replace(token.start, token.end, written, confidence, safe=safe)],
            )

    def _dotted_names(self, doc: Document, ctx: CheckContext, flagged: set[str]) -> Iterator[Finding]:
        """A foreign name written in parts joined by a dot (`foreign_name_separators`: "拉斯洛·纳吉")
        whose one part is spelled two ways beside the same other part ("拉斯洛·纳吉" and "拉斯洛·纳奇"):
        one person. The two spellings must sound alike (their spelling keys, pinyin in Chinese,
        mostly the same), so two people of one family ("乔治·布什", "劳拉·布什") are left alone."""
        separators = set(ctx.data.spec.foreign_name_separators)
        words = [t for t in doc.tokens if not t.is_space]
        # (the other part, whether it comes first) -> this part's spelling -> its tokens
        parts: dict[tuple[str, bool], dict[str, list[Token]]] = {}
        for before, dot, after in zip(words, words[1:], words[2:], strict=False):
            if dot.text not in separators or not (before.is_word and after.is_word):
                continue
            parts.setdefault((after.text, False), {}).setdefault(before.text, []).append(before)
            parts.setdefault((before.text, True), {}).setdefault(after.text, []).append(after)
        for (other, other_first), spellings in parts.items():
            forms = sorted(spellings, key=lambda f: (-len(spellings[f]), spellings[f][0].start))
            for major, minor in itertools.combinations(forms, 2):
                if minor in flagged or minor in major or major in minor:
                    continue  # a segmenter's cut ("沃尔科"/"沃尔科夫", "雷格"/"克雷格"), not a second spelling
                similarity = Levenshtein.normalized_similarity(spelling_key(major), spelling_key(minor))
                if similarity < DOTTED_PART_SIMILARITY:
                    continue
                flagged.add(minor)
                shown = f"{other}·{{}}" if other_first else f"{{}}·{other}"
                yield from self._flag_mentions(
                    doc,
                    spellings[minor],
                    f"“{shown.format(minor)}” is written “{shown.format(major)}” elsewhere in the "
                    "article: one person's name spelled two ways.",
                    major,
                    0.5,
                )

    def _article_dropped(self, doc: Document, ctx: CheckContext, flagged: set[str]) -> Iterator[Finding]:
        """A surname written with and without the article after the same given name ("سلمى الطرابلسي"
        and "سلمى طرابلسي"): one person, two spellings. The surname must be rare without its
        article (a name, not "وزير الخارجية"/"وزير خارجية", a construct state)."""
        article = ctx.data.spec.definite_article
        text = doc.text
        by_given: dict[str, dict[str, list[Token]]] = {}
        for left, right in itertools.pairwise(doc.tokens):
            if text[left.end : right.start] != " " or left.sentence != right.sentence:
                continue
            if left.is_word and right.is_word and len(right.text) - len(article) >= 3:
                by_given.setdefault(left.text, {}).setdefault(right.text, []).append(right)
        for given, surnames in by_given.items():
            for with_article, tokens in surnames.items():
                bare = with_article.removeprefix(article)
                if bare == with_article or bare not in surnames or zipf(bare, ctx.lang) >= RARE_SURNAME_ZIPF:
                    continue
                if zipf(given, ctx.lang) >= NAME_MAX_ZIPF:
                    continue  # an ordinary word before it: not a given name
                major, minor = (
                    (with_article, bare) if len(tokens) >= len(surnames[bare]) else (bare, with_article)
                )
                if minor in flagged:
                    continue
                flagged.add(minor)
                yield from self._flag_mentions(
                    doc,
                    surnames[minor],
                    f"“{given} {minor}” is written “{given} {major}” elsewhere in the article: one "
                    "person's surname with and without the article.",
                    major,
                    0.5,
                )

    def _accent_variants(
        self,
        doc: Document,
        occurrences: dict[str, list[Token]],
        neighbours: dict[str, frozenset[str]],
        flagged: set[str],
    ) -> Iterator[Finding]:
        """One name with and without its diacritics ("Erdoğan"/"Erdogan", "Zürich"/"Zurich"):
        the form used more often, or first, is the article's. Another language's name may keep
        its own spelling, so a form beside other capitalised words than the article's form has
        ("West Virginia Metro News" beside "Virgínia") or in a sentence with quotation marks (a
        quotation in Spanish: "Bolivia" beside "Bolívia") is left alone."""
        by_fold: dict[str, list[str]] = {}
        for form in occurrences:
            by_fold.setdefault(fold(form), []).append(form)
        for forms in by_fold.values():
            if len(forms) < 2:
                continue
            forms.sort(key=lambda f: (-len(occurrences[f]), occurrences[f][0].start))
            major = forms[0]
            for minor in forms[1:]:
                if minor in flagged or major in flagged or minor.casefold() == major.casefold():
                    continue  # case alone ("MacPherson"/"Macpherson") is no diacritic
                tokens = occurrences[minor]
                if not neighbours[minor] <= neighbours[major] or any(
                    QUOTATION_MARKS.search(doc.sentence_text(doc.sentences[t.sentence])) for t in tokens
                ):
                    continue
                flagged.add(minor)
                dominant = len(occurrences[major]) >= 2 * len(tokens)
                yield from self._flag_mentions(
                    doc,
                    tokens,
                    f"“{minor}” is written “{major}” elsewhere in the article: one name with and "
                    "without its diacritics.",
                    major,
                    0.6 if dominant else 0.4,
                    safe=dominant,
                )

    def _common_accent_variants(
        self, doc: Document, ctx: CheckContext, occurrences: dict[str, list[Token]], flagged: set[str]
    ) -> Iterator[Finding]:
        """A name too common to pass for a rare one written with and without its diacritics
        ("López"/"Lopez" in Spanish): the target's word list prefers the accented form clearly,
        and the article writes it capitalised inside a sentence, where case marks a name (or a
        German noun), not only where a sentence opens ("Über"/"Uber" are two words)."""
        by_fold: dict[str, dict[str, list[Token]]] = {}
        for token in doc.tokens:
            word = token.text
            if (
                token.is_word
                and len(word) >= 4
                and is_capitalised(word)
                and not word.isupper()
                and not any(ch.isdigit() for ch in word)
            ):
                by_fold.setdefault(fold(word), {}).setdefault(word, []).append(token)
        for forms in by_fold.values():
            if len(forms) < 2 or all(form in occurrences for form in forms):
                continue  # one spelling, or names `_accent_variants` has compared already
            major = max(forms, key=lambda f: (zipf(f.lower(), ctx.lang), len(forms[f])))
            if fold(major) == major or major in flagged:
                continue  # the language's own spelling has no diacritic to lose
            if all(self._opens_sentence(doc, token) for token in forms[major]):
                continue
            for minor, tokens in forms.items():
                if (
                    minor == major
                    or minor in flagged
                    or minor.casefold() == major.casefold()
                    or zipf(major.lower(), ctx.lang) - zipf(minor.lower(), ctx.lang) < ACCENT_PREFERENCE
                    or any(
                        QUOTATION_MARKS.search(doc.sentence_text(doc.sentences[t.sentence])) for t in tokens
                    )
                ):
                    continue
                flagged.add(minor)
                yield from self._flag_mentions(
                    doc,
                    tokens,
                    f"“{minor}” is written “{major}” elsewhere in the article: one word with and "
                    "without its diacritics.",
                    major,
                    0.6,
                )

    def _spacing_variants(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """One name written in more parts in one place than in another ("Xi Jinping"/"Xi Jin Ping",
        "Nagorno-Karabakh"/"Nagorno Kara Bakh"): the same letters once spaces and hyphens are
        removed, in a different number of capitalised parts. The form used more often, or first,
        is the article's; a hyphen where the other has a space is a house style, and a compound of
        everyday words written open and closed ("Gold-Medaillen"/"Goldmedaillen") is no name."""
        spans: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for run in CAPITALISED_RUN.finditer(doc.text):
            parts = list(NAME_PART.finditer(run.group(0)))
            for i in range(len(parts)):
                for j in range(i, min(i + SPACING_MAX_PARTS, len(parts))):
                    start, end = run.start() + parts[i].start(), run.start() + parts[j].end()
                    surface = doc.text[start:end]
                    key = fold(SEPARATORS.sub("", surface))
                    if len(key) >= SPACING_MIN_LETTERS:
                        spans.setdefault(key, {}).setdefault(surface, []).append((start, end))
        reported: list[tuple[int, int]] = []
        for key in sorted(spans, key=len, reverse=True):  # the longest name first, not its pieces
            forms = spans[key]
            counted = {f: len(SEPARATORS.findall(f)) for f in forms}
            if len(set(counted.values())) < 2:
                continue  # as many parts in every form: the same name, or only its hyphens differ
            if any("-" in form for form in forms) and any(
                zipf(part.lower(), ctx.lang) >= NAME_MAX_ZIPF
                for form in forms
                for part in NAME_PART.findall(form)
            ):
                continue  # a compound of everyday words, hyphened and closed ("Gold-Medaillen"): no name
            order = sorted(forms, key=lambda f: (-len(forms[f]), forms[f][0][0]))
            major = order[0]
            for minor in order[1:]:
                if counted[minor] == counted[major]:
                    continue
                for start, end in forms[minor]:
                    if any(start < b and a < end for a, b in reported):
                        continue
                    reported.append((start, end))
                    yield self.finding(
                        doc,
                        start,
                        end,
                        f"“{minor}” is written “{major}” elsewhere in the article: one name in "
                        f"{counted[minor] + 1} parts and in {counted[major] + 1}.",
                        [replace(start, end, major, 0.6, safe=False)],
                    )

    def _given_names(self, doc: Document, ctx: CheckContext, flagged: set[str]) -> Iterator[Finding]:
        """One person's given name spelled two ways beside the same surname ("Olena Marchenko" and
        "Elena Marchenko", "Чжан Вэй" and "Чжан Вей", in either order): the surname is the
        evidence, so short and common given names count too. Two people of one family are told
        apart: forms that differ only in their last letter ("Maria"/"Mario") or that stand in one
        sentence are left alone. In a spaced script without case (Arabic), where no capital marks
        a name, the surname and both spellings must be rare words and the spellings share their
        consonants ("ستانيسلاف"/"ستانسلاف كوفالينكو"); common given names ("محمد"/"محمود") are two
        people."""
        if not ctx.data.spaced:
            return
        cased = ctx.data.cased
        text = doc.text
        suffixes = tuple(ctx.data.locale.get("inflection_suffixes", []))
        prefixes = tuple(ctx.data.locale.get("inflection_prefixes", []))
        # (the surname, whether the given name comes first) -> given name -> its tokens
        by_surname: dict[tuple[str, bool], dict[str, list[Token]]] = {}
        for left, right in itertools.pairwise(doc.tokens):
            if (
                text[left.end : right.start] != " "
                or left.sentence != right.sentence
                or not (left.is_word and right.is_word)
                or (cased and not all(is_capitalised(t.text) and not t.text.isupper() for t in (left, right)))
            ):
                continue
            for given, surname, first in ((left, right, True), (right, left, False)):
                if cased:
                    named = len(given.text) >= 2 and zipf(surname.text.lower(), ctx.lang) < NAME_MAX_ZIPF
                else:
                    named = (
                        len(surname.text) >= 4
                        and zipf(surname.text, ctx.lang) < RARE_SURNAME_ZIPF
                        and zipf(given.text, ctx.lang) < VARIANT_MAX_ZIPF
                    )
                if named:
                    by_surname.setdefault((surname.text, first), {}).setdefault(given.text, []).append(given)
        for (surname, given_first), givens in by_surname.items():
            forms = sorted(givens, key=lambda f: (-len(givens[f]), givens[f][0].start))
            for major, minor in itertools.combinations(forms, 2):
                if minor in flagged or major in flagged:
                    continue
                key, other = spelling_key(major), spelling_key(minor)
                same = (key == other and (cased or len(key) >= UNCASED_SKELETON_MIN)) or (
                    cased
                    and len(consonants(key)) >= 2
                    and consonants(key) == consonants(other)
                    and key[:-1] != other[:-1]  # "Maria"/"Mario", "Paulo"/"Paula": two people
                )
                sentences = {t.sentence for t in givens[major]}
                if not same or any(t.sentence in sentences for t in givens[minor]):
                    continue
                if _stems(major, suffixes, prefixes) & _stems(minor, suffixes, prefixes):
                    continue  # "Питер"/"Питеру": one name inflected
                flagged.add(minor)
                dominant = len(givens[major]) >= 2 * len(givens[minor])
                yield from self._flag_mentions(
                    doc,
                    givens[minor],
                    (
                        f"“{minor} {surname}” is written “{major} {surname}”"
                        if given_first
                        else f"“{surname} {minor}” is written “{surname} {major}”"
                    )
                    + " elsewhere in the article: one person's given name spelled two ways.",
                    major,
                    0.6 if dominant else 0.4,
                )

    def _reversed_order(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        """One person's two names in both orders ("Zhang Yiming" and "Yiming Zhang"): MT keeps the
        source's order in one sentence and switches to the target's in another. The order used
        more often, or first, is the article's. Short names count here ("Li Xiaoming")."""
        names = [
            t
            for t in doc.tokens
            if t.is_word
            and len(t.text) >= 2
            and is_capitalised(t.text)
            and not t.text.isupper()
            and zipf(t.text.lower(), ctx.lang) < NAME_MAX_ZIPF
        ]
        pairs: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for left, right in itertools.pairwise(names):
            if doc.text[left.end : right.start] == " " and left.sentence == right.sentence:
                pairs.setdefault((left.text, right.text), []).append((left.start, right.end))
        for (first, second), spans in pairs.items():
            other = pairs.get((second, first))
            if other is None or (len(spans), -spans[0][0]) >= (len(other), -other[0][0]):
                continue  # the article's order, or a pair without its reverse
            kept = f"{second} {first}"
            for start, end in spans:
                yield self.finding(
                    doc,
                    start,
                    end,
                    f"“{first} {second}” is written “{kept}” elsewhere in the article: one name in two orders.",
                    [replace(start, end, kept, 0.6, safe=False)],
                )

    @staticmethod
    def _kinship(a: str, b: str, key: str, other: str, cased: bool) -> str | None:
        """How two words (with their spelling keys) may be one name: "transliteration" when they
        are the same name once transliteration differences are set aside ("Jusuf"/"Yusuf",
        "Moeller"/"Möller") or differ in their vowels only ("Mohammed"/"Muhammad",
        "Alexander"/"Aleksandr"); "spelling" when one or two edits apart (one for short names);
        None otherwise."""
        if a == b:
            return None
        if len(key) >= 3 and key == other:
            return "transliteration"
        same_initial = not cased or a[0] == b[0]
        # Vowels alone, in cased scripts only: uncased ones derive many words from one root
        # ("اختتم"/"يختتم"). The ending must agree too: "Atlético" and "Athletic" are two clubs.
        skeleton = consonants(key)
        if (
            cased
            and same_initial
            and len(skeleton) >= 4
            and skeleton == consonants(other)
            and (key[-1] in "aeiouy") == (other[-1] in "aeiouy")
        ):
            return "transliteration"
        # Without case (Chinese pinyin keys): the same long run of consonants, vowels aside
        # ("古特雷斯"/"古特里斯": gutelei-si/guteli-si).
        if not cased and len(skeleton) >= 4 and skeleton == consonants(other):
            return "transliteration"
        if abs(len(a) - len(b)) > 2 or not same_initial:
            return None
        distance = Levenshtein.distance(a, b)
        return "spelling" if 1 <= distance <= (1 if min(len(a), len(b)) < 6 else 2) else None

    @staticmethod
    def _opens_sentence(doc: Document, token: Token) -> bool:
        sentence = doc.sentences[token.sentence]
        first_word = next((t for t in doc.sentence_tokens(sentence) if t.is_word), None)
        return first_word is token or (first_word is not None and first_word.start == token.start)

    @staticmethod
    def _names(doc: Document, ctx: CheckContext) -> Iterator[Token]:
        if not ctx.data.spaced:
            yield from _chinese_names(doc, int(ctx.data.locale.get("name_min_length", 3)))
            return
        cased = ctx.data.cased
        min_length = int(ctx.data.locale.get("name_min_length", 4))
        for token in doc.tokens:
            word = token.text
            particle = PARTICLE_PREFIX.match(word) if cased and token.is_word else None
            if particle:
                # "al-Harthi" beside "Al Harthy", "d’Estaing": the name after its lowercase particle.
                token = Token(
                    token.start + particle.end(),
                    token.end,
                    word[particle.end() :],
                    True,
                    False,
                    token.sentence,
                )
                word = token.text
            if not token.is_word or len(word) < min_length or any(ch.isdigit() for ch in word):
                continue
            if word[-1] in "-‐‑":
                continue  # a compound's first half cut at a line's end ("ليفينغستون-"), not a spelling
            if cased and not (is_capitalised(word) and not word.isupper()):
                continue
            if zipf(word.lower(), ctx.lang) >= NAME_MAX_ZIPF:
                continue
            yield token


# The capitalised word right before or after a name, one space away: its given name or surname.
# A lowercase particle written onto a name: the Arabic article romanised ("al-", "el-", "ad-")
# or an elided preposition ("d’").
PARTICLE_PREFIX = regex.compile(r"\p{Ll}{1,3}[-‐‑'’](?=\p{Lu})")
# Capitalised words joined by single spaces or hyphens ("Xi Jin Ping", "Nagorno-Karabakh").
CAPITALISED_RUN = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{Ll}\p{M}'’]+(?:[ \-‐‑]\p{Lu}[\p{Ll}\p{M}'’]+)*")
NAME_PART = regex.compile(r"\p{Lu}[\p{Ll}\p{M}'’]+")
SEPARATORS = regex.compile(r"[ \-‐‑]")
# How much commoner (Zipf) the accented form of a common name must be than the bare one.
ACCENT_PREFERENCE = 0.5
SPACING_MAX_PARTS = 4
SPACING_MIN_LETTERS = 6
QUOTATION_MARKS = regex.compile(r"[\"“”„«»‹›]")
WORD_BEFORE = regex.compile(r"(\p{Lu}[\p{L}\p{M}'’-]*) $")
WORD_AFTER = regex.compile(r" (\p{Lu}[\p{L}\p{M}'’-]*)")


def _final_letter_variants(a: str, b: str, ctx: CheckContext) -> bool:
    """Two forms of a word bearing the article that differ only in a final letter the spelling
    confuses ("الخصاونة"/"الخصاونه"): one name spelled two ways (`final_letter_variants`)."""
    spec = ctx.data.spec
    if not spec.definite_article or len(a) != len(b) or a[:-1] != b[:-1]:
        return False
    # The article may follow an attached particle ("والخصاونة").
    if not any(a.startswith(prefix + spec.definite_article) for prefix in ("", *spec.inflection_prefixes)):
        return False
    return any({a[-1], b[-1]} == set(pair) for pair in spec.final_letter_variants)


def _neighbours(text: str, tokens: list[Token], lang: str) -> frozenset[str]:
    """The name-like words right before and after each mention of a name ("Li" in "Li Wenjun");
    common capitalised words ("The", "President") say nothing about whose name it is."""
    found: set[str] = set()
    for token in tokens:
        before = WORD_BEFORE.search(text, max(0, token.start - 40), token.start)
        after = WORD_AFTER.match(text, token.end)
        found.update(m.group(1) for m in (before, after) if m is not None)
    return frozenset(word for word in found if zipf(word.lower(), lang) < NAME_MAX_ZIPF)


NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "nz"}
CHINESE_NAME_MAX_CHARS = 16


def _chinese_names(doc: Document, min_length: int) -> Iterator[Token]:
    """Names in Chinese text: runs of words jieba tags as names (it splits unknown
    transliterations like 里纳尔迪 into tagged pieces, which are joined again here)."""
    from tqcheck.document.segment import import_jieba

    import_jieba()  # quiet, and reading its dictionary caches whole
    import jieba.posseg

    names: set[str] = set()
    for block in doc.blocks:
        run: list[str] = []
        for word, flag in [*jieba.posseg.cut(doc.block_text(block)), ("", "x")]:
            if flag in NAME_TAGS:
                run.append(word)
            elif run:
                name = "".join(run)
                # A run longer than any name is a glitch or a list: its frequency and its
                # mentions would take seconds per thousand characters to look up.
                if min_length <= len(name) <= CHINESE_NAME_MAX_CHARS and zipf(name, "zh") < NAME_MAX_ZIPF:
                    names.add(name)
                run = []
    # Tagging is not consistent from one sentence to the next: count every occurrence of a name.
    for name in sorted(names):
        for match in regex.finditer(regex.escape(name), doc.text):
            yield Token(match.start(), match.end(), name, True, False)


class GlossaryTerm(Rule):
    """Flags a forbidden variant of a term from the project's glossary (term base) and proposes the
    preferred term ("Nagorno Karabakh" → "Nagorno-Karabakh").

    ## What it does
    Reads the glossary named by `--glossary` or `glossary = "terms.tsv"` in the configuration: a
    CSV or TSV file with the columns `lang` (a code, or `*`), `preferred`, `forbidden` (variants
    separated by `|`), and optionally `note` and `case` (`sensitive`, the default, or
    `insensitive`). Every forbidden variant in an article of that language is flagged.

    ## Why is this bad?
    A newsroom writes a name or term one way; MT and freelance translators each choose their
    own, and readers and search see several names for one thing.

    ## Fix safety
    Safe: the glossary is the team's own decision.
    """

    code = "TQ602"
    name = "glossary-term"
    category = Category.TERMINOLOGY
    severity = Severity.MAJOR
    fix_availability = FixAvailability.ALWAYS
    needs = frozenset({"glossary"})
    examples = (
        bad(
            "Fighting resumed in [[Nagorno Karabakh]] on Monday.",
            glossary="en\tNagorno-Karabakh\tNagorno Karabakh",
            fixed="Fighting resumed in Nagorno-Karabakh on Monday.",
        ),
        good(
            "Fighting resumed in Nagorno-Karabakh on Monday.",
            glossary="en\tNagorno-Karabakh\tNagorno Karabakh",
        ),
    )

    def check(self, doc: Document, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.glossary is None:
            return
        terms = ctx.glossary.for_language(doc.lang)
        # Where a longer preferred term already stands, a variant inside it is not flagged:
        # rewriting a part of it would corrupt correct text, and again on every run.
        preferred = [
            (m.start(), m.end())
            for term in terms
            for m in term.preferred_pattern().finditer(doc.text, overlapped=True)
        ]
        protected: dict[int, _Spans] = {}
        for term in terms:
            for variant, pattern in term.patterns():
                for match in pattern.finditer(doc.text):
                    length = match.end() - match.start()
                    if length not in protected:
                        protected[length] = _Spans([p for p in preferred if p[1] - p[0] > length])
                    if protected[length].contain(match.start(), match.end()):
                        continue
                    note = f" {term.note}" if term.note else ""
                    yield self.finding(
                        doc,
                        match.start(),
                        match.end(),
                        f"Glossary: write “{term.preferred}”, not “{variant}”.{note}",
                        [
                            replace(
                                match.start(),
                                match.end(),
                                term.preferred,
                                0.95,
                                safe=True,
                                origin=Origin.LEXICON,
                            )
                        ],
                    )


class _Spans:
    """Spans sorted by start; answers "is [start, end) inside one of them?" in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(itertools.accumulate((e for _, e in spans), max))  # furthest end so far

    def contain(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end
