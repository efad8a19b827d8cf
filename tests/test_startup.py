"""What a short rules-only check loads (issues 13 and 15): only the language it checks, spaCy
without its command line, and the language identifier from an uncompressed cache that ranks
exactly as py3langid's own model does. Speed is measured by bench/check_speed.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
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


def test_a_cut_transition_table_is_rebuilt_and_ranks_as_py3langid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE, norm_probs=True)
    reference.set_languages(sorted(languages.SOURCE_LANGUAGES))
    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path))
    languages._identifier.cache_clear()
    try:
        languages._identifier()
        (table,) = (tmp_path / "langid").glob("*.nextmove-*")
        size = table.stat().st_size
        table.write_bytes(table.read_bytes()[: size // 2])  # a copy cut short
        languages._identifier.cache_clear()
        identifier = languages._identifier()  # rebuilt from py3langid's model
        assert table.stat().st_size == size
        languages._identifier.cache_clear()
        mapped = languages._identifier()  # read from the rebuilt cache
        assert isinstance(mapped.tk_nextmove, memoryview)
        for text in SAMPLES:
            assert identifier.rank(text) == mapped.rank(text) == reference.rank(text), text
    finally:
        languages._identifier.cache_clear()


def _wordfreq_reference(lang: str, wordlist: str) -> dict[str, float]:
    """wordfreq's own dictionary, whether or not tqcheck's lookups are installed."""
    import wordfreq

    own = getattr(wordfreq.get_frequency_dict, "wordfreq_own", wordfreq.get_frequency_dict)
    return own(lang, wordlist)


@pytest.fixture
def word_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from tqcheck import wordlists

    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path))
    wordlists.table.cache_clear()
    yield tmp_path / "wordfreq"
    wordlists.table.cache_clear()


def test_cached_word_lists_answer_exactly_as_wordfreq(word_cache: Path) -> None:
    import wordfreq

    from tqcheck import wordlists

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("corpora/dev/de/*.txt"))[:4])
    words = set(text.split()) | {"Nigeria", "xqzvw", "2024", "", "the"}
    for wordlist in ("small", "best"):
        reference = _wordfreq_reference("de", wordlist)
        table = wordlists.table("de", wordlist)
        assert table is not None and table.path.parent == word_cache
        for word in words:
            assert (word in table) == (word in reference), word
            if word in reference:
                assert table[word] == reference[word], word
        assert len(table) == len(reference)
    assert wordlists.top_n("de", 200) == wordfreq.top_n_list("de", 200)
    # Through wordfreq's own lookup, after install(): the same Zipf figures as before.
    before = [wordfreq.zipf_frequency(w, "de") for w in sorted(words)]
    wordlists.install()
    assert [wordfreq.zipf_frequency(w, "de") for w in sorted(words)] == before


def test_a_damaged_word_list_cache_is_rebuilt(word_cache: Path) -> None:
    from tqcheck import wordlists

    assert wordlists.table("pt", "small") is not None
    (cached,) = word_cache.glob("*small_pt*.sqlite")
    cached.write_bytes(b"not a database" * 100)
    wordlists.table.cache_clear()
    table = wordlists.table("pt", "small")
    assert table is not None and "de" in table
    assert cached.read_bytes()[:15] == b"SQLite format 3"


def test_a_word_list_cache_follows_its_data_file(
    word_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    import msgpack

    from tqcheck import wordlists

    data = tmp_path / "small_xx.msgpack.gz"

    def write(bands: list[list[str]]) -> None:
        data.write_bytes(gzip.compress(msgpack.packb([{"format": "cB", "version": 1}, *bands])))

    monkeypatch.setattr(wordlists, "_data_file", lambda lang, wordlist: data)
    write([[], ["alpha"], ["beta"]])
    assert "alpha" in wordlists.table("xx", "small") and "gamma" not in wordlists.table("xx", "small")
    write([[], ["gamma"], ["beta"], ["delta"]])  # another size: another key
    wordlists.table.cache_clear()
    table = wordlists.table("xx", "small")
    assert "gamma" in table and "alpha" not in table
    assert len(list(word_cache.glob("*small_xx*.sqlite"))) == 2


def test_an_unwritable_word_list_cache_falls_back_to_wordfreq(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tqcheck import wordlists

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("TQCHECK_CACHE", str(blocker))
    wordlists.table.cache_clear()
    try:
        assert wordlists.table("en", "small") is None
        assert wordlists.top_n("en", 3) == ["the", "to", "and"]
    finally:
        wordlists.table.cache_clear()


def test_words_fetched_ahead_answer_as_lookups_one_by_one(
    word_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tqcheck import wordlists

    monkeypatch.setattr(wordlists, "FETCH_BATCH", 3)  # several queries
    reference = _wordfreq_reference("fr", "small")
    words = ["de", "la", "grève", "xqzvw", "Paris", "", "de", "syndicat", "port", "zzz"]
    fetched = wordlists.table("fr", "small")
    fetched.fetch_ahead(words)
    wordlists.table.cache_clear()
    single = wordlists.table("fr", "small")
    assert single is not fetched
    assert (
        [fetched.get(w) for w in words] == [single.get(w) for w in words] == [reference.get(w) for w in words]
    )
    assert fetched._lookups == len(set(words))  # fetched words count towards SWITCH


def test_wordfreq_imported_on_a_thread_is_the_module_and_its_errors_reach_the_caller() -> None:
    import wordfreq

    from tqcheck import wordlists

    assert wordlists.wordfreq_module("zh") is wordfreq
    assert "wordfreq.chinese" in sys.modules  # what Chinese lookups import
    with pytest.raises(ModuleNotFoundError):
        wordlists._import_on_a_new_thread("tqcheck_no_such_module")


def test_jieba_reads_its_dictionary_cache_whole_into_the_same_dictionary(tmp_path: Path) -> None:
    from tqcheck.document.segment import import_jieba

    jieba = import_jieba()
    written = jieba.Tokenizer()
    written.tmp_dir = str(tmp_path)
    written.initialize()  # from jieba's dictionary file, writing the cache
    (cache,) = tmp_path.glob("jieba*.cache")
    read = jieba.Tokenizer()
    read.tmp_dir = str(tmp_path)
    read.initialize()  # from the cache, read whole
    assert (read.FREQ, read.total) == (written.FREQ, written.total)
    assert read.lcut("里纳尔迪今天来到北京。") == written.lcut("里纳尔迪今天来到北京。")
    assert cache.stat().st_size > 0 and jieba.marshal.load.__qualname__.startswith("_WholeFileMarshal")


def test_remembered_character_classes_compile_to_the_same_code() -> None:
    from re import _compiler, _parser

    from tqcheck.document.segment import _charsets_memoised

    letters = "a-zà-öø-ÿа-яё\u0600-\u06ff"
    pattern = "(?iu)" + "|".join(f"(?:^{word}[-‐][{letters}]+$)" for word in ("ab", "cd", "éf", "жи"))
    tree = _parser.parse(pattern, 0)
    plain = _compiler._code(tree, tree.state.flags)
    tree = _parser.parse(pattern, 0)
    with _charsets_memoised():
        remembered = _compiler._code(tree, tree.state.flags)
    assert remembered == plain
    assert _compiler._optimize_charset.__name__ == "_optimize_charset"  # put back afterwards


def test_jobs_hand_each_language_to_one_worker_unless_it_outgrows_a_share() -> None:
    from tqcheck.runner import _language_runs

    hints = ["en"] * 12 + ["fr"] * 3 + ["de"] * 2 + ["en"] * 3
    runs = _language_runs([Path(str(i)) for i in range(len(hints))], hints, jobs=2)
    assert sorted(i for run in runs for i in run) == list(range(len(hints)))
    assert all(len({hints[i] for i in run}) == 1 for run in runs)
    assert runs[:2] == [[12, 13, 14], [15, 16]]  # fr and de whole, the longest first
    assert len(runs) > 3  # en, with more than half of the files, cut into short runs after them


def test_jobs_hand_out_a_language_with_a_costly_load_first() -> None:
    from tqcheck.runner import _language_runs

    # Chinese loads jieba and pypinyin (a second): its few files go first, not last.
    hints = ["en"] * 6 + ["zh"] * 2 + ["fr"] * 4
    runs = _language_runs([Path(str(i)) for i in range(len(hints))], hints, jobs=2)
    assert runs == [[6, 7], list(range(6)), [8, 9, 10, 11]]


LONG = (
    "(?iu)"
    + "|".join(f"(?:^{w}[-‐][a-zà-öø-ÿа-яё]+$)" for w in ["ab", "cd", "éf", "жи"] * 60)
    + "|(?P<year>\\d{4})"
)


def test_a_long_pattern_compiled_from_the_cache_is_res_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marshal
    import re
    from re import _compiler, _parser

    from tqcheck.document.segment import LONG_PATTERN, _patterns_remembered

    assert len(LONG) >= LONG_PATTERN
    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path))
    reference = re.compile(LONG)
    compiled = []
    for _ in ("compiles and keeps the code", "builds the pattern from the kept code"):
        re.purge()
        with _patterns_remembered():
            compiled.append(re.compile(LONG))
    (kept,) = (tmp_path / "patterns").glob("*.marshal")
    tree = _parser.parse(LONG, 0)
    assert marshal.loads(kept.read_bytes())[1] == _compiler._code(tree, tree.state.flags)
    samples = ["ab-cdé", "ÉF-ÿa", "жи-жи", "cd-", "in 2024", "xy-ab"]
    for pattern in compiled:
        assert (pattern.pattern, pattern.flags, pattern.groups) == (LONG, reference.flags, reference.groups)
        assert pattern.groupindex == reference.groupindex
        assert [bool(pattern.search(s)) for s in samples] == [bool(reference.search(s)) for s in samples]
    assert _compiler.compile.__name__ == "compile"  # put back afterwards


def test_a_damaged_pattern_cache_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from tqcheck.document.segment import _patterns_remembered

    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path))
    re.purge()
    with _patterns_remembered():
        re.compile(LONG)
    (kept,) = (tmp_path / "patterns").glob("*.marshal")
    size = kept.stat().st_size
    kept.write_bytes(kept.read_bytes()[: size // 2])  # cut short
    re.purge()
    with _patterns_remembered():
        assert re.compile(LONG).search("in 2024")
    assert kept.stat().st_size == size


def test_a_long_run_switches_to_the_whole_dictionary_with_the_same_answers(
    word_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tqcheck import wordlists

    monkeypatch.setattr(wordlists, "SWITCH", 5)
    reference = _wordfreq_reference("es", "small")
    table = wordlists.table("es", "small")
    words = ["de", "la", "huelga", "puerto", "xqzvw", "Madrid", "el", "que", "trabajadores", "zzz"]
    assert [table.get(w) for w in words] == [reference.get(w) for w in words]
    assert table._built is not None  # built after five lookups
