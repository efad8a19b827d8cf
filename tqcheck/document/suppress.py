"""Suppression comments in Markdown and HTML.

    <!-- tqcheck: disable TQ101, repeated-word -->  …  <!-- tqcheck: enable -->
    <!-- tqcheck: disable-next-line TQ202 -->        the line after the comment only
    <!-- tqcheck: disable-line TQ202 -->             the comment's own line

Rules are named as `--select` names them (code, code prefix, name; none: every rule). `enable`
with rules ends only theirs. An unknown rule is an error: a typo must not switch rules off, or
fail to, silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tqcheck.errors import InputError

SUPPRESS = re.compile(
    r"<!--\s*tqcheck:\s*(disable-next-line|disable-line|disable|enable)(?![\w-])([^>]*?)-->", re.IGNORECASE
)
Region = tuple[int, int, frozenset[str] | None]


def _rules(selectors: str, source: str, at: int, rules: Sequence[tuple[str, str]]) -> frozenset[str]:
    """The rule codes a comment names; every code when it names none."""
    names = [name for name in re.split(r"[\s,]+", selectors.strip()) if name]
    if not names:
        return frozenset(code for code, _ in rules)
    codes: set[str] = set()
    for name in names:
        chosen = {
            code
            for code, rule_name in rules
            if code.startswith(name.upper()) or rule_name == name.lower() or name.upper() == "ALL"
        }
        if not chosen:
            line = source.count("\n", 0, at) + 1
            raise InputError(
                f"line {line}: unknown rule {name!r} in a tqcheck suppression comment; `tqcheck rules` lists them"
            )
        codes |= chosen
    return frozenset(codes)


def _line_span(source: str, at: int) -> tuple[int, int]:
    start = source.rfind("\n", 0, at) + 1
    end = source.find("\n", at)
    return start, len(source) if end < 0 else end + 1


def find_suppressions(source: str, rules: Sequence[tuple[str, str]]) -> list[Region]:
    """Where each rule is switched off: (start, end, rule codes), in offsets of `source`.

    `rules` are the (code, name) pairs a comment may name (the engine passes the rule table:
    the document layer does not import the rules)."""
    spans: dict[tuple[int, int], set[str]] = {}
    open_at: dict[str, int] = {}  # rule code → where its disable region began

    def add(start: int, end: int, codes: frozenset[str] | set[str]) -> None:
        if codes:
            spans.setdefault((start, end), set()).update(codes)

    for match in SUPPRESS.finditer(source):
        kind = match.group(1).lower()
        codes = _rules(match.group(2), source, match.start(), rules)
        if kind == "disable":
            for code in codes - open_at.keys():
                open_at[code] = match.end()
        elif kind == "enable":
            for code in codes & open_at.keys():
                add(open_at.pop(code), match.start(), {code})
        elif kind == "disable-line":
            add(*_line_span(source, match.start()), codes)
        else:  # disable-next-line: the line after the one the comment ends on
            _, next_start = _line_span(source, match.end() - 1)
            if next_start < len(source):
                add(*_line_span(source, next_start), codes)
    for code, start in open_at.items():
        add(start, len(source), {code})
    return [(start, end, frozenset(codes)) for (start, end), codes in sorted(spans.items())]
