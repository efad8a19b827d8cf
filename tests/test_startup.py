"""What a short rules-only check loads (issues 13 and 15): only the language it checks, spaCy
without its command line, and the language identifier from an uncompressed cache that ranks
exactly as py3langid's own model does. Speed is measured by bench/check_speed.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from tqcheck import languages


def _fresh_python(code: str, env_cache: Path) -> dict:
    """Run `code` in a new interpreter (nothing loaded by other tests) and read its JSON line."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={"TQCHECK_CACHE": str(env_cache), "PATH": "/usr/bin:/bin", "HOME": str(env_cache)},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_checking_an_english_article_loads_no_other_languages_data(tmp_path: Path) -> None:
    report = _fresh_python(
        """
        import gc, json, sys
        from tqcheck import resources
        from tqcheck.api import check
        from tqcheck.document import segment
        text = open("corpora/dev/en/mt-port-strike.txt", encoding="utf-8").read()
        check(text, lang="en", model=False)
        import wordfreq
        print(json.dumps({
            "pipelines": sorted(sys.modules["tqcheck.document.segment"]._PIPELINES),
            "data": sorted({o.lang for o in gc.get_objects() if isinstance(o, resources.LanguageData)}),
            "jieba": "jieba" in sys.modules,
        }))
        """,
        tmp_path,
    )
    assert report["pipelines"] == ["en"]
    assert report["data"] == ["en"]
    assert not report["jieba"]  # Chinese word segmentation is Chinese data


def test_spacy_is_loaded_without_its_command_line(tmp_path: Path) -> None:
    report = _fresh_python(
        """
        import json, sys
        from tqcheck.document.segment import pipeline
        words = [t.text for t in pipeline("en")("The port reopened. Trade resumed.")]
        cli_loaded = sorted(m for m in ("weasel", "spacy.cli", "httpx", "requests") if m in sys.modules)
        import spacy.cli  # still importable afterwards, for whoever wants it
        print(json.dumps({"words": words, "cli": cli_loaded, "info": callable(spacy.cli.info)}))
        """,
        tmp_path,
    )
    assert report["words"] == ["The", "port", "reopened", ".", "Trade", "resumed", "."]
    assert report["cli"] == []
    assert report["info"]


SAMPLES = [
    "The port reopened on Tuesday after a long strike.",
    "Le port a rouvert mardi après une longue grève.",
    "Der Hafen wurde am Dienstag nach einem langen Streik wieder geöffnet.",
    "El puerto reabrió el martes tras una larga huelga.",
    "O porto reabriu na terça-feira depois de uma longa greve.",
    "Порт возобновил работу во вторник после долгой забастовки.",
    "أعيد فتح الميناء يوم الثلاثاء بعد إضراب طويل.",
    "港口在长时间罢工后于周二重新开放。",
    "Pashinyan Aliyev Michel Brussels",
    "12 345,6 %",
]


def test_cached_identifier_ranks_exactly_as_py3langid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE, norm_probs=True)
    reference.set_languages(sorted(languages.SOURCE_LANGUAGES))
    texts = SAMPLES + [
        p.read_text(encoding="utf-8")[:2000] for p in sorted(ROOT.glob("corpora/dev/*/mt-*.txt"))
    ]
    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path))
    for attempt in ("builds the cache", "reads the cache"):
        languages._identifier.cache_clear()
        try:
            identifier = languages._identifier()
            for text in texts:
                assert identifier.rank(text) == reference.rank(text), (attempt, text)
        finally:
            languages._identifier.cache_clear()
        assert list((tmp_path / "langid").glob("*.npz")), attempt


def test_an_unwritable_cache_still_identifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("TQCHECK_CACHE", str(blocker))
    languages._identifier.cache_clear()
    try:
        assert languages.identify("Le port a rouvert mardi après une longue grève.")[0] == "fr"
    finally:
        languages._identifier.cache_clear()


def test_a_damaged_identifier_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path))
    languages._identifier.cache_clear()
    try:
        languages._identifier()
        (cached,) = (tmp_path / "langid").glob("*.npz")
        cached.write_bytes(cached.read_bytes()[:1000])  # a copy cut short
        languages._identifier.cache_clear()
        assert languages.identify("Der Hafen wurde am Dienstag wieder geöffnet.")[0] == "de"
        assert cached.stat().st_size > 1000
    finally:
        languages._identifier.cache_clear()
