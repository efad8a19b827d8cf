"""Long and pathological input is analysed as short input is (issue 15); its cost is measured by
bench/scale.py, never asserted here."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tqcheck.document import Decoded, RawDocument, analyse, load_text
from tqcheck.engine import drop_subsumed
from tqcheck.findings import Category, Finding, Severity


def test_doubled_space_after_a_long_word_is_flagged_whole() -> None:
    from tqcheck.context import CheckContext
    from tqcheck.rules.punctuation import DoubledSpace

    text = "The code " + "a" * 5000 + "  b was sent."
    doc = load_text(text, "en")
    (finding,) = DoubledSpace().check(doc, CheckContext.for_document(doc))
    assert (finding.start, finding.end) == (9, 9 + 5000 + 3)
    assert finding.suggestions[0].replacement == "a" * 5000 + " b"


def test_every_block_keeps_its_own_sentences() -> None:
    doc = load_text("\n\n".join(f"Paragraph {i} starts. It ends here." for i in range(300)) + "\n", "en")
    for block in doc.blocks:
        sentences = list(doc.block_sentences(block))
        assert len(sentences) == 2 and all(block.start <= s.start < s.end <= block.end for s in sentences)


def test_long_runs_keep_their_text_and_offsets() -> None:
    text = "The port reopened." + " " * 20_000 + "Trade resumed " + "!" * 3000 + " today.\n"
    doc = load_text(text, "en")
    assert [t.text for t in doc.tokens if t.is_word] == [
        "The",
        "port",
        "reopened",
        "Trade",
        "resumed",
        "today",
    ]
    assert all(doc.text[t.start : t.end] == t.text for t in doc.tokens)


def test_markdown_line_of_many_images_openers_keeps_its_words() -> None:
    source = "# Port strike\n\nThe port reopened " + "![" * 5000 + "\n"
    doc = analyse(RawDocument("a.md", source, "md", Decoded(source, "utf-8")), "en")
    assert [t.text for t in doc.tokens if t.is_word] == ["Port", "strike", "The", "port", "reopened"]


def _finding(rule: str, start: int, end: int, category: Category = Category.FLUENCY) -> Finding:
    return Finding(rule, rule, category, Severity.MINOR, "", start, end)


def test_drop_subsumed_drops_only_what_a_residue_line_contains() -> None:
    residue = _finding("TQ101", 100, 200, Category.RESIDUE)
    inside, outside, straddling = (
        _finding("TQ202", 120, 130),
        _finding("TQ202", 300, 310),
        _finding("TQ202", 190, 210),
    )
    same_line = _finding("TQ102", 100, 200, Category.RESIDUE)
    kept = drop_subsumed([outside, inside, residue, straddling, same_line])
    assert kept == [outside, residue, straddling, same_line]


WORDS = ["Port", "Elizabeth", "port", "Nagorno", "Karabakh", "7", "a1", "É", "北京", "-", " ", ". ", "(", "é"]


@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from(WORDS), st.sampled_from(WORDS))
@settings(max_examples=300, deadline=None)
def test_one_pass_name_lookup_agrees_with_searching_the_text(parts: list[str], left: str, right: str) -> None:
    """TQ201's one-pass lookup answers as a search of the whole text would, for every joiner."""
    from tqcheck.rules.structure import _NameOccurrences, _occurs_outside

    text = "".join(parts)
    names = [f"{left}{joiner}{right}" for joiner in ("", "-", " ")]
    occurrences = _NameOccurrences(text, names)
    for name in names:
        for start, end in ((0, 0), (0, len(text) // 2), (len(text) // 3, len(text))):
            expected = _occurs_outside(text, name, start, end, whole_words=True)
            assert occurrences.outside(name, start, end) == expected, (text, name, start, end)
            expected = _occurs_outside(text, name, start, end)
            assert occurrences.anywhere_outside(name, start, end) == expected, (text, name, start, end)


def test_a_long_markdown_page_loses_every_residue_line_and_keeps_its_paragraphs() -> None:
    """Each residue block is deleted with its line, however many there are (looked up from the
    lines' own characters, not by scanning the page per block)."""
    import tqcheck

    paragraphs = [f"The port reopened on day {i} after the strike ended." for i in range(150)]
    page = "# Port strike\n\n" + "".join(f"{p}\n\nShare on Facebook\n\n" for p in paragraphs)
    fixed = tqcheck.fix(page, lang="en", model=False, format="md").text
    assert fixed == "# Port strike\n\n" + "".join(f"{p}\n\n" for p in paragraphs)
