"""`tqcheck eval`: precision, recall and fix accuracy of the checker against annotated gold spans.

A predicted finding is correct when it overlaps a gold span; a gold span is found when a finding
overlaps it. A first suggestion "equals the gold fix" when applying it gives the same text as
applying the gold fix (white space normalised), so span boundaries need not agree exactly.

Gold spans may carry a `kind` (what kind of MT artifact it is, see corpora/FORMAT.md); recall is
then also reported per kind. A finding has no kind, so there is no precision per kind.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqcheck.document import Decoded, RawDocument, analyse
from tqcheck.engine import FileReport, check_document
from tqcheck.errors import InputError
from tqcheck.findings import Finding, Severity, mqm_penalty

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.lm import Scorer


# The artifact kinds that a rule of tqcheck is written to catch; the others (wrong-sense, calque,
# literal-heading, grammar, number, ...) need the model, the source or a human reader.
RULE_OWNED_KINDS = (
    "residue",
    "repetition",
    "split-name",
    "name-variant",
    "heading-case",
    "locale-punctuation",
    "encoding",
    "untranslated",
)


@dataclass
class GoldRecord:
    id: str
    lang: str
    text: str
    spans: list[dict[str, Any]]
    source: str | None = None
    source_lang: str | None = None
    clean: bool = False


def read_gold(path: Path) -> list[GoldRecord]:
    """Gold records, one JSON object a line; anything else is an InputError naming file and line."""
    from tqcheck.document.readers import display_name, has_lone_surrogate, read_limited

    name = display_name(path)
    data, _ = read_limited(path, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"a gold file must be UTF-8 (invalid byte at {error.start})", name) from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}: not a gold record"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{where} (invalid JSON: {error.msg})", name) from None
        except RecursionError:
            raise InputError(f"{where} (JSON nested too deeply)", name) from None
        if not isinstance(data, dict):
            raise InputError(f"{where} (a JSON object is needed, not {type(data).__name__})", name)
        if not isinstance(data.get("lang"), str) or not isinstance(data.get("text"), str):
            raise InputError(f'{where} ("lang" and "text" must be strings)', name)
        if has_lone_surrogate(data["text"]):
            raise InputError(f'{where} ("text" holds a lone surrogate escape)', name)
        spans = data.get("spans", [])
        if not isinstance(spans, list) or not all(isinstance(span, dict) for span in spans):
            raise InputError(f'{where} ("spans" must be a list of objects)', name)
        for span in spans:
            if not (isinstance(span.get("start"), int) and isinstance(span.get("end"), int)):
                raise InputError(f"line {number}: every span needs integer start and end", name)
        for key in ("source", "source_lang"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise InputError(f'{where} ("{key}" must be a string)', name)
        records.append(
            GoldRecord(
                id=str(data.get("id", number)),
                lang=data["lang"],
                text=data["text"],
                spans=spans,
                source=data.get("source"),
                source_lang=data.get("source_lang"),
                clean=bool(data.get("clean", not spans)),
            )
        )
    return records


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _normalised(text: str) -> str:
    return " ".join(text.split())


def fix_matches(text: str, gold: dict[str, Any], finding: Finding) -> bool:
    best = finding.best
    if best is None or "fix" not in gold:
        return False
    wanted = text[: gold["start"]] + gold["fix"] + text[gold["end"] :]
    got = text[: best.start] + best.replacement + text[best.end :]
    return _normalised(wanted) == _normalised(got)


@dataclass
class Counts:
    predicted: int = 0
    correct: int = 0  # predicted findings that overlap a gold span
    gold: int = 0
    found: int = 0  # gold spans overlapped by a finding
    with_fix: int = 0
    fix_equal: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    @property
    def fix_accuracy(self) -> float | None:
        return self.fix_equal / self.with_fix if self.with_fix else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for name in ("precision", "recall", "f1", "fix_accuracy"):
            value = getattr(self, name)
            data[name] = None if value is None else round(value, 4)
        return data


@dataclass
class KindCounts:
    """Recall of the gold spans of one kind (spans without a kind are not counted here)."""

    gold: int = 0
    found: int = 0

    def add(self, other: KindCounts) -> None:
        self.gold += other.gold
        self.found += other.found

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    def to_json(self) -> dict[str, Any]:
        recall = self.recall
        return {
            "gold": self.gold,
            "found": self.found,
            "recall": None if recall is None else round(recall, 4),
        }


@dataclass
class Evaluation:
    overall: Counts = field(default_factory=Counts)
    by_lang: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_rule: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_category: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_kind: dict[str, KindCounts] = field(default_factory=lambda: defaultdict(KindCounts))
    clean_major: dict[str, list[str]] = field(default_factory=dict)  # record id -> major findings
    clean_records: int = 0
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0

    @property
    def clean_majors(self) -> int:
        """Major (or critical) findings on the clean articles, all together."""
        return sum(len(majors) for majors in self.clean_major.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "overall": self.overall.to_json(),
            "by_lang": {k: v.to_json() for k, v in sorted(self.by_lang.items())},
            "by_rule": {k: v.to_json() for k, v in sorted(self.by_rule.items())},
            "by_category": {k: v.to_json() for k, v in sorted(self.by_category.items())},
            "by_kind": {k: v.to_json() for k, v in sorted(self.by_kind.items())},
            "clean_records": self.clean_records,
            "clean_majors": self.clean_majors,
            "clean_major": self.clean_major,
            "missed": self.missed,
            "false_alarms": self.false_alarms,
        }


def check_record(record: GoldRecord, settings: Settings, scorer: Scorer | None) -> list[Finding]:
    return check_report(record, settings, scorer).findings


def check_report(record: GoldRecord, settings: Settings, scorer: Scorer | None) -> FileReport:
    decoded = Decoded(record.text, "utf-8")
    doc = analyse(RawDocument(record.id, record.text, "txt", decoded), record.lang)
    source = None
    if record.source:
        source_raw = RawDocument(record.id + " (source)", record.source, "txt", decoded)
        source = analyse(source_raw, record.source_lang)
    run_settings = replace(settings, lang=record.lang, source_lang=record.source_lang or settings.source_lang)
    return check_document(doc, run_settings, scorer=scorer, source=source)


def score_record(record: GoldRecord, findings: list[Finding], evaluation: Evaluation) -> None:
    lang = evaluation.by_lang[record.lang]
    local = Counts(predicted=len(findings), gold=len(record.spans))
    for finding in findings:
        hit = any(_overlaps(finding.start, finding.end, g["start"], g["end"]) for g in record.spans)
        local.correct += hit
        rule = evaluation.by_rule[finding.rule]
        rule.predicted += 1
        rule.correct += hit
        category = evaluation.by_category[str(finding.category)]
        category.predicted += 1
        category.correct += hit
        if not hit:
            evaluation.false_alarms.append(
                {
                    "id": record.id,
                    "rule": finding.rule,
                    "text": finding.text,
                    "severity": str(finding.severity),
                }
            )
    for gold in record.spans:
        overlapping = [f for f in findings if _overlaps(f.start, f.end, gold["start"], gold["end"])]
        category = evaluation.by_category[gold.get("category", "?")]
        category.gold += 1
        kind = evaluation.by_kind[gold["kind"]] if gold.get("kind") else None
        if kind is not None:
            kind.gold += 1
        if overlapping:
            local.found += 1
            category.found += 1
            if kind is not None:
                kind.found += 1
        else:
            evaluation.missed.append(
                {
                    "id": record.id,
                    "text": gold.get("text", record.text[gold["start"] : gold["end"]]),
                    "category": gold.get("category"),
                }
            )
        if "fix" in gold:
            local.with_fix += 1
            category.with_fix += 1
            equal = False
            if overlapping:
                closest = min(
                    overlapping, key=lambda f: abs(f.start - gold["start"]) + abs(f.end - gold["end"])
                )
                equal = fix_matches(record.text, gold, closest)
                evaluation.by_rule[closest.rule].with_fix += 1
                evaluation.by_rule[closest.rule].fix_equal += equal
            local.fix_equal += equal
            category.fix_equal += equal
    lang.add(local)
    evaluation.overall.add(local)
    if record.clean:
        evaluation.clean_records += 1
        majors = [f"{f.rule} “{f.text}”" for f in findings if f.severity.rank >= Severity.MAJOR.rank]
        if majors:
            evaluation.clean_major[record.id] = majors


def evaluate(records: Iterable[GoldRecord], settings: Settings, scorer: Scorer | None = None) -> Evaluation:
    from tqcheck.runner import with_progress

    evaluation = Evaluation()
    records = list(records)
    for record in with_progress(iter(records), len(records), None, "evaluating"):
        findings = check_record(record, settings, scorer)
        score_record(record, findings, evaluation)
        evaluation.records += 1
    return evaluation


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render_text(evaluation: Evaluation, out: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=True)

    def table(title: str, rows: dict[str, Counts], recall: bool = True) -> None:
        grid = Table(title=title, title_justify="left", box=None, header_style="bold", pad_edge=False)
        for column in ("", "predicted", "precision", "gold", "recall", "F1", "fix=gold"):
            grid.add_column(column, justify="right" if column else "left")
        for key, counts in rows.items():
            grid.add_row(
                key,
                str(counts.predicted),
                _fmt(counts.precision),
                str(counts.gold) if recall else "–",
                _fmt(counts.recall) if recall else "–",
                _fmt(counts.f1) if recall else "–",
                f"{counts.fix_equal}/{counts.with_fix} {_fmt(counts.fix_accuracy)}",
            )
        console.print(grid)
        console.print()

    table("By language", {**dict(sorted(evaluation.by_lang.items())), "all": evaluation.overall})
    table(
        "By category (recall by gold category, precision by finding category)",
        dict(sorted(evaluation.by_category.items())),
    )
    table(
        "By rule (precision; fix=gold where the rule's finding is the closest to a gold span)",
        dict(sorted(evaluation.by_rule.items())),
        recall=False,
    )
    if evaluation.by_kind:
        grid = Table(
            title="By kind (recall of the gold spans that carry a kind)",
            title_justify="left",
            box=None,
            header_style="bold",
            pad_edge=False,
        )
        for column in ("", "gold", "found", "recall"):
            grid.add_column(column, justify="right" if column else "left")
        for key, kind in sorted(evaluation.by_kind.items()):
            grid.add_row(key, str(kind.gold), str(kind.found), _fmt(kind.recall))
        console.print(grid)
        console.print()
    if evaluation.clean_major:
        console.print(
            f"[bold]Major findings on clean articles[/bold]: {evaluation.clean_majors} in "
            f"{len(evaluation.clean_major)} of {evaluation.clean_records} clean articles"
        )
        for record, findings in evaluation.clean_major.items():
            console.print(f"  {record}: {'; '.join(findings)}")
    else:
        console.print(
            f"No major finding on the {evaluation.clean_records} clean articles "
            f"({evaluation.records} articles checked)."
        )


# ---- public word-level QE data: WMT MQM span files and MLQE-PE folders ---------------------------


def qe_evaluation(
    segments: list, settings: Settings, scorer: Scorer | None = None, with_source: bool = True
) -> dict[str, Any]:
    """Character/span/BAD-word F1 and Kendall τ of the checker on QE segments, beside the baselines.

    Every finding's span counts as a predicted error. The segment score is the head's expected
    number of erroneous words with the model, and the rule-based MQM penalty without it.
    """
    from tqcheck.qe_eval import all_words_baseline, figures, random_baseline
    from tqcheck.runner import with_progress

    predicted, scores, clean_majors, clean = [], [], 0, 0
    for segment in with_progress(iter(segments), len(segments), None, "evaluating"):
        record = GoldRecord(
            id=segment.id,
            lang=segment.lang,
            text=segment.target,
            spans=[],
            source=segment.source if with_source else None,
            source_lang=segment.source_lang if with_source else None,
        )
        report = check_report(record, settings, scorer)
        predicted.append([(f.start, f.end) for f in report.findings])
        if report.expected_errors is not None:
            scores.append(report.expected_errors)
        else:
            scores.append(float(mqm_penalty(report.findings)))
        if not segment.spans:
            clean += 1
            clean_majors += any(f.severity.rank >= Severity.MAJOR.rank for f in report.findings)
    return {
        "segments": len(segments),
        "tqcheck": figures(segments, predicted, scores).to_json(),
        "all_words": all_words_baseline(segments).to_json(),
        "random": random_baseline(segments).to_json(),
        "clean_segments": clean,
        "clean_with_major": clean_majors,
    }


def render_qe_text(result: dict[str, Any], out: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=True)
    console.width = max(console.width, 96)  # eight columns of figures: wrapped, they are unreadable
    grid = Table(box=None, header_style="bold", pad_edge=False)
    columns = ("char P", "char R", "char F1", "seg F1", "span F1", "BAD-word F1", "Kendall τ")
    keys = ("char_precision", "char_recall", "char_f1", "segment_f1", "span_f1", "bad_word_f1", "kendall_tau")
    grid.add_column(f"{result['segments']} segments", justify="left", no_wrap=True)
    for column in columns:
        grid.add_column(column, justify="right")
    for name, label in (
        ("tqcheck", "tqcheck"),
        ("all_words", "all words marked"),
        ("random", "random at gold rate"),
    ):
        grid.add_row(label, *(_fmt(result[name][key]) for key in keys))
    console.print(grid)
    console.print(
        f"error-free segments with a major finding: {result['clean_with_major']} of {result['clean_segments']}"
    )
