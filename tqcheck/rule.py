"""The rule base class: one rule, one unit, with its code, docs, examples and check()."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace as changed
from typing import TYPE_CHECKING, Any, ClassVar

from tqcheck.findings import (
    NO_EVIDENCE,
    Applicability,
    Category,
    Evidence,
    Finding,
    FixAvailability,
    Origin,
    Severity,
    Suggestion,
    Verdict,
)

if TYPE_CHECKING:
    from tqcheck.context import CheckContext
    from tqcheck.document import Document

EXAMPLE_MARK = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)


@dataclass(frozen=True)
class Example:
    """A rule example: `[[...]]` marks each span the rule must report; unmarked text must stay quiet.

    `fixed` is the text after applying the first suggestion of every finding (None: not checked).
    `source` is the source text for source-aware rules.
    """

    text: str
    lang: str = "en"
    fixed: str | None = None
    source: str | None = None
    source_lang: str | None = None
    glossary: str | None = None  # glossary rows (lang, preferred, forbidden), tab-separated

    @property
    def is_bad(self) -> bool:
        return "[[" in self.text

    def plain(self) -> tuple[str, list[tuple[int, int]]]:
        """The text without markup, and the marked spans as offsets into it."""
        spans: list[tuple[int, int]] = []
        parts: list[str] = []
        cursor = 0
        length = 0
        for match in EXAMPLE_MARK.finditer(self.text):
            before = self.text[cursor : match.start()]
            parts.append(before)
            length += len(before)
            spans.append((length, length + len(match.group(1))))
            parts.append(match.group(1))
            length += len(match.group(1))
            cursor = match.end()
        parts.append(self.text[cursor:])
        return "".join(parts), spans


def bad(text: str, lang: str = "en", fixed: str | None = None, **kwargs: Any) -> Example:
    return Example(text, lang, fixed, **kwargs)


def good(text: str, lang: str = "en", **kwargs: Any) -> Example:
    return Example(text, lang, **kwargs)


class Rule:
    """Base class. Subclasses set the class attributes and implement `check`.

    The docstring is the rule's user documentation (`tqcheck rules TQ###`), in three sections:
    "What it does", "Why is this bad?", "Fix safety".
    """

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    languages: ClassVar[frozenset[str] | None] = None  # None: every supported language
    # Only for languages whose words are separated by spaces (locale.toml `spaced`).
    spaced_only: ClassVar[bool] = False
    needs: ClassVar[frozenset[str]] = frozenset()  # "model" or "source"
    # A preview rule runs only when selected (`--select TQ306`, `--select ALL`): it is not yet
    # precise enough to be on by default (ruff's preview rules).
    preview: ClassVar[bool] = False
    examples: ClassVar[tuple[Example, ...]] = ()
    # Whether its findings carry suggestions (`tqcheck rules` shows it; the examples test it).
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NEVER
    # Whether the verdict depends on fluency: with a model, the ranking keeps, raises or drops the
    # finding by the gain of its best candidate (ranking.rank_with_model, then `judged`).
    fluency_verdict: ClassVar[bool] = False
    # Codes of rules whose findings inside this rule's span say nothing new (an untranslated
    # sentence subsumes its untranslated words); the engine drops them.
    subsumes: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def intro(cls) -> str:
        """The docstring's first paragraph, on one line."""
        paragraph: list[str] = []
        for line in cls.doc().splitlines():
            if not line.strip() or line.startswith("#"):
                if paragraph:
                    break
                continue
            paragraph.append(line.strip())
        return " ".join(paragraph)

    @classmethod
    def summary(cls) -> str:
        """The docstring's first sentence, whole (SARIF's shortDescription, `tqcheck rules`): it
        ends at a full stop outside quotes and brackets ("… region. Karabakh" is an example)."""
        text = cls.intro()
        depth = 0
        for i, char in enumerate(text):
            if char in "(“[«":
                depth += 1
            elif char in ")”]»":
                depth = max(0, depth - 1)
            elif char == '"':
                depth += -1 if depth and text[i - 1 : i] not in (" ", "(") else 1
            elif char in ".!?" and depth == 0 and text[i + 1 : i + 2] in (" ", ""):
                return text[: i + 1]
        return text

    @classmethod
    def applies_to(cls, lang: str) -> bool:
        if cls.languages is not None and lang not in cls.languages:
            return False
        if cls.spaced_only:
            from tqcheck.resources import locale_of

            return locale_of(lang).spaced
        return True

    @classmethod
    def supported_languages(cls) -> list[str]:
        """The target languages the rule checks, in code order."""
        from tqcheck.languages import SUPPORTED

        return sorted(lang for lang in SUPPORTED if cls.applies_to(lang))

    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    def judged(self, finding: Finding, verdict: Verdict) -> Finding | None:
        """This rule's finding once the model has judged it: confirmed ones are at least major,
        possible ones minor, rejected ones withdrawn. Override to reword the message."""
        if verdict == Verdict.REJECTED:
            return None
        if verdict == Verdict.CONFIRMED:
            severity = Severity.MAJOR if finding.severity == Severity.MINOR else finding.severity
        else:
            severity = Severity.MINOR
        return changed(finding, verdict=verdict, severity=severity)

    # ---- helpers for subclasses -----------------------------------------------------------
    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        message: str,
        suggestions: Iterable[Suggestion] = (),
        severity: Severity | None = None,
        evidence: Evidence = NO_EVIDENCE,
        category: Category | None = None,
    ) -> Finding:
        return Finding(
            rule=self.code,
            name=self.name,
            category=category or self.category,
            severity=severity or self.severity,
            message=message,
            start=start,
            end=end,
            text=doc.text[start:end],
            suggestions=tuple(suggestions),
            evidence=evidence,
        )


def replace(
    start: int,
    end: int,
    replacement: str,
    confidence: float,
    *,
    safe: bool,
    origin: Origin = Origin.RULE,
) -> Suggestion:
    """A suggestion; the rule says whether `fix` may apply it unasked (`safe`) from what it knows."""
    applicability = Applicability.SAFE if safe else Applicability.UNSAFE
    return Suggestion(replacement, start, end, confidence, origin, applicability)


def delete_line(doc: Document, start: int, end: int, confidence: float = 0.9) -> Suggestion:
    """Delete text[start:end] together with its line break, so no empty line is left behind (safe:
    what is deleted is page furniture, not article text)."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    if text[line_start:start].strip() or text[end:line_end].strip():
        return Suggestion("", start, end, confidence)
    # Keep one blank line between the neighbours rather than joining them.
    return Suggestion("", line_start, line_end, confidence)


__all__ = ["Example", "Rule", "bad", "delete_line", "good", "replace"]
