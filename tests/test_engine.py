"""The engine (tqcheck/engine.py): which findings a file report keeps, where they land in the
file, how the configuration changes them, and the reproducibility signature."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tqcheck import __version__
from tqcheck.config import Settings
from tqcheck.context import CheckContext
from tqcheck.document import Decoded, Document, RawDocument, analyse, load_text
from tqcheck.engine import (
    check_document,
    deduplicate,
    drop_subsumed,
    run_rules,
    signature,
    to_source,
)
from tqcheck.errors import TqcheckError
from tqcheck.findings import Applicability, Category, Finding, Severity, Suggestion
from tqcheck.lm import CandidateRequest, CandidateScore, TokenScores
from tqcheck.rules import select


def document(source: str, fmt: str, lang: str = "en", path: str | None = None) -> Document:
    return analyse(RawDocument(path or f"article.{fmt}", source, fmt, Decoded(source, "utf-8")), lang)


def raw_findings(doc: Document) -> list[Finding]:
    """What the default rules report, before the engine drops anything."""
    return run_rules(doc, Settings(lang=doc.lang).rules, CheckContext.for_document(doc))


def reported(doc: Document, **settings: object) -> list[Finding]:
    return check_document(doc, Settings(lang=doc.lang, use_model=False, **settings)).findings  # type: ignore[arg-type]


def codes_and_texts(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in findings]


def made(rule: str, start: int, end: int, category: Category = Category.FLUENCY) -> Finding:
    return Finding(rule, rule.lower(), category, Severity.MINOR, f"{rule} here", start, end)


# ---- drop_subsumed ------------------------------------------------------------------------------


def test_a_finding_inside_a_residue_line_is_dropped() -> None:
    doc = load_text("The port reopened on Tuesday.\n\nShare on Facebook Facebook Twitter WhatsApp\n", "en")
    found = raw_findings(doc)
    assert ("TQ202", "Facebook Facebook") in codes_and_texts(found)  # the rule did report it
    assert codes_and_texts(drop_subsumed(found)) == [("TQ101", "Share on Facebook Facebook Twitter WhatsApp")]


def test_two_residue_rules_on_the_same_line_are_both_kept() -> None:
    line = made("TQ101", 30, 60, Category.RESIDUE)
    title = made("TQ102", 30, 60, Category.RESIDUE)
    assert drop_subsumed([line, title]) == [line, title]


def test_a_narrower_residue_finding_inside_a_residue_line_is_dropped() -> None:
    line = made("TQ101", 30, 60, Category.RESIDUE)
    inner = made("TQ102", 35, 50, Category.RESIDUE)
    assert drop_subsumed([inner, line]) == [line]


def test_only_what_is_inside_the_span_is_dropped() -> None:
    line = made("TQ101", 30, 60, Category.RESIDUE)
    before, crossing, after = made("TQ202", 10, 20), made("TQ202", 55, 65), made("TQ202", 61, 70)
    touching_start, touching_end = made("TQ506", 30, 32), made("TQ506", 58, 60)
    kept = drop_subsumed([before, touching_start, line, touching_end, crossing, after])
    assert kept == [before, line, crossing, after]


def test_subsumes_drops_the_named_rules_inside_an_untranslated_sentence() -> None:
    doc = load_text(
        "El ministro llegó a Lima el lunes. The government will announce the the new measures next week. "
        "La oposición criticó el plan.\n",
        "es",
    )
    found = raw_findings(doc)
    assert {"TQ303", "TQ305", "TQ202"} <= {f.rule for f in found}
    # TQ303 subsumes the untranslated words (TQ305), not the doubled word (TQ202).
    assert codes_and_texts(drop_subsumed(found)) == [
        ("TQ202", "the the"),
        ("TQ303", "The government will announce the the new measures next week."),
    ]


def test_subsumes_does_not_reach_outside_the_span() -> None:
    sentence = made("TQ303", 10, 50, Category.ACCURACY)
    inside, outside = made("TQ305", 20, 27, Category.ACCURACY), made("TQ305", 60, 67, Category.ACCURACY)
    unrelated = made("TQ202", 20, 27)
    assert drop_subsumed([sentence, inside, outside, unrelated]) == [sentence, outside, unrelated]


def test_fix_leaves_a_foreign_sentences_punctuation_to_its_translator() -> None:
    """A sentence left in Chinese is reported whole (TQ303); `fix` does not rewrite its
    punctuation by English rules, which would make it neither language's."""
    import tqcheck

    text = "Officials said the campaign would go on. 疫苗接种工作将持续到年底。\nVillage officials agreed.\n"
    result = tqcheck.check(text, lang="en", model=False)
    assert [(f.rule, f.text) for f in result.findings if f.rule.startswith(("TQ303", "TQ5"))] == [
        ("TQ303", "疫苗接种工作将持续到年底。")
    ]
    assert tqcheck.fix(text, lang="en", model=False).text == text


