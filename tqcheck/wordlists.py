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

import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

# How many words of each list, in wordfreq's order, the cache keeps for top_n (frequent_words).
TOP = 1000
# The layout of a cache file; a new layout is a new name, so an old file is never misread.
LAYOUT = 1
# A lookup costs about 10-20 µs, building a whole dictionary 0.1-0.5 s: after this many distinct
# words in one process (a long run over many files) the whole dictionary is built after all.
SWITCH = 10_000


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
        self._last: tuple[str, float | None] = ("", None)

    def _query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        if self._connection is None or self._pid != os.getpid():  # not across a fork
            self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._connection.execute(sql, args).fetchall()

    def _lookup(self, word: str) -> float | None:
        if self._built is not None:
            return self._built.get(word)
        if self._last[0] == word and word:  # wordfreq asks `in`, then `[]`, for the same word
            return self._last[1]
        self._lookups += 1
        if self._lookups > SWITCH and self._whole is not None:
            self._built = self._whole()
            return self._built.get(word)
        rows = self._query("SELECT band FROM words WHERE word = ?", word)
        value = self._to_frequency(-rows[0][0]) if rows else None
        self._last = (word, value)
        return value

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


def _data_file(lang: str, wordlist: str) -> Path | None:
    import wordfreq

    path = wordfreq.available_languages(wordlist).get(lang)
    return Path(path) if path else None


@lru_cache(maxsize=64)
def table(lang: str, wordlist: str = "best") -> FrequencyTable | None:
    """The cached list for a language wordfreq has a list for under that exact code, or None
    (another code, or a cache that cannot be written: wordfreq's own dictionary then)."""
    import wordfreq

    from tqcheck.lm import cache_dir

    data = _data_file(lang, wordlist)
    if data is None:
        return None
    status = data.stat()
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
    import wordfreq

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
