"""What a check produces: findings with absolute spans, and the suggestions that fix them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """MQM severity levels, in increasing order of weight."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def weight(self) -> int:
        """MQM penalty points (MQM 2.0 scoring model: minor 1, major 5, critical 25)."""
        return SEVERITY_WEIGHTS[self]

    @property
    def rank(self) -> int:
        return SEVERITY_ORDER.index(self)


SEVERITY_ORDER = (Severity.MINOR, Severity.MAJOR, Severity.CRITICAL)
SEVERITY_WEIGHTS = {Severity.MINOR: 1, Severity.MAJOR: 5, Severity.CRITICAL: 25}


class Category(StrEnum):
    """MQM top-level error categories used by tqcheck (residue is ours: scraped page furniture)."""

    ACCURACY = "accuracy"
    FLUENCY = "fluency"
    TERMINOLOGY = "terminology"
    STYLE = "style"
    LOCALE = "locale"
    RESIDUE = "residue"


class Origin(StrEnum):
    """Where a suggestion comes from; decides whether `fix` may apply it without --unsafe."""

    RULE = "rule"  # a deterministic edit (punctuation, deletion of residue, capitalisation)
    LEXICON = "lexicon"  # an alternative from a curated lexicon or glossary: keeps the meaning
    MODEL = "model"  # a free proposal of the language model: fluent, not necessarily faithful


@dataclass(slots=True)
class Suggestion:
    """Replace text[start:end] with `replacement`. Offsets are absolute, end exclusive."""

    replacement: str
    start: int
    end: int
    confidence: float = 0.5
    origin: Origin = Origin.RULE
    gain: float | None = None  # log-probability gain over the current text, when a model scored it
    # The span crosses markup in the file (an HTML tag, an entity): shown, never applied.
    display_only: bool = False

    def applicability(self, min_confidence: float) -> str:
        """ruff's fix applicability: 'safe' fixes are applied by `fix`, 'unsafe' only with --unsafe."""
        if self.display_only:
            return "display-only"
        if self.origin == Origin.MODEL or self.confidence < min_confidence:
            return "unsafe"
        return "safe"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "replacement": self.replacement,
            "start": self.start,
            "end": self.end,
            "confidence": round(self.confidence, 3),
            "origin": str(self.origin),
        }
        if self.gain is not None:
            data["gain"] = round(self.gain, 3)
        return data


@dataclass(slots=True)
class Finding:
    """One flagged span. `start`/`end` index the decoded text of the checked file."""

    rule: str
    name: str
    category: Category
    severity: Severity
    message: str
    start: int
    end: int
    text: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)
    line: int = 0
    column: int = 0
    evidence: dict[str, Any] = field(default_factory=dict)
    # Set by the engine: whether an LM verdict confirmed or weakened the finding.
    verdict: str | None = None

    @property
    def best(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "category": str(self.category),
            "severity": str(self.severity),
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "suggestions": [s.to_json() for s in self.suggestions],
        }
        if self.evidence:
            data["evidence"] = self.evidence
        return data


def mqm_penalty(findings: list[Finding]) -> int:
    """MQM penalty points: each finding weighted by its severity."""
    return sum(f.severity.weight for f in findings)


def mqm_score(findings: list[Finding], words: int) -> float:
    """MQM-style quality score: 100 × (1 − penalty points per word), floored at 0.

    Penalty points weight each finding by severity (minor 1, major 5, critical 25), so one major
    error in a 500-word article costs 1 point and a clean article scores 100.
    """
    if words <= 0:
        return 100.0
    penalty = mqm_penalty(findings)
    return round(max(0.0, 100.0 * (1.0 - penalty / words)), 2)