def test_without_a_wide_finding_nothing_is_dropped() -> None:
    findings = [made("TQ202", 0, 10), made("TQ305", 2, 5, Category.ACCURACY)]
    assert drop_subsumed(findings) == findings


# ---- deduplicate --------------------------------------------------------------------------------


def test_deduplicate_keeps_one_per_rule_and_span_in_position_order() -> None:
    first, copy = made("TQ202", 40, 47), made("TQ202", 40, 47)
    other_rule = made("TQ203", 40, 47)
    earlier = made("TQ501", 5, 6)
    assert deduplicate([first, other_rule, copy, earlier]) == [earlier, first, other_rule]
    assert deduplicate([first, copy])[0] is first


def test_check_document_reports_one_finding_per_span() -> None:
    doc = load_text("The deal was signed by the the management on Tuesday, the union said.\n", "en")
    assert codes_and_texts(reported(doc)) == [("TQ202", "the the")]


# ---- to_source: offsets in the file, display-only edits across markup ---------------------------

MARKDOWN = (
    "# Port workers end strike\n\n"
    "The deal was signed by **the** the management on Tuesday, the union said.\n\n"
    "Troops fired in an accident between the two sides, and the the police left.\n"
)


def test_markdown_findings_point_into_the_file() -> None:
    doc = document(MARKDOWN, "md")
    found = reported(doc)
    findings = {(f.rule, f.text): f for f in reversed(found)}  # the first of each wins
    crossing = findings[("TQ202", "the** the")]  # text is the file's, markup included
    assert MARKDOWN[crossing.start : crossing.end] == "the** the"
    assert (crossing.line, crossing.column) == (3, 26)
    accident = findings[("TQ301", "accident")]
    assert MARKDOWN[accident.start : accident.end] == "accident"
    assert accident.line == 5
    assert [MARKDOWN[s.start : s.end] for s in accident.suggestions] == ["accident", "accident"]


def test_a_suggestion_crossing_markup_is_display_only() -> None:
    doc = document(MARKDOWN, "md")
    doubled = [f for f in reported(doc) if f.rule == "TQ202"]
    assert [MARKDOWN[f.start : f.end] for f in doubled] == ["the** the", "the the"]
    crossing, plain = doubled
    assert [s.applicability for s in crossing.suggestions] == [Applicability.DISPLAY_ONLY]
    assert [s.applicability for s in plain.suggestions] == [Applicability.SAFE]


HTML = (
    "<html><body><h1>Port workers end strike</h1>\n"
    "<p>Wages &amp; hours: troops fired in an accident between the two sides.</p>\n"
    "<p>The deal was signed by <b>the</b> the management, the union said.</p>\n"
    "</body></html>\n"
)


def test_html_findings_point_into_the_file_after_tags_and_entities() -> None:
    doc = document(HTML, "html")
    assert "Wages & hours" in doc.text
    findings = {f.rule: f for f in reported(doc)}
    accident, doubled = findings["TQ301"], findings["TQ202"]
    assert HTML[accident.start : accident.end] == "accident" and accident.text == "accident"
    assert accident.line == 2 and accident.column == HTML.splitlines()[1].index("accident") + 1
    assert HTML[doubled.start : doubled.end] == "the</b> the" == doubled.text
    assert [s.applicability for s in doubled.suggestions] == [Applicability.DISPLAY_ONLY]
    # Inside one stretch of text the lexicon's alternatives keep their own applicability.
    assert {s.applicability for s in accident.suggestions} == {Applicability.UNSAFE}


def test_to_source_on_plain_text_keeps_the_offsets() -> None:
    text = "First line.\nThe deal was signed by the the union.\n"
    doc = load_text(text, "en")
    start = text.index("the the")
    finding = made("TQ202", start, start + 7)
    finding = Finding(
        **{
            **{k: getattr(finding, k) for k in finding.__slots__},
            "suggestions": (Suggestion("the", start, start + 7),),
        }
    )
    placed = to_source(doc, finding)
    assert (placed.start, placed.end, placed.text) == (start, start + 7, "the the")
    assert (placed.line, placed.column) == (2, text.splitlines()[1].index("the the") + 1)
    assert placed.suggestions[0].applicability == Applicability.SAFE


def test_page_residue_in_markdown_can_be_deleted_by_fix() -> None:
    source = "# Port workers end strike\n\nThe strike at the port ended on Tuesday.\n\nLeave a Reply\n\nThe union was pleased.\n"
    (residue,) = [f for f in reported(document(source, "md")) if f.rule == "TQ101"]
    (deletion,) = residue.suggestions
    assert deletion.applicability == Applicability.SAFE
    # The line and one of the blank lines around it: the neighbours stay one blank line apart.
    assert source[deletion.start : deletion.end] == "Leave a Reply\n\n"


