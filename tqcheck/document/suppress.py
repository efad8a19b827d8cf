"""Suppression comments: `<!-- tqcheck: disable TQ201 -->` … `<!-- tqcheck: enable -->`."""

from __future__ import annotations

import re

SUPPRESS = re.compile(r"<!--\s*tqcheck:\s*(disable|enable)\b([^>]*?)-->", re.IGNORECASE)
RULE_CODE = re.compile(r"TQ\d{3}", re.IGNORECASE)


def find_suppressions(source: str) -> list[tuple[int, int, frozenset[str] | None]]:
    """Regions between `<!-- tqcheck: disable [TQ###…] -->` and `<!-- tqcheck: enable -->`."""
    regions = []
    open_at: int | None = None
    codes: frozenset[str] | None = None
    for match in SUPPRESS.finditer(source):
        if match.group(1).lower() == "disable" and open_at is None:
            open_at = match.end()
            named = frozenset(code.upper() for code in RULE_CODE.findall(match.group(2)))
            codes = named or None
        elif match.group(1).lower() == "enable" and open_at is not None:
            regions.append((open_at, match.start(), codes))
            open_at = None
    if open_at is not None:
        regions.append((open_at, len(source), codes))
    return regions
