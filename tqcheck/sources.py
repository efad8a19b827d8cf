"""Pairing articles with their source texts by name.

The convention (corpora/ follows it): an article `port.txt` translated from Arabic has its source
beside it as `port.src.ar.txt`, i.e. the pattern `{stem}.src.{lang}{suffix}`. A pattern names the
source from the article's stem and suffix; `{lang}` matches a language code and becomes the
source language when `--source-lang` is not given. A file whose name fits the pattern is a
source, never an article: directory and glob runs skip it.

- `--source FILE`: the source of the one article checked;
- `--source DIR`: each article's source is DIR/<pattern>;
- `--source-pattern PATTERN` alone: each article's source is <article's folder>/<pattern>.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tqcheck.errors import ConfigError, InputError

DEFAULT_SOURCE_PATTERN = "{stem}.src.{lang}{suffix}"
_FIELDS = ("stem", "lang", "suffix")
# What each placeholder matches in a file name: a language code is two or three letters, with an
# optional region or script (pt-BR, zh_Hans).
_FIELD_REGEX = {
    "stem": r"(?P<stem>.+?)",
    "lang": r"(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,4})?)",
    "suffix": r"(?P<suffix>\.[^./\\]+)",
}


@dataclass(frozen=True)
class SourceMatch:
    path: Path
    lang: str | None  # from the name's {lang}, if the pattern has one


@lru_cache(maxsize=16)
def _name_regex(pattern: str) -> re.Pattern[str]:
    """A regex for the file-name part of `pattern` (after its last '/')."""
    name = pattern.replace("\\", "/").rsplit("/", 1)[-1]
    parts: list[str] = []
    for literal, field in re.findall(r"([^{]*)(?:\{(\w*)\})?", name):
        parts.append(re.escape(literal))
        if field:
            parts.append(_FIELD_REGEX[field])
    return re.compile("".join(parts) + r"\Z", re.IGNORECASE)


def check_pattern(pattern: str) -> str:
    """The pattern, or a one-line error saying what is wrong with it."""
    fields = re.findall(r"\{([^{}]*)\}", pattern)
    unknown = [f for f in fields if f not in _FIELDS]
    if unknown:
        raise ConfigError(
            f"--source-pattern: unknown placeholder {{{unknown[0]}}}; use {{stem}}, {{lang}} and {{suffix}}"
        )
    if "stem" not in fields:
        raise ConfigError("--source-pattern: the pattern must contain {stem} (the article's name)")
    if pattern.count("{") != len(fields) or pattern.count("}") != len(fields):
        raise ConfigError(f"--source-pattern: unbalanced braces in {pattern!r}")
    return pattern


def is_source_name(path: Path, pattern: str = DEFAULT_SOURCE_PATTERN) -> bool:
    """Whether `path` is named as a source text (port.src.ar.txt), not as an article. A pattern
    whose file name is placeholders alone (`{stem}{suffix}`: same names in another folder) marks
    no file as a source, since it would fit every article too."""
    name = pattern.replace("\\", "/").rsplit("/", 1)[-1]
    if not re.sub(r"\{\w*\}", "", name):
        return False
    return _name_regex(pattern).match(path.name) is not None


def find_source(article: Path, folder: Path, pattern: str) -> SourceMatch | None:
    """The source of `article` in `folder`, named by `pattern`; None when there is none.
    Raises InputError when several files fit (port.src.ar.txt and port.src.fr.txt)."""
    wanted = pattern.format(stem=glob.escape(article.stem), suffix=glob.escape(article.suffix), lang="*")
    regex = _name_regex(pattern)
    found = []
    for candidate in sorted(glob.glob(str(folder / wanted))):
        path = Path(candidate)
        match = regex.match(path.name)
        if path.is_file() and match and match["stem"] == article.stem and path != article:
            found.append(SourceMatch(path, match.groupdict().get("lang")))
    if len(found) > 1:
        names = ", ".join(m.path.name for m in found)
        raise InputError(f"several source texts match this article ({names}); keep one", str(article))
    return found[0] if found else None


def looked_for(article: Path, folder: Path, pattern: str) -> str:
    """The name `find_source` looked for, for a note when it found none."""
    return str(folder / pattern.format(stem=article.stem, suffix=article.suffix, lang="*"))
