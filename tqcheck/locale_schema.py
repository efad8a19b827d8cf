"""The typed schema of <lang>/locale.toml, checked when a language is loaded.

Every key a locale file may hold is a field below, with its type and its default in this one
place: an unknown key (a typo) or a value of the wrong type is a one-line ConfigError naming the
file and the key, never a silent default. The rules read the language through these properties
instead of testing language codes ("spaced" rather than lang == "zh").
"""

from __future__ import annotations

import codecs
import dataclasses
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from tqcheck.errors import ConfigError


@dataclass(frozen=True)
class Punctuation:
    # Characters of other writing systems and what this language writes instead ("，" -> ",").
    foreign: dict[str, str] = field(default_factory=dict)
    # ASCII marks that, right after a letter of this language's script, should be the native mark.
    native: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Locale:
    """One language's conventions; `name`, `scripts` and `cased` are required."""

    name: str  # the language's English name ("Italian"): what `tqcheck languages` lists
    scripts: list[str]  # Unicode scripts of its letters: Latin, Cyrillic, Arabic, Han...
    cased: bool  # whether the script has letter case
    # Words are separated by spaces. False (Chinese): lexicon matches are checked against the
    # segmenter's word boundaries, cue words are found anywhere, long runs are cut at symbols.
    spaced: bool = True
    direction: Literal["ltr", "rtl"] = "ltr"  # writing direction (HTML reports)
    spacy_lang: str = ""  # spaCy blank pipeline (tokenizer); "" = the folder's code; "xx" = generic
    segmenter: str = ""  # word segmenter of that pipeline ("jieba" for Chinese); "" = spaCy's own
    sentence_ends: list[str] = field(default_factory=list)  # sentence-final marks; [] = spaCy's
    quotes: list[list[str]] = field(default_factory=lambda: [["“", "”"]])  # house style first
    inner_quotes: list[list[str]] = field(default_factory=list)  # inside a quotation; [] = unchecked
    space_before: str = ""  # punctuation that takes a space before it (French ";:!?")
    # [opening, closing] marks a question or exclamation opens and closes with (Spanish "¿" "?").
    inverted_marks: list[list[str]] = field(default_factory=list)
    # Space inside guillemets of the house style when a quote-style fix writes them (French "« … »").
    guillemet_inner_space: str = ""
    fullwidth_punctuation: bool = False
    # Legacy code pages of the language (Python codec names): text in them read as another one is
    # mojibake that ftfy does not repair (Russian "cp1251": "Ìîñêâà" for "Москва"; TQ205).
    legacy_encodings: list[str] = field(default_factory=list)
    decimal: str = "."
    thousands: str = ","
    # Currency signs written after the amount ("12 €") and before it ("€12"); [] = unchecked (TQ511).
    currency_after: list[str] = field(default_factory=list)
    currency_before: list[str] = field(default_factory=list)
    currency_space: str = " "  # between the amount and a sign written after it
    # The order of a numeric date's figures: "dmy" (day first: a month-first date is flagged,
    # TQ512), "mdy", "ymd", or "" where both orders are in use (English).
    date_order: Literal["", "dmy", "mdy", "ymd"] = ""
    # How the language writes clock times: "24" ("20:00"), "ampm" ("8:00 PM"), "h" ("20h00"),
    # "dot" ("20.00 Uhr"); a time in the "ampm" or "h" style where it is not listed is flagged
    # (TQ514); [] = unchecked.
    clock_styles: list[Literal["24", "ampm", "h", "dot"]] = field(default_factory=list)
    # The dash a hyphen between spaces stands for ("—" in Russian; TQ513); "" = unchecked.
    dash: str = ""
    heading_cases: list[str] = field(default_factory=lambda: ["sentence"])
    # Nouns are capitalised in running text (German): a capitalised heading word says nothing of case.
    capitalised_nouns: bool = False
    title_case_minor_words: list[str] = field(default_factory=list)
    inflection_suffixes: list[str] = field(default_factory=list)
    inflection_prefixes: list[str] = field(default_factory=list)
    entity_nouns: list[str] = field(default_factory=list)
    # Nouns that head the names of public bodies and offices ("ministry", "court", "bank"): a
    # capitalised phrase of this language's everyday words holding one, left in a text of another
    # language, is an institution or a title left untranslated ("State Department"; TQ302, TQ305).
    institution_nouns: list[str] = field(default_factory=list)
    # Whether this language's news translates the names of foreign public bodies. German keeps
    # many as they stand ("die Labour Party", "der National Weather Service"): no such name left
    # in another language is reported there (TQ305).
    translates_institution_names: bool = True
    # The language's word list (wordfreq) holds its inflected forms (English), so a lowercase word
    # that no Latin-script language's list knows is no word of it: untranslated or misspelled
    # (TQ305). Not for languages whose rarer inflections the lists lack ("desarmemos").
    word_list_holds_inflections: bool = False
    # Prefixes and suffixes the language builds words with: a word the list lacks that is a known
    # word with one of them is the language's own ("undemocracy"), not untranslated (TQ305).
    word_prefixes: list[str] = field(default_factory=list)
    word_suffixes: list[str] = field(default_factory=list)
    name_joiners: list[str] = field(default_factory=lambda: ["-", " "])
    standalone_words: list[str] = field(default_factory=list)
    # Small words inside names ("Frankfurt am Main") that never end a sentence: a boundary after one cuts a name.
    name_particles: list[str] = field(default_factory=list)
    # Words that open names and never end a sentence after a lowercase word ("San", "Abu", "Los"):
    # a stop right after one cuts a name ("in San. Salvador").
    name_openers: list[str] = field(default_factory=list)
    name_min_length: int = 4
    # Adjective endings of the oblique cases, each with the noun endings of the same cases
    # ({"ой" = ["и", "е"]}): a capitalised common adjective in one of these cases cannot end a
    # sentence, so a stop between it and an agreeing capitalised noun cuts a name ("Новой. Зеландии").
    adjective_agreement: dict[str, list[str]] = field(default_factory=dict)
    # Names of the days and months, lowercase: another language's left in a text is untranslated
    # (TQ305, TQ302: "on Friday" in a German article).
    calendar_words: list[str] = field(default_factory=list)
    # The language writes those names in lowercase inside a sentence ("en janvier"): a capital
    # there is English orthography carried over (TQ515).
    calendar_lowercase: bool = False
    # Dates that name a holiday, day and month as the holiday's name writes them ("14 juillet",
    # "9 мая"): there a capitalised month is part of a name, not English orthography (TQ515).
    holiday_dates: list[str] = field(default_factory=list)
    # Languages that share this one's rare words (Spanish and Portuguese): a word rare here and
    # common there is untranslated only on the stronger evidence (TQ305).
    close_languages: list[str] = field(default_factory=list)
    # The definite article written onto a word ("ال"): a name with and without it is one name
    # ("الطرابلسي"/"طرابلسي" after the same given name), and no attached pronoun follows it.
    definite_article: str = ""
    # Marks that join the parts of a foreign name ("拉斯洛·纳吉"): a part spelled two ways beside
    # the same other part is one person's name (TQ601).
    foreign_name_separators: list[str] = field(default_factory=list)
    # Final letters the spelling confuses ([["ة", "ه"]]): a name bearing the article that differs
    # only in one of these is one name spelled two ways, not an inflection.
    final_letter_variants: list[list[str]] = field(default_factory=list)
    length_factor: float = 1.0  # characters needed for what English says in one (alignment)
    doubled_word_max_chars: int = 0  # 0: any doubled word is flagged; n: only words up to n characters
    # Conjunctions that join two copies of a word on purpose ("more and more", "beat and beat"): a
    # two-word phrase doubled around one of them is no loop (TQ203).
    coordinators: list[str] = field(default_factory=list)
    # Part-of-speech tags (of the `segmenter`) of words that never reduplicate: doubled, they are
    # flagged even when longer than doubled_word_max_chars (Chinese pronouns: "其中其中").
    doubled_word_tags: list[str] = field(default_factory=list)
    # Part-of-speech tags (of the `segmenter`) of nouns and names: a "sentence" of only these words
    # holds no verb, so a title before a name's first part ("印度总理纳伦德拉。") is no clause (TQ201).
    nominal_tags: list[str] = field(default_factory=list)
    # Characters the script uses to write foreign names by their sounds ("纳伦德拉", "莫迪"): two
    # runs of them on either side of a stop after a title are one name cut in two (TQ201); two
    # runs differing in one character of the same sound are one name written two ways (TQ601).
    foreign_name_characters: str = ""
    punctuation: Punctuation = field(default_factory=Punctuation)
    number_words: dict[str, int] = field(default_factory=dict)
    number_scales: dict[str, int] = field(default_factory=dict)
    # How the language writes the sounds that English romanisations spell otherwise ({"tsch" =
    # "ch"} in German): a name of the source written this way ("Belutschistan" for "Baluchistan")
    # is the language's own spelling, not a changed name (TQ702).
    transliteration: dict[str, str] = field(default_factory=dict)


