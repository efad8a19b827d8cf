"""Segment-level input: one record of segment-level MT (a WMT segment, a line of a JSONL export) is
not an article, so the rules that need a document stay quiet where the segment cannot show the
error, and still report what is wrong inside it."""

from __future__ import annotations

import tqcheck


def rules(text: str, lang: str = "en", **kwargs: object) -> list[str]:
    return [f.rule for f in tqcheck.check(text, lang, model=False, **kwargs).findings]


def test_a_quotation_opened_at_a_segments_start_may_close_in_the_next_segment() -> None:
    assert "TQ505" not in rules(
        "„Obwohl der Rückzug begonnen hat, bleibt die Lage im Norden angespannt.", "de"
    )
    assert "TQ505" not in rules("we will never give up,” the minister said on Monday.")


def test_a_quote_left_open_inside_a_segment_is_still_reported() -> None:
    assert "TQ505" in rules("The minister said “we will never give up and left the room.")
    assert "TQ505" in rules("The union (RWU said the strike would go on.")


def test_the_same_open_quotation_in_the_source_is_the_translations_right() -> None:
    source = "“Although in retreat, the group remains able to strike across the country."
    translation = "„Obwohl sich die Gruppe zurückzieht, kann sie im ganzen Land zuschlagen."
    assert "TQ505" not in rules(translation, "de", source=source, source_lang="en")
    # In an article, the same open quotation without a source to excuse it is reported.
    article = "Lage im Norden\n\nDer Sprecher sagte: „Die Gruppe kann zuschlagen.\n\nDie Armee schwieg."
    assert "TQ505" in rules(article, "de")


def test_a_multi_paragraph_quotation_leaves_each_paragraph_open() -> None:
    article = (
        "Mayor promises new bridge\n\nThe mayor spoke first.\n\n"
        "“We will rebuild the bridge, and we will do it this year.\n\n"
        "“Nobody will be left behind,” she said."
    )
    assert "TQ505" not in rules(article)


def test_a_one_line_record_is_not_a_heading_and_has_no_structure_to_lose() -> None:
    segment = "calls for restraint after the border clash"
    assert not {"TQ401", "TQ402", "TQ403"} & set(rules(segment))
    source = "UN says thousands of anti-Pakistan militants in Afghanistan"
    translation = "UN: Tausende militante Anti-Pakistan-Kämpfer in Afghanistan"
    assert "TQ706" not in rules(translation, "de", source=source, source_lang="en")


def test_an_article_still_gets_its_heading_and_structure_checks() -> None:
    article = (
        "Border talks resume\n\ncalls for restraint\n\nBoth sides met on Monday and agreed to talk again."
    )
    assert "TQ401" in rules(article)
