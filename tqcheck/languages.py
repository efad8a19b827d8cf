"""Supported target languages, their names, and language identification."""

from __future__ import annotations

from functools import lru_cache

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
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(SOURCE_LANGUAGES))
    return identifier


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