def _matches(value: Any, kind: Any) -> bool:
    """Whether a TOML value fits a field's type annotation."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return True
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is str:
        return isinstance(value, str)
    if origin is Literal:
        return value in typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arm) for arm in typing.get_args(kind))
    if origin is list:
        (item,) = typing.get_args(kind)
        return isinstance(value, list) and all(_matches(v, item) for v in value)
    if origin is dict:
        key, item = typing.get_args(kind)
        return isinstance(value, dict) and all(
            _matches(k, key) and _matches(v, item) for k, v in value.items()
        )
    return False


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is Literal:
        return " or ".join(repr(a) for a in typing.get_args(kind))
    return getattr(kind, "__name__", None) or str(kind).replace("typing.", "")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def build(cls: type, values: dict[str, Any], where: str, prefix: str = "") -> Any:
    """An instance of dataclass `cls` from a TOML table, or a ConfigError naming file and key."""
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in values:
        if key not in fields:
            raise ConfigError(f"unknown key {prefix}{key!r}; known: {', '.join(fields)}", where)
    kwargs = {}
    for name, spec in fields.items():
        kind = hints[name]
        if name not in values:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise ConfigError(f"missing required key {prefix}{name!r}", where)
            continue
        value = values[name]
        if dataclasses.is_dataclass(kind):
            if not isinstance(value, dict):
                raise ConfigError(f"{prefix}{name!r} must be a table", where)
            kwargs[name] = build(kind, value, where, f"{prefix}{name}.")
        elif not _matches(value, kind):
            raise ConfigError(f"{prefix}{name!r} must be {_type_name(kind)}, not {value!r}", where)
        else:
            kwargs[name] = value
    return cls(**kwargs)


def parse_locale(values: dict[str, Any], where: str) -> Locale:
    locale: Locale = build(Locale, values, where)
    if not locale.scripts:
        raise ConfigError("'scripts' names no script", where)
    for key in ("quotes", "inner_quotes", "inverted_marks"):
        if any(len(pair) != 2 for pair in getattr(locale, key)):
            raise ConfigError(f"every {key!r} entry is an [opening, closing] pair", where)
    for encoding in locale.legacy_encodings:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"'legacy_encodings': unknown encoding {encoding!r}", where) from None
    if any(
        len(pair) != 2 or not all(len(letter) == 1 for letter in pair)
        for pair in locale.final_letter_variants
    ):
        raise ConfigError("every 'final_letter_variants' entry is a pair of single letters", where)
    return locale
