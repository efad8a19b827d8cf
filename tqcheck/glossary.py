"""A term base: preferred terms and their forbidden variants, per language (CSV or TSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from tqcheck.errors import ConfigError
from tqcheck.languages import normalise_lang

COLUMNS = ("lang", "preferred", "forbidden")


@dataclass(frozen=True)
class Term:
    lang: str  # a language code, or "*" for every language
    preferred: str
    forbidden: tuple[str, ...]
    note: str = ""
    case_sensitive: bool = True

    def patterns(self) -> list[tuple[str, regex.Pattern[str]]]:
        flags = 0 if self.case_sensitive else regex.IGNORECASE
        return [
            (
                variant,
                regex.compile(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(variant)}(?![\p{{L}}\p{{N}}])", flags),
            )
            for variant in self.forbidden
        ]

    def preferred_pattern(self) -> regex.Pattern[str]:
        """Occurrences of the preferred term, in any case: text a variant must never be found in.

        A variant inside the preferred term ("Karabakh" in "Nagorno-Karabakh", "port" in "port
        authority") would otherwise be rewritten into it again on every run."""
        return regex.compile(regex.escape(self.preferred), regex.IGNORECASE)


@dataclass
class Glossary:
    path: Path
    terms: list[Term] = field(default_factory=list)

    def for_language(self, lang: str) -> list[Term]:
        return [t for t in self.terms if t.lang in (lang, "*")]


@lru_cache(maxsize=8)
def load_glossary(path: Path) -> Glossary:
    """Read a glossary: columns lang, preferred, forbidden ("|"-separated), optional note, case."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such glossary file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read glossary: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: the glossary must be UTF-8") from error
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ConfigError(f"{path}: the glossary is empty")
    delimiter = "\t" if "\t" in lines[0] else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ConfigError(
            f"{path}: the glossary needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}"
        )
    reader.fieldnames = header
    glossary = Glossary(path)
    for number, row in enumerate(reader, start=2):
        lang_value = (row.get("lang") or "").strip()
        preferred = (row.get("preferred") or "").strip()
        forbidden = tuple(v.strip() for v in (row.get("forbidden") or "").split("|") if v.strip())
        if not preferred or not forbidden or not lang_value:
            raise ConfigError(
                f"{path}: row {number} needs lang, preferred and at least one forbidden variant"
            )
        lang = "*" if lang_value == "*" else normalise_lang(lang_value, f"{path} row {number}")
        case = (row.get("case") or "sensitive").strip().lower() != "insensitive"
        glossary.terms.append(Term(lang, preferred, forbidden, (row.get("note") or "").strip(), case))
    return glossary
