"""Tests that run the embedded model (Gemma 3 270M from the PyPI package), marked `model`.

The first test converts the GGUF into a fresh cache from two processes at once, which must
neither corrupt the cache nor convert twice; the other tests reuse that cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, run_cli
from tqcheck.languages import SUPPORTED

pytestmark = pytest.mark.model

ARTIFACTS = {
    "steadfast": "steadfast",
    "split name": "Nagorno region. Karabakh.",
    "lowercase heading": "calls for restraint",
    "literal heading": "Frequent accidents",
    "literal sense": "an accident between the two sides",
    "widget": "Google News Follow 1",
    "repeated title": "declare steadfast ceasefire after bloody clashes 2",
    "comment prompt": "Leave a Reply",
}


@pytest.fixture(scope="session")
def model_env(tmp_path_factory) -> dict[str, str]:
    """A fresh cache, filled by two `tqcheck score` runs started at the same moment."""
    cache = tmp_path_factory.mktemp("tqcheck-cache")
    env = {**os.environ, "TQCHECK_CACHE": str(cache)}
    article = cache.parent / "tiny.txt"
    article.write_text("The port reopened on Tuesday after a long strike.\n", encoding="utf-8")
    command = [sys.executable, "-m", "tqcheck", "score", str(article), "--lang", "en", "--format", "json"]
    runs = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=900)
        assert run.returncode == 0, err
        assert json.loads(out)["sentences"]
    models = [p for p in (cache / "models").iterdir() if not p.name.endswith(".lock")]
    assert [p.name for p in models] == ["gemma-3-270m"], models  # one model, no half-written folder
    assert (models[0] / "model.safetensors").stat().st_size > 100_000_000
    return {"TQCHECK_CACHE": str(cache)}


@pytest.fixture(scope="session")
def scorer(model_env):
    previous = os.environ.get("TQCHECK_CACHE")
    os.environ["TQCHECK_CACHE"] = model_env["TQCHECK_CACHE"]
    try:
        from tqcheck.lm import load_scorer

        yield load_scorer(None)
    finally:
        if previous is None:
            os.environ.pop("TQCHECK_CACHE", None)
        else:
            os.environ["TQCHECK_CACHE"] = previous


def _seed_json(model_env) -> tuple[str, dict]:
    if not SEED.exists():
        pytest.skip("the shared seed article is not present")
    result = run_cli("check", str(SEED), "--lang", "en", "--format", "json", env=model_env)
    assert result.returncode in (0, 1), result.stderr
    return SEED.read_text(encoding="utf-8"), json.loads(result.stdout)["files"][0]


def _finding_at(text: str, findings: list[dict], phrase: str) -> dict:
    start = text.index(phrase) if phrase != ARTIFACTS["repeated title"] else text.rindex(phrase)
    end = start + len(phrase)
    hits = [f for f in findings if f["start"] < end and start < f["end"]]
    assert hits, f"nothing flagged at {phrase!r}"
    return hits[0]


def test_seed_article_with_the_model(model_env) -> None:
    text, report = _seed_json(model_env)
    findings = report["findings"]
    first = {name: _finding_at(text, findings, phrase) for name, phrase in ARTIFACTS.items()}
    best = {
        name: (f["suggestions"][0]["replacement"] if f["suggestions"] else None) for name, f in first.items()
    }
    assert best["split name"].replace("‑", "-").startswith("Nagorno-Karabakh region"), best["split name"]
    assert "incidents" in best["literal heading"]
    assert "incident" in best["literal sense"]
    heading = first["lowercase heading"]["suggestions"][0]
    fixed = text[: heading["start"]] + heading["replacement"] + text[heading["end"] :]
    assert "\nCalls for restraint" in fixed  # one letter changed: the minimal edit
    assert "holding" in best["steadfast"], best["steadfast"]
    assert "Baku" not in "".join(f["text"] for f in findings)
    covered = {id(f) for f in first.values()}
    others = [f for f in findings if id(f) not in covered and f["severity"] == "major"]
    assert len(others) <= 2, others


def test_score_ranks_the_artifacts_among_the_most_surprising(model_env) -> None:
    if not SEED.exists():
        pytest.skip("the shared seed article is not present")
    result = run_cli("score", str(SEED), "--lang", "en", "--format", "json", "--top", "10", env=model_env)
    assert result.returncode == 0, result.stderr
    text = SEED.read_text(encoding="utf-8")
    top = json.loads(result.stdout)["surprising"]
    assert len(top) == 10
    spans = {}
    for name, phrase in ARTIFACTS.items():
        start = text.rindex(phrase) if name == "repeated title" else text.index(phrase)
        spans[name] = (start, start + len(phrase))
    hit = {
        name
        for name, (start, end) in spans.items()
        if any(i["start"] < end and start < i["end"] for i in top)
    }
    assert len(hit) >= 5, hit


def test_model_rule_examples(scorer) -> None:
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document
    from tqcheck.rules import ALL

    for rule in [r for r in ALL if "model" in r.needs]:
        for example in rule.examples:
            text, expected = example.plain()
            report = check_document(
                load_text(text, example.lang), Settings(lang=example.lang, select=(rule.code,)), scorer=scorer
            )
            spans = {(f.start, f.end) for f in report.findings if f.rule == rule.code}
            assert spans == set(expected), (rule.code, example.text, spans)


def test_model_only_lexicon_entries_are_confirmed_by_the_model(scorer) -> None:
    """Entries like "actuellement" (right as "currently") are reported only when the model agrees;
    their examples use the wrong sense, so the model must confirm them."""
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document
    from tqcheck.resources import language_data
    from tqcheck.rule import Example

    confirmed, total = 0, 0
    for lang in SUPPORTED:
        for entry in language_data(lang).confusions:
            if not entry.model_only:
                continue
            text, expected = Example(entry.example, lang).plain()
            report = check_document(
                load_text(text, lang), Settings(lang=lang, select=("TQ301",)), scorer=scorer
            )
            total += 1
            confirmed += any((f.start, f.end) == expected[0] for f in report.findings)
    assert total and confirmed / total >= 0.7, f"{confirmed}/{total}"


def test_model_only_lexicon_entries_stay_quiet_where_the_word_is_right(scorer) -> None:
    """The quiet sentence of a model-only entry uses the word in its right sense ("actuellement" =
    currently): the model must leave most of them alone (without a model they are never reported)."""
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document
    from tqcheck.resources import language_data

    reported, total = [], 0
    for lang in SUPPORTED:
        for entry in language_data(lang).confusions:
            if not entry.model_only or entry.wrong != entry.lemma:
                continue
            report = check_document(
                load_text(entry.quiet, lang), Settings(lang=lang, select=("TQ301",)), scorer=scorer
            )
            total += 1
            if report.findings:
                reported.append(entry.quiet)
    assert total and len(reported) / total <= 0.3, reported


def test_the_model_puts_a_name_reordered_around_a_noun_back_together(scorer) -> None:
    """A name split around its noun while the sentence goes on ("the Nagorno region Karabakh
    overnight") is reported only where the model reads the reordered name better; two rare names
    beside a noun that belongs to the first ("the Amhara region Fano fighters") stay quiet."""
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document

    def reordered(text: str, lang: str) -> list[str]:
        report = check_document(load_text(text, lang), Settings(lang=lang, select=("TQ201",)), scorer=scorer)
        return [text[f.start : f.end] for f in report.findings]

    assert reordered(
        "Fighting flared again in the Nagorno region Karabakh overnight, officials said.", "en"
    ) == ["Nagorno region Karabakh"]
    assert reordered("Столкновения в Нагорном регионе Карабах возобновились после затишья.", "ru") == [
        "Нагорном регионе Карабах"
    ]
    assert reordered("In the Amhara region Fano fighters clashed with federal troops on Sunday.", "en") == []


def test_corpus_fixes_with_the_model(scorer) -> None:
    """On the corpora, the checker finds most artifacts, and where it finds one its first suggestion
    equals the gold fix in most cases (one machine-translated article per language here, pooled:
    one article's dozen spans is too few to judge a language by; `tqcheck eval
    corpora/dev/gold.jsonl` runs all). Recall is asserted on its own, so the fixes are judged on
    the artifacts found."""
    from tqcheck.config import Settings
    from tqcheck.evaluate import evaluate, read_gold

    records = read_gold(ROOT / "corpora" / "dev" / "gold.jsonl")
    chosen = []
    for lang in SUPPORTED:
        mt = [r for r in records if r.lang == lang and r.spans and not r.source]
        chosen.append(mt[0])
    evaluation = evaluate(chosen, Settings(), scorer)
    pooled = evaluation.overall
    by_lang = {lang: counts.to_json() for lang, counts in evaluation.by_lang.items()}
    assert pooled.found and pooled.fix_equal / pooled.found >= 0.7, by_lang
    assert pooled.recall is not None and pooled.recall >= 0.8, by_lang


def test_model_from_environment_variable_and_missing_model(tmp_path: Path, model_env) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The port reopened on Tuesday.\n", encoding="utf-8")
    env = {**model_env, "TQCHECK_MODEL": str(tmp_path / "nowhere")}
    result = run_cli("check", str(article), "--lang", "en", env=env)
    assert result.returncode == 2 and "cannot load model" in result.stderr


def test_learned_quality_ranks_a_calqued_paragraph_below_a_fluent_one(scorer) -> None:
    """The shipped head on the embedded model: the `quality` score follows the errors, and TQ306
    reports spans that are exactly the file's text."""
    from tqcheck.config import Settings
    from tqcheck.document import load_text
    from tqcheck.engine import check_document

    calqued = (
        "The president made a visit of work to the capital, where he met with the responsibles of "
        "the ministry. The police arrested three persons suspected to be implicated in the robbery."
    )
    fluent = (
        "The president paid a working visit to the capital, where he met ministry officials. "
        "The police arrested three people suspected of involvement in the robbery."
    )
    # French calques in English: a non-word and a false friend.
    flagged = "The authorities have proceeded to the arrestation of three suspects in the affair."
    settings = Settings(lang="en", select=("TQ306",))
    reports = [
        check_document(load_text(text, "en"), settings, scorer=scorer) for text in (calqued, fluent, flagged)
    ]
    assert all(r.quality is not None for r in reports)
    assert reports[0].quality < reports[1].quality, [r.quality for r in reports]
    assert reports[2].findings, "nothing flagged in the calqued sentence"
    assert any(f.text == "arrestation" for f in reports[2].findings)
    for finding in reports[0].findings + reports[2].findings:
        text = reports[0].doc.text if finding in reports[0].findings else flagged
        assert finding.text == text[finding.start : finding.end]
        assert finding.evidence.probability is not None and 0 < finding.evidence.probability < 1
