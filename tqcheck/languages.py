"""Supported target languages, their names, and language identification."""

from __future__ import annotations

import mmap
import os
import sys
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from tqcheck.errors import ConfigError


class _Languages(Mapping[str, str]):
    """{code: English name} of the target languages plus `extra`, read from the data folders each
    time (tqcheck.resources caches them), so that TQCHECK_DATA_PATH set after import still counts.
    Listing the codes reads no locale file; a name is read from its locale.toml when asked for."""

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self._extra = extra or {}

    def _codes(self) -> list[str]:
        from tqcheck.resources import language_folders

        codes = list(language_folders())
        return codes + [code for code in self._extra if code not in codes]

    def __getitem__(self, key: str) -> str:
        from tqcheck.resources import language_folders, locale_of

        if key in language_folders():
            return locale_of(key).name
        return self._extra[key]

    def __contains__(self, key: object) -> bool:
        return key in self._codes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes())

    def __len__(self) -> int:
        return len(self._codes())

    def __repr__(self) -> str:
        return repr(dict(self))


# Target languages: one per data folder with a locale.toml (tqcheck/data/<lang>/ and the folders
# of TQCHECK_DATA_PATH).
SUPPORTED: Mapping[str, str] = _Languages()
# Languages that may appear as the source of a translation (for --source-lang and detection).
OTHER_SOURCE_LANGUAGES = {
    "it": "Italian",
    "tr": "Turkish",
    "fa": "Persian",
    "uk": "Ukrainian",
    "ja": "Japanese",
    "nl": "Dutch",
    "pl": "Polish",
}
SOURCE_LANGUAGES: Mapping[str, str] = _Languages(OTHER_SOURCE_LANGUAGES)
ALIASES = {
    "zh-cn": "zh",
    "zh-hans": "zh",
    "pt-br": "pt",
    "pt-pt": "pt",
    "en-us": "en",
    "en-gb": "en",
    "es-es": "es",
    "es-mx": "es",
    "fr-fr": "fr",
    "de-de": "de",
}


def normalise_lang(code: str, what: str = "--lang", allowed: Mapping[str, str] = SUPPORTED) -> str:
    """Turn 'EN', 'pt-BR' or 'zh_Hans' into a supported code, or raise a one-line ConfigError."""
    key = code.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key not in allowed:
        base = key.split("-")[0]
        if base in allowed:
            return base
        raise ConfigError(f"unknown language {code!r} for {what}; supported: {', '.join(sorted(allowed))}")
    return key


def _identifier():  # -> py3langid.langid.LanguageIdentifier over SOURCE_LANGUAGES
    return _identifier_for(tuple(sorted(SOURCE_LANGUAGES)))


