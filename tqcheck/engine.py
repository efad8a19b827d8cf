"""Runs the selected rules over a document and turns their findings into a file report."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tqcheck import __version__
from tqcheck.context import CheckContext
from tqcheck.document import Document
from tqcheck.findings import Applicability, Category, Finding, Severity, Suggestion, mqm_score
from tqcheck.languages import SUPPORTED
from tqcheck.model_view import learned_analysis, token_scores
from tqcheck.resources import data_digest
from tqcheck.rule import Rule

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.lm import Scorer


@dataclass
class FileReport:
    path: str
    lang: str
    words: int
    findings: list[Finding]
    doc: Document | None = None
    record_id: str | None = None
    note: str | None = None
    lang_detected: bool = False
    # Surprisal of each model token, (source start, source end, nats), for the report's heat map.
    heat: list[tuple[int, int, float]] = field(default_factory=list)
    # 0–100 from the learned quality-estimation head (higher is better); None without the model.
    quality: float | None = None
    expected_errors: float | None = None  # the head's expected number of erroneous words
    source_path: str | None = None  # the source text it was checked against (--source)

    @property
    def score(self) -> float:
        return mqm_score(self.findings, self.words)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    signature: str = ""

    hidden: int = 0  # findings a baseline hid

    @property
    def findings(self) -> list[Finding]:
        return [f for report in self.files for f in report.findings]

    @property
    def checked(self) -> list[FileReport]:
        return [f for f in self.files if not f.note]

    def pooled_score(self) -> float | None:
        """The MQM score of all the findings over all the words checked (what the totals give);
        None when nothing was checked, which is no evidence of quality."""
        checked = self.checked
        if not checked:
            return None
        return mqm_score(self.findings, sum(f.words for f in checked))

    def mean_score(self) -> float | None:
        """The mean of the files' own scores (each file counts once, whatever its length)."""
        scores = [f.score for f in self.checked]
        return round(sum(scores) / len(scores), 2) if scores else None


def signature(
    rules: list[type[Rule]],
    model: str | None,
    min_confidence: float,
    weights: str | None = None,
    qe_digest: str | None = None,
    languages: Iterable[str] = (),
    data_files: Iterable[Path] = (),
) -> str:
    """A reproducibility signature in sacrebleu's style: what produced these numbers.

    `languages` are the target languages checked: the signature carries them and a digest of the
    data files they read (with `data_files`, e.g. a glossary). `weights` is a digest of the
    model's weights (the same name with other weights scores otherwise); `qe_digest` that of the
    quality-estimation head."""
    rule_hash = hashlib.sha256(",".join(r.code for r in rules).encode()).hexdigest()[:8]
    model_part = f"{model}@{weights}" if model and weights else (model or "none")
    langs = sorted(set(languages) & set(SUPPORTED))
    text = (
        f"tqcheck:{__version__}|rules:{len(rules)}:{rule_hash}|langs:{','.join(langs) or 'none'}"
        f"|data:{data_digest(langs, data_files)}|model:{model_part}|min-conf:{min_confidence}"
    )
    return text + (f"|qe:{qe_digest}" if qe_digest else "")


