"""Per-language data (tqcheck/data/<lang>/, data/common/, data/pairs/<src>-<tgt>/), loaded once.

Logic lives in the rules; what a rule looks for in a language lives here as data:
  locale.toml      scripts, casing, quotes, spacing, number format, inflection affixes
  residue.toml     page-furniture patterns and widget words (share/follow/comment...)
  confusions.tsv   words MT renders in the wrong sense, with alternatives and deciding context
  cues.toml        named sets of context words ("conflict") that confusion entries refer to
  doubles.txt      words that may legitimately stand twice in a row
  lm.toml          thresholds of the model rules, calibrated per model on clean articles
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import regex

from tqcheck.errors import ConfigError

DATA = resources.files("tqcheck") / "data"
MODEL_CONTEXT = "model"


def data_digest(languages: Iterable[str], extra: Iterable[Path] = ()) -> str:
    """A digest of the data files a run over these target languages reads (their folders, the
    shared data, the language pairs into them) and of `extra` files (a glossary): the run
    signature changes when any of them does."""
    wanted = set(languages)
    digest = hashlib.sha256()

    def walk(node: Traversable, name: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            path = f"{name}/{child.name}"
            if child.is_dir():
                walk(child, path)
            elif child.is_file() and not child.name.endswith((".pyc", ".npz", ".md")):
                digest.update(path.encode() + b"\0" + child.read_bytes())

    for folder in sorted(DATA.iterdir(), key=lambda c: c.name):
        if folder.name in wanted or folder.name == "common":
            walk(folder, folder.name)
    pairs = DATA / "pairs"
    for pair in sorted(pairs.iterdir(), key=lambda c: c.name):
        if pair.is_dir() and pair.name.rpartition("-")[2] in wanted:
            walk(pair, f"pairs/{pair.name}")
    for path in extra:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


def _read(*parts: str) -> str | None:
    node = DATA.joinpath(*parts)
    return node.read_text(encoding="utf-8") if node.is_file() else None


def _data_lines(text: str | None) -> list[str]:
    """Lines of a list file, without comments and blank lines."""
    if not text:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _tsv_rows(text: str | None, where: str) -> list[dict[str, str]]:
    if not text:
        return []
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ConfigError(f"{where}: row {number} has the wrong number of columns")
        rows.append({key: (value or "").strip() for key, value in row.items()})
    return rows


@dataclass(frozen=True)
class Confusion:
    """One lexicon entry: MT wrote `wrong` where the context calls for one of `alternatives`."""

    wrong: str
    alternatives: tuple[str, ...]
    context: str  # name of a cue set ("" = always wrong)
    heading_only: bool
    severity: str
    category: str
    note: str
    example: str
    source_lang: str | None = None  # set for entries from a language-pair lexicon
    source_word: str = ""
    threshold: float = 0.0  # log-prob gain a model must see before the finding is confirmed
    cues: frozenset[str] = frozenset()  # the words of the `context` cue set

    @property
    def model_only(self) -> bool:
        return self.context == MODEL_CONTEXT

    @property
    def pattern(self) -> regex.Pattern[str]:
        return _word_pattern(self.wrong)


@cache
def _word_pattern(phrase: str) -> regex.Pattern[str]:
    """Whole words, case-insensitively. Scripts written without spaces (Chinese) have no letter
    boundary to test; the rule checks their matches against the segmenter's word boundaries."""
    words = [regex.escape(w) for w in phrase.split()]
    body = r"\s+".join(words)
    if regex.search(r"\p{Han}", phrase):
        return regex.compile(body)
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}]){body}(?![\p{{L}}\p{{M}}\p{{N}}])", regex.IGNORECASE)


def _confusions(
    rows: list[dict[str, str]], where: str, cues: dict[str, frozenset[str]], source_lang: str | None = None
) -> list[Confusion]:
    entries = []
    for row in rows:
        alternatives = tuple(a.strip() for a in row.get("alternatives", "").split("|") if a.strip())
        if not row.get("wrong") or not alternatives:
            raise ConfigError(f"{where}: entry {row.get('wrong')!r} needs a wrong form and alternatives")
        context = row.get("context", "")
        # "model": the wrong form has a common right sense too, so only a model's verdict decides.
        if context and context != MODEL_CONTEXT and context not in cues:
            raise ConfigError(f"{where}: {row['wrong']!r} names unknown cue set {context!r}")
        if (row.get("scope") or "any") not in ("any", "heading"):
            raise ConfigError(f"{where}: {row['wrong']!r} has scope {row.get('scope')!r}; use any or heading")
        entries.append(
            Confusion(
                wrong=row["wrong"],
                alternatives=alternatives,
                context=context,
                heading_only=row.get("scope") == "heading",
                severity=row.get("severity") or "minor",
                category=row.get("category") or "accuracy",
                note=row.get("note", ""),
                example=row.get("example", ""),
                source_lang=source_lang,
                source_word=row.get("source", ""),
                threshold=float(row.get("threshold") or 0.0),
                cues=cues.get(context, frozenset()),
            )
        )
    return entries


