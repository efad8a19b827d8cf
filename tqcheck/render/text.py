"""`--format text`: findings grouped by file, then a summary. Colour only on a terminal."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tqcheck.findings import SEVERITY_ORDER, Category

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.engine import Report

STYLE = {"minor": "cyan", "major": "yellow", "critical": "bold red"}


def _shorten(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --show-source: this many characters either side of a span; a paragraph is one line in these
# articles, and column 549 of it must be findable without printing the whole paragraph.
EXCERPT = 40


def excerpt(text: str, start: int, end: int) -> tuple[str, str]:
    """The span's line, cut to a window around it, and a caret line under the span."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    line_end = len(text)
    for ch in "\r\n":
        found = text.find(ch, start)
        if 0 <= found < line_end:
            line_end = found
    end = max(start + 1, min(end, line_end))
    left, right = max(line_start, start - EXCERPT), min(line_end, end + EXCERPT)
    prefix = "…" if left > line_start else ""
    suffix = "…" if right < line_end else ""
    shown = prefix + text[left:right].replace("\t", " ") + suffix
    caret = " " * (len(prefix) + start - left) + "^" * max(1, min(end, right) - start)
    return shown, caret


def render(
    report: Report, out: TextIO, settings: Settings, quiet: bool = False, show_source: bool = False
) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
    sources = None
    if show_source:
        from tqcheck.render.sarif import Sources

        sources = Sources(settings)
    for file_report in report.files:
        name = file_report.path + (f"#{file_report.record_id}" if file_report.record_id else "")
        if file_report.note:
            if not quiet:
                console.print(f"[dim]{escape(name)}: {escape(file_report.note)}[/dim]")
            continue
        source = sources.get(file_report) if sources is not None and file_report.findings else None
        for finding in file_report.findings:
            severity = str(finding.severity)
            line = (
                f"[bold]{escape(name)}:{finding.line}:{finding.column}[/bold] "
                f"[{STYLE[severity]}]{severity}[/{STYLE[severity]}] "
                f"[magenta]{finding.rule}[/magenta] [dim]{finding.name}[/dim] {escape(finding.message)}"
            )
            best = finding.best
            if best is not None:
                shown = best.replacement if best.replacement else "(delete)"
                line += f"\n    [green]→ {escape(_shorten(shown))}[/green]"
                applicability = best.applicability
                if applicability != "safe":
                    line += f" [dim]({applicability.replace('-', ' ')})[/dim]"
            if source is not None and file_report.record_id is None:
                shown, caret = excerpt(source.text, finding.start, finding.end)
                line += f"\n    {escape(shown)}\n    [red]{caret}[/red]"
            console.print(line)
    if not quiet:
        _summary(console, report)


def _summary(console: Console, report: Report) -> None:
    findings = report.findings
    by_severity = Counter(str(f.severity) for f in findings)
    by_category = Counter(str(f.category) for f in findings)
    checked = [f for f in report.files if not f.note]
    words = sum(f.words for f in checked)
    table = Table(title=None, show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("files", justify="right")
    table.add_column("words", justify="right")
    for severity in SEVERITY_ORDER:
        table.add_column(str(severity), justify="right", style=STYLE[str(severity)])
    table.add_column("score", justify="right")
    pooled, mean = report.pooled_score(), report.mean_score()
    several = len(checked) > 1
    if several:
        table.add_column("file-mean", justify="right")
    qualities = [f.quality for f in checked if f.quality is not None]
    cells = [str(len(checked)), str(words), *(str(by_severity.get(str(s), 0)) for s in SEVERITY_ORDER)]
    cells.append("–" if pooled is None else f"{pooled:.1f}")
    if several and mean is not None:
        cells.append(f"{mean:.1f}")
    if qualities:
        table.add_column("quality", justify="right")
        cells.append(f"{sum(qualities) / len(qualities):.1f}")
    table.add_row(*cells)
    console.print()
    console.print(table)
    if by_category:
        parts = ", ".join(f"{c}: {by_category[str(c)]}" for c in Category if by_category.get(str(c)))
        console.print(f"by category: {parts}")
    hidden = f", {report.hidden} more hidden by the baseline" if report.hidden else ""
    if pooled is None:
        console.print(f"[dim]nothing checked: no score{hidden}[/dim]")
        return
    pooled_note = "; file-mean = the mean of the files' scores" if several else ""
    console.print(
        f"[dim]{len(findings)} finding(s){hidden}; score = 100 × (1 − penalty/words) over all the words "
        f"(pooled), penalty minor 1, major 5, critical 25{pooled_note}[/dim]"
    )
    if qualities:
        console.print(
            "[dim]quality = 100 × (1 − expected share of erroneous words), from the learned "
            "quality-estimation head[/dim]"
        )