def run_rules(doc: Document, rules: list[type[Rule]], ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule_class in rules:
        rule = rule_class()
        if not rule.applies_to(doc.lang):
            continue
        if "source" in rule.needs and ctx.source is None:
            continue
        if "model" in rule.needs and ctx.scorer is None:
            continue
        if "glossary" in rule.needs and ctx.glossary is None:
            continue
        findings.extend(rule.check(doc, ctx))
    return findings


def drop_subsumed(findings: list[Finding]) -> list[Finding]:
    """Drop findings inside the span of a finding that explains them: anything inside a line of page
    residue (the line is deleted whole), and what a rule's `subsumes` names inside its span."""
    from tqcheck.rules import BY_CODE

    def explains(outer: Finding, inner: Finding) -> bool:
        if outer is inner or not (outer.start <= inner.start and inner.end <= outer.end):
            return False
        if outer.category == Category.RESIDUE:
            # Everything inside a residue line goes, except another residue rule's finding on the very
            # same span (two rules reporting one line).
            return inner.category != Category.RESIDUE or (outer.start, outer.end) != (inner.start, inner.end)
        rule = BY_CODE.get(outer.rule)
        return rule is not None and inner.rule in rule.subsumes

    wide = [f for f in findings if f.category == Category.RESIDUE or BY_CODE.get(f.rule, Rule).subsumes]
    if not wide:
        return findings
    # A sweep by start offset instead of every pair: only the wide findings that started before
    # a finding and have not ended before it starts can contain it.
    wide.sort(key=lambda f: f.start)
    dropped: set[int] = set()
    active: list[Finding] = []
    next_wide = 0
    for finding in sorted(findings, key=lambda f: f.start):
        while next_wide < len(wide) and wide[next_wide].start <= finding.start:
            active.append(wide[next_wide])
            next_wide += 1
        if active and min(outer.end for outer in active) < finding.start:
            active = [outer for outer in active if outer.end >= finding.start]
        if any(explains(outer, finding) for outer in active):
            dropped.add(id(finding))
    return [f for f in findings if id(f) not in dropped]


def deduplicate(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.rule, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def to_source(doc: Document, finding: Finding) -> Finding:
    """The finding placed in the file's text: offsets moved from the analysed text, line and column
    filled in; a suggestion whose span crosses markup becomes display-only."""
    start, end = doc.to_source(finding.start, finding.end)
    line, column = doc.line_column(start)
    return replace(
        finding,
        text=doc.source[start:end],  # the contract: text == file[start:end], entities and markup as written
        start=start,
        end=end,
        line=line,
        column=column,
        suggestions=tuple(_suggestion_to_source(doc, s) for s in finding.suggestions),
    )


def _suggestion_to_source(doc: Document, suggestion: Suggestion) -> Suggestion:
    whole = _block_deletion(doc, suggestion)
    if whole is not None:
        return replace(suggestion, start=whole[0], end=whole[1])
    start, end = doc.to_source(suggestion.start, suggestion.end)
    applicability = (
        suggestion.applicability
        if doc.is_verbatim(suggestion.start, suggestion.end)
        else Applicability.DISPLAY_ONLY
    )
    return replace(suggestion, start=start, end=end, applicability=applicability)


# The markup a Markdown or HTML line may hold around a block that is deleted with its line: list and
# heading markers, emphasis, a link's target; tags opened before the text and closed after it.
MD_BEFORE = re.compile(r"[ \t]*(?:(?:#{1,6}|>|[*+-]|\d{1,9}[.)])[ \t]+)*[*_~`\[]*")
MD_AFTER = re.compile(r"(?:[*_~`]+|\]\([^)\n]*\))*[ \t]*#*[ \t]*\r?\n?")
HTML_BEFORE = re.compile(r"[ \t]*((?:<[a-zA-Z][^<>]*>[ \t]*)*)")
HTML_AFTER = re.compile(r"((?:[ \t]*</[a-zA-Z][^<>]*>)*)[ \t]*\r?\n?")
TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")


def _block_deletion(doc: Document, suggestion: Suggestion) -> tuple[int, int] | None:
    """The source lines to delete when a suggestion deletes a whole Markdown or HTML block (page
    residue): the block's lines with their markup, when they hold nothing else. Mapped character by
    character the deletion would cross markup and be display-only, so `fix` could never remove it."""
    if suggestion.replacement or doc.content_map is None or doc.is_verbatim(suggestion.start, suggestion.end):
        return None
    block = doc.block_at(suggestion.start) or doc.block_at(suggestion.start + 1)
    if block is None or doc.text[suggestion.start : block.start].strip() or suggestion.end < block.end:
        return None
    if doc.text[block.end : suggestion.end].strip():
        return None
    source = doc.source
    start, end = doc.to_source(block.start, block.end)
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", end)
    line_end = len(source) if line_end < 0 else line_end + 1
    before, after = source[line_start:start], source[end:line_end]
    if doc.format == "md":
        if not (MD_BEFORE.fullmatch(before) and MD_AFTER.fullmatch(after)):
            return None
    else:
        opened, closed = HTML_BEFORE.fullmatch(before), HTML_AFTER.fullmatch(after)
        if not (opened and closed):
            return None
        names = [n.lower() for n in TAG_NAME.findall(opened.group(1))]
        if names[::-1] != [n.lower() for n in TAG_NAME.findall(closed.group(1))]:
            return None  # a tag opened or closed here that belongs to something else
    # Only the characters that came from these lines are looked at (not the whole article per
    # deleted block: quadratic on a long page with many residue lines).
    if any(
        not (block.start <= i < block.end) and not doc.text[i].isspace()
        for i in doc.content_map.characters_from(line_start, line_end)
    ):
        return None  # other words of the article share these lines
    # Between blank lines, also take one of them: the neighbours stay one blank line apart.
    previous_line = source.rfind("\n", 0, max(line_start - 1, 0)) + 1
    previous_blank = line_start == 0 or source[previous_line : line_start - 1].strip() == ""
    following = source.find("\n", line_end)
    if previous_blank and following >= 0 and not source[line_end:following].strip():
        line_end = following + 1
    elif previous_blank and line_start and not source[line_end:].strip():  # the last block: no blank tail
        content_end = line_start
        while content_end and source[content_end - 1].isspace():
            content_end -= 1
        line_start = source.find("\n", content_end) + 1
    return line_start, line_end


def _configured(finding: Finding, settings: Settings) -> Finding:
    """The finding with the configuration's severity for its rule, and only the suggestions at or
    above --min-confidence."""
    severity = settings.severity.get(finding.rule, finding.severity)
    suggestions = tuple(s for s in finding.suggestions if s.confidence >= settings.min_confidence)
    if severity == finding.severity and len(suggestions) == len(finding.suggestions):
        return finding
    return replace(finding, severity=severity, suggestions=suggestions)


def suppressed(doc: Document, finding: Finding) -> bool:
    return any(
        start <= finding.start and finding.end <= end and (codes is None or finding.rule in codes)
        for start, end, codes in doc.suppressions
    )


def _suppressions(doc: Document) -> list[tuple[int, int, frozenset[str] | None]]:
    from tqcheck.document.suppress import find_suppressions
    from tqcheck.errors import InputError
    from tqcheck.rules import ALL

    try:
        return find_suppressions(doc.source, [(rule.code, rule.name) for rule in ALL])
    except InputError as error:  # name the file: the comment's line alone is not enough
        raise InputError(error.message, doc.path) from None


def check_document(
    doc: Document,
    settings: Settings,
    scorer: Scorer | None = None,
    source: Document | None = None,
    want_heat: bool = False,
) -> FileReport:
    """Check one analysed document with the selected rules; rank suggestions with the model if any."""
    if doc.format in ("md", "html"):
        doc.suppressions = _suppressions(doc)
    ctx = CheckContext.for_document(
        doc,
        source_lang=settings.source_lang or (source.lang if source else None),
        source=source,
        scorer=scorer,
        glossary=settings.load_glossary(),
        extra_residue=list(settings.extra_residue),
        thresholds=dict(settings.thresholds),
    )
    if source is not None:
        from tqcheck.align import align

        ctx.alignment = align(source, doc)
    findings = run_rules(doc, settings.rules, ctx)
    findings = deduplicate(drop_subsumed(findings))
    if scorer is not None:
        from tqcheck.ranking import rank_with_model

        findings = rank_with_model(doc, findings, scorer, ctx)
    findings = [to_source(doc, _configured(f, settings)) for f in findings]
    findings = [f for f in findings if not suppressed(doc, f)]
    findings.sort(key=Finding.sort_key)
    analysis = learned_analysis(doc, ctx) if scorer is not None else None
    heat = []
    if want_heat and scorer is not None:  # only the HTML report draws it
        scores = token_scores(doc, ctx)
        for (start, end), logprob in zip(scores.spans, scores.logprobs, strict=True):
            if end > start:
                heat.append((*doc.to_source(start, end), round(-logprob, 2)))
    return FileReport(
        path=doc.path,
        lang=doc.lang,
        words=doc.word_count,
        findings=findings,
        doc=doc,
        record_id=doc.record_id,
        lang_detected=doc.lang_detected,
        heat=heat,
        quality=analysis.quality if analysis is not None else None,
        expected_errors=analysis.expected_errors if analysis is not None else None,
    )