def _cue_sets(*parts: str) -> dict[str, frozenset[str]]:
    return {name: frozenset(w.casefold() for w in words) for name, words in _load_toml(*parts).items()}


@dataclass
class LanguageData:
    lang: str
    locale: dict[str, Any]
    residue_patterns: list[regex.Pattern[str]]
    widget_words: frozenset[str]
    widget_connectors: frozenset[str]
    brands: frozenset[str]
    confusions: list[Confusion]
    cues: dict[str, frozenset[str]]
    doubles: frozenset[str]
    lm: dict[str, Any]  # model calibration (lm.toml)

    @property
    def scripts(self) -> list[str]:
        return list(self.locale.get("scripts", ["Latin"]))

    @property
    def cased(self) -> bool:
        return bool(self.locale.get("cased", True))

    @property
    def spaced(self) -> bool:
        """Words are separated by spaces (not in Chinese)."""
        return bool(self.locale.get("spaced", True))


def _load_toml(*parts: str) -> dict[str, Any]:
    text = _read(*parts)
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"data/{'/'.join(parts)}: {error}") from error


def _compile_patterns(patterns: list[str], where: str) -> list[regex.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(regex.compile(pattern, regex.IGNORECASE | regex.VERSION1))
        except regex.error as error:
            raise ConfigError(f"{where}: bad pattern {pattern!r}: {error}") from error
    return compiled


@cache
def language_data(lang: str) -> LanguageData:
    common = _load_toml("common", "residue.toml")
    locale = _load_toml(lang, "locale.toml")
    residue = _load_toml(lang, "residue.toml")
    where = f"data/{lang}"
    patterns = _compile_patterns(list(residue.get("patterns", [])) + list(common.get("patterns", [])), where)
    widgets = frozenset(w.casefold() for w in residue.get("widget_words", []))
    connectors = frozenset(w.casefold() for w in residue.get("widget_connectors", []))
    brands = frozenset(w.casefold() for w in common.get("brands", []))
    cues = _cue_sets(lang, "cues.toml")
    table = f"{where}/confusions.tsv"
    confusions = _confusions(_tsv_rows(_read(lang, "confusions.tsv"), table), table, cues)
    doubles = frozenset(w.lower() for w in _data_lines(_read(lang, "doubles.txt")))
    lm = _load_toml(lang, "lm.toml")
    return LanguageData(lang, locale, patterns, widgets, connectors, brands, confusions, cues, doubles, lm)


@cache
def pair_confusions(source_lang: str, target_lang: str) -> list[Confusion]:
    """The confusion lexicon of a language pair (data/pairs/<src>-<tgt>/confusions.tsv).

    Its cue sets are the target language's, plus any the pair defines in its own cues.toml.
    """
    pair = f"{source_lang}-{target_lang}"
    where = f"data/pairs/{pair}/confusions.tsv"
    cues = {**language_data(target_lang).cues, **_cue_sets("pairs", pair, "cues.toml")}
    return _confusions(_tsv_rows(_read("pairs", pair, "confusions.tsv"), where), where, cues, source_lang)


def available_pairs() -> list[tuple[str, str]]:
    pairs_dir = DATA / "pairs"
    if not pairs_dir.is_dir():
        return []
    found = []
    for node in pairs_dir.iterdir():
        if node.is_dir() and "-" in node.name:
            src, tgt = node.name.split("-", 1)
            found.append((src, tgt))
    return sorted(found)


@cache
def homoglyphs() -> dict[str, dict[str, str]]:
    """Look-alike letters by the script they impersonate: {"Latin": {"а": "a", ...}, ...}."""
    table: dict[str, dict[str, str]] = {}
    for row in _tsv_rows(_read("common", "homoglyphs.tsv"), "data/common/homoglyphs.tsv"):
        table.setdefault(row["target_script"], {})[row["char"]] = row["replacement"]
    return table
