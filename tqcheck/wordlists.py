"""wordfreq's word lists, read through a cache of small lookups instead of whole dictionaries.

wordfreq answers a frequency question by building the language's whole dictionary first: 300,000
to 600,000 words decompressed and inserted, 0.1 to 0.5 s per language and process, while an
article asks about a few hundred words. `install()` has wordfreq read its dictionaries from an
SQLite file per list in the cache folder instead, written once from wordfreq's own data (keyed by
wordfreq's version and the data file's size and time, rebuilt when missing or damaged). The
words and their frequency bands are wordfreq's, looked up by wordfreq's own code, so every answer
is the same; where the cache cannot be written, wordfreq builds its dictionary as before.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, lru_cache, partial
from pathlib import Path
from types import ModuleType
from typing import Any

# How many words of each list, in wordfreq's order, the cache keeps for top_n (frequent_words).
TOP = 1000
# The layout of a cache file; a new layout is a new name, so an old file is never misread.
LAYOUT = 1
# A lookup costs about 10-20 µs, building a whole dictionary 0.1-0.5 s: after this many distinct
# words in one process (a long run over many files) the whole dictionary is built after all.
SWITCH = 10_000
# Words per query of FrequencyTable.fetch_ahead (SQLite allows 32,766 parameters since 3.32).
FETCH_BATCH = 500


class FrequencyTable(Mapping[str, float]):
    """A read-only mapping of word → frequency, answered from the cache file."""

    def __init__(self, path: Path, to_frequency: Any, whole: Any = None) -> None:
        self.path = path
        self._to_frequency = to_frequency  # wordfreq's cB_to_freq: the same floats as its dict
        self._whole = whole  # builds wordfreq's own dictionary, for after SWITCH lookups
        self._built: dict[str, float] | None = None
        self._lookups = 0
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        # Every word asked or fetched ahead, with its answer (None: not in the list). wordfreq
        # asks `in` and then `[]` for the same word, and articles repeat words.
        self._known: dict[str, float | None] = {}

    def _query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        if self._connection is None or self._pid != os.getpid():  # not across a fork
            self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._connection.execute(sql, args).fetchall()

    def _lookup(self, word: str) -> float | None:
        if self._built is not None:
            return self._built.get(word)
        try:
            return self._known[word]
        except KeyError:
            pass
        self._lookups += 1
        if self._lookups > SWITCH and self._whole is not None:
            self._built = self._whole()
            self._known = {}
            return self._built.get(word)
        rows = self._query("SELECT band FROM words WHERE word = ?", word)
        value = self._to_frequency(-rows[0][0]) if rows else None
        self._known[word] = value
        return value

    def fetch_ahead(self, words: Iterable[str]) -> None:
        """Look up many words in a few queries, for the lookups that follow: a query per word
        costs 8-14 µs, a word in a batch about 2 µs. The answers are the same rows'."""
        if self._built is not None:
            return
        wanted = [word for word in dict.fromkeys(words) if word not in self._known]
        self._lookups += len(wanted)  # they count towards SWITCH as single lookups would
        for start in range(0, len(wanted), FETCH_BATCH):
            batch = wanted[start : start + FETCH_BATCH]
            marks = ",".join("?" * len(batch))
            found = dict(self._query(f"SELECT word, band FROM words WHERE word IN ({marks})", *batch))
            for word in batch:
                band = found.get(word)
                self._known[word] = None if band is None else self._to_frequency(-band)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> float:
        value = self._lookup(word) if isinstance(word, str) else None
        if value is None:
            raise KeyError(word)
        return value

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._query("SELECT word FROM words"))

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM words")[0][0])

    def top(self, n: int) -> list[str] | None:
        """The first n words of the list in wordfreq's order, or None beyond what is kept."""
        return (
            None
            if n > TOP
            else [row[0] for row in self._query("SELECT word FROM top ORDER BY rank LIMIT ?", n)]
        )


def wordfreq_module(lang: str = "") -> ModuleType:
    """wordfreq, with what `lang`'s lookups import (its Chinese tokenizer), imported on a thread
    of its own the first time.

    wordfreq finds its data folder with `locate.this_dir()`, which calls `inspect.stack()`: it
    reads the source lines of every frame on the caller's stack and looks up each frame's
    module. Under the command line (30 to 40 frames of typer, click and tqcheck) that cost 40 ms
    a process, and 30 ms more for Chinese; a new thread's stack is a few frames deep. The module
    is the same either way."""
    wordfreq = _import_on_a_new_thread("wordfreq")
    if lang and "wordfreq.chinese" not in sys.modules:
        from wordfreq.language_info import get_language_info

        if get_language_info(lang)["tokenizer"] == "jieba":
            _import_on_a_new_thread("wordfreq.chinese")
    return wordfreq


