"""Matching a source's names in a translation (tqcheck/rules/name_match.py): what TQ702 takes for
the same name, and what for a changed one."""

from __future__ import annotations

import pytest

import tqcheck
from tqcheck.resources import locale_of
from tqcheck.rules.name_match import chinese_people, derived_in, same_sounds


@pytest.mark.parametrize(
    ("target", "source", "lang"),
    [
        ("Chorasan", "Khorasan", "de"),
        ("Belutschistan", "Baluchistan", "de"),  # a vowel apart as well
        ("Mudschahed", "Mujahed", "de"),
        ("Jamaatul-Ahrar", "Jamaat-ul-Ahrar", "de"),  # hyphens aside
        ("Choïgou", "Shoigu", "fr"),
        ("Jamenei", "Khamenei", "es"),
    ],
)
def test_a_language_s_own_romanisation_is_the_same_name(target: str, source: str, lang: str) -> None:
    assert same_sounds(target, source, locale_of(lang).transliteration)


@pytest.mark.parametrize(
    ("target", "source"),
    [("Valmoria", "Valdoria"), ("Redcliff", "Redcar"), ("Hussein", "Hassan"), ("Mario", "Maria")],
)
def test_another_name_is_not(target: str, source: str) -> None:
    assert not same_sounds(target, source, locale_of("de").transliteration)


def test_a_changed_name_is_still_reported_in_german() -> None:
    text = "Die Armee meldete Kämpfe in der Provinz Belutschistan und in Valmoria."
    result = tqcheck.check(
        text,
        "de",
        source="The army reported fighting in Baluchistan province and in Valdoria.",
        source_lang="en",
        model=False,
        select=["TQ702"],
    )
    assert [text[f.start : f.end] for f in result.findings] == ["Valmoria"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("der Tod von 6.000 Algeriern", "Algerians"),  # the English endings off: "Alger…"
        ("verriet die Kommunarden", "Communards"),
        ("die Bereitschaft des Maharadschas", "Maharaja"),  # German "dsch" for "j"
    ],
)
def test_a_word_the_translation_derives_from_the_source_s_word(text: str, word: str) -> None:
    suffixes = tuple(locale_of("en").inflection_suffixes)
    assert derived_in(text, word, locale_of("de").transliteration, suffixes)


def test_another_ending_on_a_short_name_is_not_derived() -> None:
    suffixes = tuple(locale_of("en").inflection_suffixes)
    assert not derived_in("Trainer Johnsen sagte", "Johnson", locale_of("de").transliteration, suffixes)
    assert not derived_in("in Valmoria", "Valdoria", locale_of("de").transliteration, suffixes)


def test_a_chinese_name_before_a_figure_is_a_numeral_s_prefix() -> None:
    text = "国际米兰与热那亚的比赛是蓝黑军团队史第3000场比赛。代表团团长王振宇表示，谈判进展顺利。"
    assert [name for name, _, _ in chinese_people(text)] == ["王振宇"]
