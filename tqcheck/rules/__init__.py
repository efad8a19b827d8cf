"""The table of rules, in code order: the one place to look."""

from __future__ import annotations

from tqcheck.errors import ConfigError
from tqcheck.rule import Rule
from tqcheck.rules.currency import CurrencyPosition
from tqcheck.rules.dash import SpacedHyphen
from tqcheck.rules.date_order import CalendarCase, ClockFormat, DateOrder
from tqcheck.rules.encoding import Homoglyph, HtmlEntity, Mojibake
from tqcheck.rules.headings import HeadingCase, HeadingLowercase, HeadingPeriod
from tqcheck.rules.inverted_marks import InvertedMarks
from tqcheck.rules.lexicon import LiteralSense
from tqcheck.rules.model import SurprisingWording
from tqcheck.rules.names import GlossaryTerm, NameVariants
from tqcheck.rules.number_format import NumberFormat
from tqcheck.rules.places import ExonymVariants
from tqcheck.rules.punctuation import (
    DoubledSpace,
    FrenchSpacing,
    MissingSpaceAfterPunctuation,
    QuoteStyle,
    SpaceBeforePunctuation,
    UnbalancedDelimiters,
)
from tqcheck.rules.qe import LikelyMistranslation
from tqcheck.rules.repetition import DuplicateSentence, LoopingPhrase, RepeatedWord
from tqcheck.rules.residue import PageResidue, RepeatedTitle
from tqcheck.rules.script import (
    ForeignDigits,
    ForeignPunctuation,
    ForeignScriptWord,
    ForeignSentence,
    UntranslatedWord,
)
from tqcheck.rules.source import (
    Addition,
    NumberMismatch,
    Omission,
    StructureMismatch,
    UntranslatedSentence,
)
from tqcheck.rules.source_names import MissingEntity
from tqcheck.rules.structure import SplitEntity

ALL: tuple[type[Rule], ...] = (
    PageResidue,  # TQ101
    RepeatedTitle,  # TQ102
    SplitEntity,  # TQ201
    RepeatedWord,  # TQ202
    LoopingPhrase,  # TQ203
    DuplicateSentence,  # TQ204
    Mojibake,  # TQ205
    Homoglyph,  # TQ206
    HtmlEntity,  # TQ207
    LiteralSense,  # TQ301
    ForeignScriptWord,  # TQ302
    ForeignSentence,  # TQ303
    SurprisingWording,  # TQ304
    UntranslatedWord,  # TQ305
    LikelyMistranslation,  # TQ306
    HeadingLowercase,  # TQ401
    HeadingPeriod,  # TQ402
    HeadingCase,  # TQ403
    SpaceBeforePunctuation,  # TQ501
    MissingSpaceAfterPunctuation,  # TQ502
    FrenchSpacing,  # TQ503
    QuoteStyle,  # TQ504
    UnbalancedDelimiters,  # TQ505
    DoubledSpace,  # TQ506
    ForeignDigits,  # TQ507
    ForeignPunctuation,  # TQ508
    NumberFormat,  # TQ509
    InvertedMarks,  # TQ510
    CurrencyPosition,  # TQ511
    DateOrder,  # TQ512
    SpacedHyphen,  # TQ513
    ClockFormat,  # TQ514
    CalendarCase,  # TQ515
    NameVariants,  # TQ601
    GlossaryTerm,  # TQ602
    ExonymVariants,  # TQ603
    NumberMismatch,  # TQ701
    MissingEntity,  # TQ702
    UntranslatedSentence,  # TQ703
    Omission,  # TQ704
    Addition,  # TQ705
    StructureMismatch,  # TQ706
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL}


def lookup(key: str) -> type[Rule]:
    """A rule by code ("TQ201") or name ("split-entity")."""
    rule = BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
    if rule is None:
        raise ConfigError(f"unknown rule {key!r}; `tqcheck rules` lists them")
    return rule


def select(selectors: list[str] | None = None, ignore: list[str] | None = None) -> list[type[Rule]]:
    """Rules chosen by code prefix or name, as ruff selects: `TQ2` picks TQ201…TQ299."""

    def matches(rule: type[Rule], selector: str) -> bool:
        key = selector.strip()
        return rule.code.startswith(key.upper()) or rule.name == key.lower() or key.upper() == "ALL"

    for selector in (selectors or []) + (ignore or []):
        if not any(matches(rule, selector) for rule in ALL):
            raise ConfigError(f"unknown rule selector {selector!r}; `tqcheck rules` lists the codes")
    if selectors:
        chosen = [r for r in ALL if any(matches(r, s) for s in selectors)]
    else:
        chosen = [r for r in ALL if not r.preview]
    return [r for r in chosen if not any(matches(r, s) for s in ignore or [])]