@lru_cache(maxsize=4)
def _identifier_for(wanted: tuple[str, ...]):
    """py3langid's identifier restricted to our languages.

    Its model ships LZMA-compressed: decompressing it costs most of a second per process, more
    than a short article's whole check. The restricted model is kept uncompressed in the cache
    folder once (keyed by py3langid's version and model file) and read from there; the numbers are
    the model's own, so every ranking is the same. The tokenizer's transition table (9.8 million
    entries, 39 MB) is a file of its own, mapped into memory instead of read and copied: reading
    it cost 70 to 180 ms a process, and a check visits a few thousand of its entries.
    """
    import numpy as np
    from py3langid import __version__ as langid_version
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from tqcheck.lm import cache_dir

    model = MODEL_DIR / MODEL_FILE
    languages = sorted(set(wanted) & set(_langid_languages()))  # a data folder langid does not know
    status = model.stat()
    key = f"{IDENTIFIER_LAYOUT}-{langid_version}-{status.st_size}-{status.st_mtime_ns}-{'-'.join(languages)}"
    cached = cache_dir() / "langid" / f"{key}.npz"
    transitions = cached.with_suffix(f".nextmove-{sys.byteorder}")
    try:
        with np.load(cached, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        nextmove = _mapped(transitions, int(arrays["nextmove_itemsize"]), int(arrays["nextmove_length"]))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # missing or damaged: rebuild
        identifier = LanguageIdentifier.from_model_file(model, norm_probs=True)
        identifier.set_languages(languages)
        table = np.frombuffer(identifier.tk_nextmove, dtype=f"u{identifier.tk_nextmove.itemsize}")
        arrays = {
            "ptc": np.asarray(identifier.nb_ptc),
            "pc": np.asarray(identifier.nb_pc),
            "classes": np.asarray(identifier.nb_classes),
            "nextmove_itemsize": np.asarray(table.itemsize),
            "nextmove_length": np.asarray(len(table)),
            "row": np.frombuffer(identifier.tk_row, dtype=f"u{identifier.tk_row.itemsize}"),
            "output": np.asarray(identifier.tk_output, dtype=np.int32),
        }
        # The table first: a cache whose .npz exists is complete.
        if _write_quietly(transitions, lambda out: out.write(table.tobytes())):
            _write_quietly(cached, lambda out: np.savez(out, **arrays))
        return identifier
    identifier = LanguageIdentifier(
        arrays["ptc"],
        arrays["pc"],
        arrays["classes"].tolist(),
        nextmove,
        arrays["output"].tolist(),
        norm_probs=True,
        tk_row=_as_array(arrays["row"]),
    )
    identifier.set_languages(languages)
    return identifier


# The layout of the identifier's cache files; a new layout is a new name, never misread.
IDENTIFIER_LAYOUT = 2


def _mapped(path: Path, itemsize: int, length: int) -> memoryview:
    """The transition table as py3langid indexes it (entry by entry, as ints), mapped from the
    file read-only: only the pages a text visits are read, and forked workers share them.
    ValueError when the file is not the table's size (cut short, or another table)."""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if len(mapped) != length * itemsize:
        mapped.close()
        raise ValueError(f"{path}: {len(mapped)} bytes, {length * itemsize} expected")
    return memoryview(mapped).cast(UNSIGNED[itemsize])


@lru_cache(maxsize=1)
def _langid_languages() -> frozenset[str]:
    """The languages py3langid's model knows (its documented list)."""
    return frozenset(LANGID_LANGUAGES.split())


# py3langid's 97 languages (langid.py's README).
LANGID_LANGUAGES = (
    "af am an ar as az be bg bn br bs ca cs cy da de dz el en eo es et eu fa fi fo fr ga gl gu he hi hr "
    "ht hu hy id is it ja jv ka kk km kn ko ku ky la lb lo lt lv mg mk ml mn mr ms mt nb ne nl nn no oc "
    "or pa pl ps pt qu ro ru rw se si sk sl sq sr sv sw ta te th tl tr ug uk ur vi vo wa xh zh zu"
)


_identifier.cache_clear = _identifier_for.cache_clear  # type: ignore[attr-defined]


# The stdlib type code of an unsigned integer of each size.
UNSIGNED = {2: "H", 4: "I", 8: "Q"}


def _as_array(values: Any) -> array:
    """A numpy array of unsigned integers as the stdlib array py3langid's tokenizer walks."""
    out = array(UNSIGNED[values.itemsize])
    out.frombytes(memoryview(values).cast("B"))
    return out


def _write_quietly(path: Path, write: Callable[[BinaryIO], object]) -> bool:
    """Write a cache file through a temporary file renamed into place; False where it cannot be
    written, which only costs the next process the slow load."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".langid-", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
        return True
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False


def identify(text: str, languages: tuple[str, ...] | None = None) -> tuple[str, float]:
    """The most likely language among `languages` (the target languages when None), with its
    probability within that set."""
    if languages is None:
        languages = tuple(SUPPORTED)
    ranked = [(str(lang), float(p)) for lang, p in _identifier().rank(text) if lang in languages]
    total = sum(p for _, p in ranked) or 1.0
    lang, probability = ranked[0]
    return lang, probability / total


def detect_language(text: str) -> str:
    """Detect the target language of an article from its first few thousand characters."""
    sample = text[:6000]
    if not sample.strip():
        return "en"
    return identify(sample)[0]


# Languages tqcheck has no data for whose own scripts give them away: their text would otherwise be
# identified as the nearest supported language (Japanese as Chinese) and checked as such.
UNSUPPORTED_SCRIPTS = {"Japanese": r"[\p{Hiragana}\p{Katakana}]", "Korean": r"\p{Hangul}"}


def unsupported_language(text: str) -> str | None:
    """The unsupported language whose script makes up over a fifth of the text's letters, if any."""
    import regex

    sample = text[:20_000]
    letters = sum(1 for ch in sample if ch.isalpha()) or 1
    for language, script in UNSUPPORTED_SCRIPTS.items():
        if len(regex.findall(script, sample)) / letters > 0.2:
            return language
    return None
