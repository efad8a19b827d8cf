"""Source-aware checks on the source/translation pairs of corpora/ (issue: every planted number
change, dropped sentence, untranslated sentence and missing name is flagged, citing the source)."""

from __future__ import annotations

import pytest

from tests.conftest import CORPORA
from tqcheck.config import Settings
from tqcheck.evaluate import check_record, read_gold

SOURCE_RULES = {"TQ701", "TQ702", "TQ703", "TQ704"}


@pytest.fixture(scope="module")
def pairs():
    records = [r for r in read_gold(CORPORA / "dev" / "gold.jsonl") if r.source]
    return [(record, check_record(record, Settings(use_model=False), None)) for record in records]


def test_the_pairs_cover_four_language_pairs_including_an_arabic_source(pairs) -> None:
    languages = {(r.source_lang, r.lang) for r, _ in pairs}
    assert len(languages) >= 4 and any(source == "ar" for source, _ in languages)
    assert all(any(r.clean for r, _ in pairs if (r.source_lang, r.lang) == pair) for pair in languages)


def test_every_planted_accuracy_error_is_flagged_with_the_source_cited(pairs) -> None:
    missing = []
    for record, findings in pairs:
        for span in record.spans:
            hits = [
                f
                for f in findings
                if f.start < span["end"] and span["start"] < f.end and f.rule in SOURCE_RULES
            ]
            cited = [
                f for f in hits if "“" in f.message and ("Source:" in f.message or "counterpart" in f.message)
            ]
            if not cited:
                missing.append(f"{record.id}: {span['text'][:60]!r}")
    assert not missing, "\n".join(missing)


def test_clean_pairs_have_no_major_finding(pairs) -> None:
    majors = [
        f"{r.id}: {f.rule} {f.text[:50]!r}"
        for r, findings in pairs
        if r.clean
        for f in findings
        if f.severity in ("major", "critical")
    ]
    assert not majors, "\n".join(majors)
