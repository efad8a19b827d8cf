"""Every rule's embedded examples, and every lexicon entry's example, run as tests (LanguageTool's
way): a marked span must be reported exactly there, unmarked text must stay quiet, and `fixed` must
be the text after applying the first suggestion of each finding."""

from __future__ import annotations

import pytest

from tqcheck.config import Settings
from tqcheck.context import CheckContext
from tqcheck.document import load_text
from tqcheck.engine import check_document
from tqcheck.findings import FixAvailability
from tqcheck.fixer import apply_suggestions
from tqcheck.languages import SUPPORTED
from tqcheck.resources import _word_pattern, available_pairs, language_data, pair_confusions
from tqcheck.rule import Example, Rule
from tqcheck.rules import ALL, LiteralSense

# Rules that need the model run their examples in tests/test_model.py.
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{i}-{example.lang}")
    for rule in ALL
    if "model" not in rule.needs
    for i, example in enumerate(rule.examples)
]


def findings_of(rule: type[Rule], example: Example, source_lang: str | None = None):
    text, _ = example.plain()
    doc = load_text(text, example.lang)
    glossary = None
    if example.glossary:
        import tempfile
        from pathlib import Path

        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as handle:
            handle.write("lang\tpreferred\tforbidden\n" + example.glossary + "\n")
        glossary = Path(handle.name)
    settings = Settings(
        lang=example.lang,
        select=(rule.code,),
        use_model=False,
        glossary=glossary,
        source_lang=source_lang or example.source_lang,
    )
    source = load_text(example.source, example.source_lang) if example.source else None
    report = check_document(doc, settings, source=source)
    return text, [f for f in report.findings if f.rule == rule.code]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(rule: type[Rule], example: Example) -> None:
    text, expected = example.plain()
    text, findings = findings_of(rule, example)
    got = sorted({(f.start, f.end) for f in findings})
    assert got == sorted(expected), (
        f"{rule.code} on {example.text!r}: expected spans "
        f"{[text[s:e] for s, e in expected]}, got {[text[s:e] for s, e in got]}"
    )
    if example.fixed is not None:
        fixed = apply_suggestions(text, [f.suggestions[0] for f in findings if f.suggestions])
        assert fixed == example.fixed
    # What `tqcheck rules` says about the rule's fixes holds on its examples.
    if rule.fix_availability == FixAvailability.ALWAYS:
        assert all(f.suggestions for f in findings), f"{rule.code} declares a fix for every finding"
    elif rule.fix_availability == FixAvailability.NEVER:
        assert not any(f.suggestions for f in findings), f"{rule.code} declares it never fixes"


def test_every_rule_has_docs_and_both_kinds_of_example() -> None:
    for rule in ALL:
        doc = rule.doc()
        for section in ("## What it does", "## Why is this bad?", "## Fix safety"):
            assert section in doc, f"{rule.code} lacks {section!r}"
        assert any(e.is_bad for e in rule.examples), f"{rule.code} has no example it flags"
        assert any(not e.is_bad for e in rule.examples), f"{rule.code} has no example it leaves alone"


def test_rule_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in ALL]
    names = [r.name for r in ALL]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert codes == sorted(codes), "the rule table is in code order"
    for rule in ALL:
        assert rule.code[:2] == "TQ" and rule.code[2:].isdigit() and len(rule.code) == 5
        assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name


def lexicon_cases():
    """One case per lexicon entry (all its forms), in every language and language pair."""
    for lang in SUPPORTED:
        for entry in _entries(language_data(lang).confusions):
            yield pytest.param(lang, None, entry, id=f"{lang}:{entry.wrong}")
    for source, target in available_pairs():
        for entry in _entries(pair_confusions(source, target)):
            yield pytest.param(target, source, entry, id=f"{source}-{target}:{entry.wrong}")


def _entries(forms):
    """The first form of each entry: the example and the quiet sentence are the entry's."""
    return [form for form in forms if form.wrong == form.lemma]


@pytest.mark.parametrize(("lang", "source_lang", "entry"), list(lexicon_cases()))
def test_lexicon_entry_example(lang: str, source_lang: str | None, entry) -> None:
    """Each entry's example marks the span the entry must flag, with its first alternative as fix."""
    assert entry.example.count("[[") == 1, f"{entry.wrong!r}: the example must mark one span with [[...]]"
    example = Example(entry.example, lang, source_lang=source_lang)
    text, expected = example.plain()
    _, findings = findings_of(LiteralSense, example, source_lang)
    spans = {(f.start, f.end) for f in findings}
    if entry.model_only:
        # Its right sense is as common as the wrong one: without a model it must stay quiet
        # (tests/test_model.py checks that the model flags the example).
        assert not set(expected) & spans, f"model-only {entry.wrong!r} reported without a model"
    else:
        assert set(expected) <= spans, f"{entry.wrong!r} not flagged in {text!r}"


@pytest.mark.parametrize(("lang", "source_lang", "entry"), list(lexicon_cases()))
def test_lexicon_entry_stays_quiet(lang: str, source_lang: str | None, entry) -> None:
    """Each entry's quiet sentence, where the word is right (or a near miss of a calque), draws no
    lexicon finding. An entry that a context decides must show one of its forms there: otherwise
    the sentence would not test the context."""
    if entry.context:
        assert any(_word_pattern(form, entry.spaced).search(entry.quiet) for form in entry.forms), (
            f"{entry.where}: the quiet sentence of {entry.wrong!r} shows none of its forms"
        )
    example = Example(entry.quiet, lang, source_lang=source_lang)
    _, findings = findings_of(LiteralSense, example, source_lang)
    assert not findings, f"{entry.where}: {[f.message for f in findings]} in the quiet {entry.quiet!r}"


def test_every_entry_has_a_quiet_sentence() -> None:
    for _, _, entry in (case.values for case in lexicon_cases()):
        assert entry.quiet, f"{entry.where}: {entry.wrong!r} has no quiet sentence"


def test_every_language_has_its_data_files() -> None:
    for lang in SUPPORTED:
        data = language_data(lang)
        assert data.locale.get("scripts"), f"{lang}: locale.toml names no script"
        assert data.residue_patterns and data.widget_words, f"{lang}: residue.toml is empty"
        assert data.confusions, f"{lang}: confusions.tsv is empty"
        assert isinstance(CheckContext.for_document(load_text("x", lang)).data.cased, bool)