def test_page_residue_in_plain_text_is_deleted_safely() -> None:
    source = "Port workers end strike\n\nThe strike at the port ended on Tuesday.\n\nLeave a Reply\n\nThe union was pleased.\n"
    (residue,) = [f for f in reported(load_text(source, "en")) if f.rule == "TQ101"]
    (deletion,) = residue.suggestions
    assert (source[deletion.start : deletion.end], deletion.replacement) == ("Leave a Reply\n", "")
    assert deletion.applicability == Applicability.SAFE


# ---- suppression comments -----------------------------------------------------------------------

SUPPRESSED = """# Port workers end strike

The strike at the port ended on Tuesday after a deal on wages was reached with the union.

<!-- tqcheck: disable TQ101 -->

Leave a Reply

The deal was signed by the the management on Tuesday evening, the union said.

<!-- tqcheck: enable -->

Leave a Reply

<!-- tqcheck: disable -->

The deal was signed by the the board on Wednesday morning, the company said.

<!-- tqcheck: enable -->

The deal was signed by the the workers on Thursday, the newspaper said.
"""


def test_suppression_comments_switch_rules_off_in_their_region() -> None:
    doc = document(SUPPRESSED, "md")
    # Each finding with the rest of its line, so that the doubled words can be told apart.
    found = [(f.rule, SUPPRESSED[f.start :].split("\n")[0]) for f in reported(doc)]
    first_region = SUPPRESSED.index("<!-- tqcheck: disable TQ101")
    second_region = SUPPRESSED.index("<!-- tqcheck: disable -->")
    residue = [f for f in reported(doc) if f.rule == "TQ101"]
    assert [f.start for f in residue] == [SUPPRESSED.rindex("Leave a Reply")]  # after the region
    doubled_lines = [line for rule, line in found if rule == "TQ202"]
    # TQ202 was not named in the first region: still reported there.
    assert sum(line.startswith("the the management") for line in doubled_lines) == 1
    assert not any(line.startswith("the the board") for line in doubled_lines)  # no codes: all off
    assert any(line.startswith("the the workers") for line in doubled_lines)
    doubled = [f.start for f in reported(doc) if f.rule == "TQ202"]
    assert len(doubled) == 2 and first_region < doubled[0] < second_region < doubled[1]


def test_suppression_comments_in_html() -> None:
    page = (
        "<html><body><h1>Port workers end strike</h1>\n"
        "<p>The strike at the port ended on Tuesday after a deal on wages was reached.</p>\n"
        "<!-- tqcheck: disable TQ202 -->\n"
        "<p>The deal was signed by the the management on Tuesday, the union said.</p>\n"
        "<!-- tqcheck: enable -->\n"
        "<p>The deal was signed by the the workers on Thursday, the newspaper said.</p>\n"
        "</body></html>\n"
    )
    doubled = [f for f in reported(document(page, "html")) if f.rule == "TQ202"]
    assert [page[f.start : f.end + 8] for f in doubled] == ["the the workers"]


# ---- the configuration: severity and --min-confidence ------------------------------------------

ACCIDENT = (
    "Troops exchanged fire on the border in an accident between the two sides, and the the police left.\n"
)


def test_severity_override_from_settings() -> None:
    doc = load_text(ACCIDENT, "en")
    default = {f.rule: f.severity for f in reported(doc)}
    assert default == {"TQ202": Severity.MINOR, "TQ301": Severity.MINOR}
    changed = check_document(doc, Settings(lang="en", use_model=False, severity={"TQ202": Severity.MAJOR}))
    assert {f.rule: f.severity for f in changed.findings} == {
        "TQ202": Severity.MAJOR,
        "TQ301": Severity.MINOR,
    }
    assert changed.worst() == Severity.MAJOR
    assert changed.score < check_document(doc, Settings(lang="en", use_model=False)).score


@pytest.mark.parametrize(
    ("min_confidence", "alternatives"),
    [(0.0, ["incident", "clash"]), (0.55, ["incident", "clash"]), (0.58, ["incident"]), (0.9, [])],
)
def test_min_confidence_hides_weaker_suggestions(min_confidence: float, alternatives: list[str]) -> None:
    # Without a model the lexicon's alternatives have confidence 0.6 and 0.55, in its order.
    doc = load_text(ACCIDENT, "en")
    findings = {f.rule: f for f in reported(doc, min_confidence=min_confidence)}
    assert [s.replacement for s in findings["TQ301"].suggestions] == alternatives
    assert "TQ301" in findings  # the finding itself stays, with or without suggestions


