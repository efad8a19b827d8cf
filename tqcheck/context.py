"""What a rule may consult besides the document: language data, settings, the model, the source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tqcheck.resources import LanguageData, language_data

if TYPE_CHECKING:
    from tqcheck.align import Alignment
    from tqcheck.document import Document
    from tqcheck.glossary import Glossary
    from tqcheck.lm import Scorer, TokenScores
    from tqcheck.model_view import LearnedAnalysis


@dataclass
class Memo:
    """What is computed once per document and read by several rules (tqcheck/model_view.py)."""

    token_scores: TokenScores | None = None
    learned: LearnedAnalysis | None = None
    learned_done: bool = False  # the head's analysis was attempted (it may be None)
    # Another language's days and months in the text, by offset (TQ302 and TQ305 both read them).
    calendar: dict[int, Any] | None = None


@dataclass
class CheckContext:
    lang: str
    data: LanguageData
    source_lang: str | None = None
    source: Document | None = None
    alignment: Alignment | None = None
    scorer: Scorer | None = None
    glossary: Glossary | None = None
    extra_residue: list[str] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)
    memo: Memo = field(default_factory=Memo)

    @classmethod
    def for_document(cls, doc: Document, **kwargs: Any) -> CheckContext:
        return cls(lang=doc.lang, data=language_data(doc.lang), **kwargs)
