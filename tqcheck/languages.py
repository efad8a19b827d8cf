"""Supported target languages, their names, and language identification."""

from __future__ import annotations

import os
import tempfile
import zipfile
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

from tqcheck.errors import ConfigError

# Target languages with a full set of data files under tqcheck/data/<lang>/.
SUPPORTED: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
}
# Languages that may appear as the source of a translation (for --source-lang and detection).
SOURCE_LANGUAGES = {
    **SUPPORTED,
    "it": "Italian",
    "tr": "Turkish",
    "fa": "Persian",
    "uk": "Ukrainian",
    "ja": "Japanese",
    "nl": "Dutch",
    "pl": "Polish",
}
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


def normalise_lang(code: str, what: str = "--lang", allowed: dict[str, str] = SUPPORTED) -> str:
    """Turn 'EN', 'pt-BR' or 'zh_Hans' into a supported code, or raise a one-line ConfigError."""
    key = code.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key not in allowed:
        base = key.split("-")[0]
        if base in allowed:
            return base
        raise ConfigError(f"unknown language {code!r} for {what}; supported: {', '.join(sorted(allowed))}")
    return key


@lru_cache(maxsize=1)
def _identifier():  # -> py3langid.langid.LanguageIdentifier over SOURCE_LANGUAGES
    """py3langid's identifier restricted to our languages.

    Its model ships LZMA-compressed: decompressing it costs most of a second per process, more
    than a short article's whole check. The restricted model is kept uncompressed in the cache
    folder once (keyed by py3langid's version and model file) and read from there; the numbers are
    the model's own, so every ranking is the same.
    """
    import numpy as np
    from py3langid import __version__ as langid_version
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from tqcheck.lm import cache_dir

    model = MODEL_DIR / MODEL_FILE
    languages = sorted(SOURCE_LANGUAGES)
    status = model.stat()
    key = f"{langid_version}-{status.st_size}-{status.st_mtime_ns}-{'-'.join(languages)}"
    cached = cache_dir() / "langid" / f"{key}.npz"
    try:
        with np.load(cached, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # missing or damaged: rebuild
        identifier = LanguageIdentifier.from_model_file(model, norm_probs=True)
        identifier.set_languages(languages)
        arrays = {
            "ptc": np.asarray(identifier.nb_ptc),
            "pc": np.asarray(identifier.nb_pc),
            "classes": np.asarray(identifier.nb_classes),
            "nextmove": np.frombuffer(identifier.tk_nextmove, dtype=f"u{identifier.tk_nextmove.itemsize}"),
            "row": np.frombuffer(identifier.tk_row, dtype=f"u{identifier.tk_row.itemsize}"),
            "output": np.asarray(identifier.tk_output, dtype=np.int32),
        }
        _save_quietly(cached, arrays)
        return identifier
    identifier = LanguageIdentifier(
        arrays["ptc"],
        arrays["pc"],
        arrays["classes"].tolist(),
        _as_array(arrays["nextmove"]),
        arrays["output"].tolist(),
        norm_probs=True,
        tk_row=_as_array(arrays["row"]),
    )
    identifier.set_languages(languages)
    return identifier


def _as_array(values: Any) -> array:
    """A numpy array of unsigned integers as the stdlib array py3langid's tokenizer walks."""
    out = array({2: "H", 4: "I", 8: "Q"}[values.itemsize])
    out.frombytes(memoryview(values).cast("B"))
    return out


def _save_quietly(path: Path, arrays: dict[str, Any]) -> None:
    """Write the arrays through a temporary file renamed into place; a cache that cannot be
    written only costs the next process the slow load."""
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".langid-", suffix=".npz", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def identify(text: str, languages: tuple[str, ...] = tuple(SUPPORTED)) -> tuple[str, float]:
    """The most likely language among `languages`, with its probability within that set."""
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