class FakeScorer:
    name = "fake"

    def __init__(self, gains: dict[str, float]) -> None:
        self.gains = gains

    def score_texts(self, texts: Sequence[str]) -> list[TokenScores]:
        raise AssertionError("not needed by TQ301")

    def score_candidates(self, requests: Sequence[CandidateRequest]) -> list[list[CandidateScore]]:
        return [
            [CandidateScore(c, self.gains.get(c, 0.0), self.gains.get(c, 0.0)) for c in r.candidates]
            for r in requests
        ]

    def propose(self, left: str, right: str, count: int = 5) -> list[str]:
        return []


def test_min_confidence_with_a_model_keeps_what_it_clearly_prefers() -> None:
    doc = load_text(ACCIDENT, "en")
    scorer = FakeScorer({"incident": 4.0, "clash": 1.0})
    everything = check_document(doc, Settings(lang="en", select=("TQ301",)), scorer=scorer)
    confident = check_document(doc, Settings(lang="en", select=("TQ301",), min_confidence=0.7), scorer=scorer)
    (all_of_them,), (kept,) = everything.findings, confident.findings
    assert [s.replacement for s in all_of_them.suggestions] == ["incident", "clash"]
    assert [(s.replacement, s.applicability) for s in kept.suggestions] == [("incident", Applicability.SAFE)]
    assert kept.severity == Severity.MAJOR  # the verdict does not depend on the threshold


# ---- signature ----------------------------------------------------------------------------------


def test_signature_names_what_produced_the_numbers() -> None:
    rules = select(["TQ2"])
    text = signature(rules, None, 0.7)
    assert text.startswith(f"tqcheck:{__version__}|rules:{len(rules)}:")
    assert text.endswith("|model:none|min-conf:0.7")
    assert "|qe:" not in text


def test_signature_model_weights_and_head() -> None:
    rules = select(["TQ2"])
    assert "|model:gemma-3-270m|" in signature(rules, "gemma-3-270m", 0.7)
    assert "|model:gemma-3-270m@abc123|" in signature(rules, "gemma-3-270m", 0.7, weights="abc123")
    assert "|model:none|" in signature(rules, None, 0.7, weights="abc123")  # no model: no weights
    assert signature(rules, "m", 0.7, qe_digest="d1").endswith("|min-conf:0.7|qe:d1")


def test_signature_changes_with_the_rules_and_the_threshold() -> None:
    two, three = select(["TQ2"]), select(["TQ3"])
    assert signature(two, None, 0.7) != signature(three, None, 0.7)
    assert signature(two, None, 0.7) != signature(two, None, 0.8)
    same_count = select(["TQ201", "TQ202"]), select(["TQ201", "TQ203"])
    assert signature(same_count[0], None, 0.7) != signature(same_count[1], None, 0.7)


def test_signature_does_not_depend_on_the_order_rules_were_selected_in() -> None:
    one = Settings(select=("TQ202", "TQ101")).rules
    other = Settings(select=("TQ101", "TQ202")).rules
    assert signature(one, None, 0.0) == signature(other, None, 0.0)


# ---- suppression comments by rule name, next line, and unknown rules (issue 12) -----------------

NAMED = """# Port workers end strike

<!-- tqcheck: disable repeated-word -->
A deal with the the management was signed.
<!-- tqcheck: enable repeated-word -->

A deal with the the workers was signed.

Leave a Reply

<!-- tqcheck: disable-next-line TQ202 -->
A deal with the the board was signed.
A deal with the the owners was signed.

<!-- tqcheck: disable TQ1, TQ202 -->
Leave a Reply
<!-- tqcheck: enable TQ202 -->
A deal with the the unions was signed.

Leave a Reply
"""


def test_suppression_by_rule_name_and_next_line_is_scoped() -> None:
    doc = document(NAMED, "md")
    found = [(f.rule, NAMED[f.start :].split("\n")[0]) for f in reported(doc)]
    assert found == [
        ("TQ202", "the the workers was signed."),
        ("TQ101", "Leave a Reply"),  # a rule name switches off that rule, not every rule
        ("TQ202", "the the owners was signed."),  # disable-next-line: one line only
        ("TQ202", "the the unions was signed."),  # `enable TQ202` ends TQ202's region only
    ]


@pytest.mark.parametrize(
    "comment", ["<!-- tqcheck: disable TQ999 -->", "<!-- tqcheck: disable-next-line repeated-wrod -->"]
)
def test_unknown_rule_in_suppression_is_an_error(comment: str) -> None:
    with pytest.raises(
        TqcheckError, match=r"^x\.md: line 3: unknown rule '.*' in a tqcheck suppression comment"
    ):
        reported(document(f"# T\n\n{comment}\nText with the the word.\n", "md", path="x.md"))
