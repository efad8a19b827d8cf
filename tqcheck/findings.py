"""What a check produces: findings with absolute spans, and the suggestions that fix them."""

from __future__ import annotations

from dataclasses import dataclass
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
    """Where a suggestion comes from (shown in reports; the model's ranking treats them differently)."""

    RULE = "rule"  # a deterministic edit (punctuation, deletion of residue, capitalisation)
    LEXICON = "lexicon"  # an alternative from a curated lexicon or glossary: keeps the meaning
    MODEL = "model"  # a free proposal of the language model: fluent, not necessarily faithful


class Applicability(StrEnum):
    """ruff's fix applicability, set by whoever made the suggestion from what it knows.

    `fix` applies safe suggestions; unsafe ones only with --unsafe; display-only ones never (they
    cross markup in the file, an HTML tag or an entity, so the edit cannot be made in place)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class FixAvailability(StrEnum):
    """What a rule declares about its fixes (ruff's `FixAvailability`), shown by `tqcheck rules`."""

    ALWAYS = "always"  # every finding carries a suggestion
    SOMETIMES = "sometimes"  # some findings do
    NEVER = "never"  # the rule only reports


class Verdict(StrEnum):
    """The language model's judgement of a fluency finding (see ranking.judge)."""

    CONFIRMED = "confirmed"  # a candidate clearly improves the text
    POSSIBLE = "possible"  # no candidate clearly does: kept as a minor, hedged finding
    REJECTED = "rejected"  # the current text is clearly better: the finding is withdrawn


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Replace text[start:end] with `replacement`. Offsets are absolute, end exclusive.

    `confidence` only ranks suggestions (0.5 says nothing); `applicability` says whether `fix`
    may apply it."""

    replacement: str
    start: int
    end: int
    confidence: float = 0.5
    origin: Origin = Origin.RULE
    applicability: Applicability = Applicability.SAFE
    gain: float | None = None  # log-probability gain over the current text, when a model scored it

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


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was reported, as typed fields; only the ones set appear in the output."""

    entry: str | None = None  # the lexicon entry that matched
    language: str | None = None  # the language a foreign passage was identified as
    surprisal: float | None = None  # nats, of the most surprising word (TQ304)
    expected: float | None = None  # nats its frequency predicts
    probability: float | None = None  # a classifier's probability (language id, error head)
    mode: str | None = None  # "target" or "source": how the error head judged
    excess: float | None = None  # surprisal beyond the expected, nats
    threshold: float | None = None  # what the model must see to confirm (gain, excess or probability)
    model_only: bool = False  # only a model can tell the right sense from the wrong one
    pair: str | None = None  # the language pair whose lexicon matched ("ar-en")
    best_gain: float | None = None  # the best candidate's gain, once the model ranked them

    @property
    def strength(self) -> float:
        """How strongly the model flagged the span: orders the spans it proposes words for."""
        if self.excess is not None:
            return self.excess
        return self.probability or 0.0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if value is not None and value is not False:
                data[name] = value
        return data


NO_EVIDENCE = Evidence()


@dataclass(frozen=True, slots=True)
class Finding:
    """One flagged span. `start`/`end` index the decoded text of the checked file once the engine
    has placed it (before that, the analysed text); change a finding with `dataclasses.replace`."""

    rule: str
    name: str
    category: Category
    severity: Severity
    message: str
    start: int
    end: int
    text: str = ""
    suggestions: tuple[Suggestion, ...] = ()
    line: int = 0
    column: int = 0
    evidence: Evidence = NO_EVIDENCE
    verdict: Verdict | None = None  # set when the model judged a fluency finding

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
        evidence = self.evidence.to_json()
        if evidence:
            data["evidence"] = evidence
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
