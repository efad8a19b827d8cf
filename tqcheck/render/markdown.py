"""`--format markdown` and `tqcheck report -o report.md`: a report that fits a pull-request comment.

A summary table (files, words, findings by severity, score), then one table of findings per
file. Everything that comes from an article (paths, flagged text, messages that quote it,
suggestions) is escaped, so article text can neither break a table nor inject HTML or links.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from tqcheck import __version__
from tqcheck.findings import SEVERITY_ORDER, SEVERITY_WEIGHTS, Category

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import FileReport, Report
    from tqcheck.findings import Finding

# Characters with a meaning in GitHub-flavoured Markdown inside a line or a table cell, each
# escaped with a backslash (CommonMark): `|` ends a cell, `<` starts HTML, `[` a link, `` ` `` code,
# `*`/`_` emphasis, `~` strikethrough, `$` math, `&` an entity. Line-start syntax (`#`, `-`, `>`)
# cannot occur, as article text never starts a line of the report.
SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
TEXT_LIMIT = 80
SUGGESTION_LIMIT = 80
CLEAN_LISTED = 20


def escape(text: str) -> str:
    """Article text made inert for a Markdown paragraph or a table cell (one line)."""
    one_line = LINE_BREAK.sub(" ⏎ ", text).replace("\t", " ")
    return SPECIAL.sub(r"\\\1", one_line)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """Flagged text for a cell: white space that a table would swallow is made visible."""
    if not text.strip():
        return "␣" * len(text) if text else "∅"
    return escape(shorten(text.strip(), limit))


def _suggestion(finding: Finding, settings: Settings) -> str:
    best = finding.best
    if best is None:
        return ""
    shown = _shown_text(best.replacement, SUGGESTION_LIMIT) if best.replacement else "*(delete)*"
    applicability = best.applicability
    return shown if applicability == "safe" else f"{shown} *({applicability})*"


def _name(file_report: FileReport) -> str:
    return file_report.path + (f"#{file_report.record_id}" if file_report.record_id else "")


def _counts(findings: list[Finding]) -> Counter[str]:
    return Counter(str(f.severity) for f in findings)


def _summary(report: Report) -> list[str]:
    checked = [f for f in report.files if not f.note]
    findings = report.findings
    by_severity = _counts(findings)
    pooled, mean = report.pooled_score(), report.mean_score()
    several = len(checked) > 1
    lines = [
        "| files | words | findings | "
        + " | ".join(str(s) for s in SEVERITY_ORDER)
        + " | score |"
        + (" mean of files |" if several else ""),
        "|---:|---:|---:|" + "---:|" * len(SEVERITY_ORDER) + "---:|" + ("---:|" if several else ""),
        f"| {len(checked)} | {sum(f.words for f in checked)} | {len(findings)} | "
        + " | ".join(str(by_severity.get(str(s), 0)) for s in SEVERITY_ORDER)
        + f" | {'–' if pooled is None else f'{pooled:.1f}'} |"
        + (f" {mean:.1f} |" if several and mean is not None else ""),
    ]
    if pooled is None:
        lines += ["", "Nothing was checked: no score."]
    elif several:
        lines += [
            "",
            "Score: over all the words of all the files (pooled); mean of files: each file counts once.",
        ]
    if report.hidden:
        lines += ["", f"{report.hidden} finding(s) hidden by the baseline."]
    by_category = Counter(str(f.category) for f in findings)
    if by_category:
        parts = ", ".join(f"{c} {by_category[str(c)]}" for c in Category if by_category.get(str(c)))
        lines += ["", f"By category: {parts}."]
    return lines


def _file_section(file_report: FileReport, settings: Settings) -> list[str]:
    lines = [f"### {escape(_name(file_report))}", ""]
    if file_report.note:
        return [*lines, f"*{escape(file_report.note)}*", ""]
    counts = _counts(file_report.findings)
    found = ", ".join(f"{counts[str(s)]} {s}" for s in SEVERITY_ORDER if counts.get(str(s)))
    lines.append(
        f"Language **{escape(file_report.lang)}** · {file_report.words} words · "
        f"score **{file_report.score:.2f}** · "
        + (f"{len(file_report.findings)} finding(s): {found}" if file_report.findings else "no findings")
    )
    lines.append("")
    if not file_report.findings:
        return lines
    lines += [
        "| # | line:col | severity | rule | text | message | suggestion |",
        "|---:|---|---|---|---|---|---|",
    ]
    for number, finding in enumerate(file_report.findings, start=1):
        severity = str(finding.severity)
        if severity == "critical":
            severity = "**critical**"
        cells = [
            str(number),
            f"{finding.line}:{finding.column}",
            severity,
            f"{finding.rule} {escape(finding.name)}",
            _shown_text(finding.text),
            escape(finding.message),
            _suggestion(finding, settings),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def render(report: Report, out: TextIO, settings: Settings) -> None:
    lines = ["## tqcheck translation-quality report", "", *_summary(report), ""]
    clean = []
    for file_report in report.files:
        if not file_report.findings and not file_report.note:
            clean.append(file_report)  # one line for all of them: a comment stays short
            continue
        lines += _file_section(file_report, settings)
    if clean:
        names = ", ".join(escape(_name(f)) for f in clean[:CLEAN_LISTED])
        more = f" and {len(clean) - CLEAN_LISTED} more" if len(clean) > CLEAN_LISTED else ""
        lines += [f"No findings in {len(clean)} file(s): {names}{more}.", ""]
    if report.errors:
        lines += ["### Errors", ""]
        lines += [f"- {escape(message)}" for message in report.errors]
        lines.append("")
    weights = ", ".join(f"{s} {SEVERITY_WEIGHTS[s]}" for s in SEVERITY_ORDER)
    lines += [
        f"<sub>MQM score = 100 × (1 − penalty / words); penalty per finding: {weights}. "
        f"tqcheck {escape(__version__)} · {escape(report.signature)}</sub>",
        "",
    ]
    out.write("\n".join(lines))