def _import_on_a_new_thread(name: str) -> ModuleType:
    if name not in sys.modules:
        failures: list[BaseException] = []

        def load() -> None:
            try:
                importlib.import_module(name)
            except BaseException as error:  # raised again on the caller's thread
                failures.append(error)

        thread = threading.Thread(target=load, name=f"import {name}")
        thread.start()
        thread.join()
        if failures:
            raise failures[0]
    return sys.modules[name]


def _data_file(lang: str, wordlist: str) -> Path | None:
    wordfreq = wordfreq_module()
    path = wordfreq.available_languages(wordlist).get(lang)
    return Path(path) if path else None


@lru_cache(maxsize=64)
def table(lang: str, wordlist: str = "best") -> FrequencyTable | None:
    """The cached list for a language wordfreq has a list for under that exact code, or None
    (another code, or a cache that cannot be written: wordfreq's own dictionary then)."""
    from tqcheck.lm import cache_dir

    data = _data_file(lang, wordlist)
    if data is None:
        return None
    status = data.stat()
    wordfreq = wordfreq_module()
    version = getattr(wordfreq, "__version__", None) or _version()
    path = (
        cache_dir()
        / "wordfreq"
        / f"{LAYOUT}-{version}-{data.name}-{status.st_size}-{status.st_mtime_ns}.sqlite"
    )
    frequencies = FrequencyTable(path, wordfreq.cB_to_freq, partial(_wordfreq_own, lang, wordlist))
    try:
        frequencies.top(1)
        return frequencies
    except sqlite3.Error:  # missing or damaged: written again below
        pass
    if not _build(path, wordfreq.read_cBpack(str(data))):
        return None
    frequencies._connection = None
    try:
        frequencies.top(1)
    except sqlite3.Error:
        return None
    return frequencies


def _wordfreq_own(lang: str, wordlist: str) -> dict[str, float]:
    """wordfreq's own dictionary, built whole, whether or not install() replaced its function."""
    import wordfreq

    own = getattr(wordfreq.get_frequency_dict, "wordfreq_own", wordfreq.get_frequency_dict)
    return own(lang, wordlist)


@cache  # reading the installed package's metadata costs 5 ms, asked once per list
def _version() -> str:
    from importlib.metadata import version

    return version("wordfreq")


def _build(path: Path, bands: list[list[str]]) -> bool:
    """Write the list's words with their band (a later band wins, as in wordfreq's dictionary),
    and its first TOP words as top_n_list picks them, to a temporary file renamed into place.
    False when it cannot be written."""
    from wordfreq.numbers import has_digit_sequence

    top = [word for words in bands for word in words if not has_digit_sequence(word)][:TOP]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".wordfreq-", suffix=".sqlite", dir=path.parent)
        os.close(handle)
    except OSError:
        return False
    try:
        with sqlite3.connect(temporary) as connection:
            connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, band INTEGER) WITHOUT ROWID")
            connection.execute("CREATE TABLE top (rank INTEGER PRIMARY KEY, word TEXT)")
            connection.executemany(
                "INSERT OR REPLACE INTO words VALUES (?, ?)",
                ((word, band) for band, words in enumerate(bands) for word in words),
            )
            connection.executemany("INSERT INTO top VALUES (?, ?)", enumerate(top))
        connection.close()
        os.replace(temporary, path)
        return True
    except (OSError, sqlite3.Error):
        Path(temporary).unlink(missing_ok=True)
        return False


_installed = False


def install() -> None:
    """Have wordfreq's frequency lookups read the cached lists (once per process)."""
    global _installed
    if _installed:
        return
    wordfreq = wordfreq_module()
    original = wordfreq.get_frequency_dict

    @cache
    def get_frequency_dict(
        lang: str, wordlist: str = "best", match_cutoff: None = None
    ) -> Mapping[str, float]:
        cached = table(lang, wordlist) if match_cutoff is None else None
        return cached if cached is not None else original(lang, wordlist, match_cutoff)

    get_frequency_dict.wordfreq_own = original  # type: ignore[attr-defined]
    # wordfreq's word_frequency looks the function up in its module at each call.
    wordfreq.get_frequency_dict = get_frequency_dict
    _installed = True


def top_n(lang: str, n: int) -> list[str]:
    """wordfreq's top_n_list(lang, n): from the cache where it holds it."""
    cached = table(lang)
    words = cached.top(n) if cached is not None else None
    if words is not None:
        return words
    from wordfreq import top_n_list

    return top_n_list(lang, n)


@lru_cache(maxsize=32)
def top_words(lang: str, n: int) -> frozenset[str]:
    """The language's n most frequent words as a set (articles, prepositions, auxiliaries), kept
    per process: rules ask for it on every article."""
    return frozenset(top_n(lang, n))
