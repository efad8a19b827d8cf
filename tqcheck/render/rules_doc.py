"""`tqcheck rules`: the table of rules, and one rule's documentation with its examples."""

from __future__ import annotations

import json
from typing import TextIO

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from tqcheck.languages import SUPPORTED
from tqcheck.rule import Rule
from tqcheck.rules import ALL


def rule_info(rule: type[Rule]) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": str(rule.category),
        "severity": str(rule.severity),
        "fix": str(rule.fix_availability),
        "languages": sorted(rule.languages) if rule.languages else sorted(SUPPORTED),
        "needs": sorted(rule.needs),
        "preview": rule.preview,
        "summary": rule.summary(),
    }


def render_table(out: TextIO, output_format: str = "text") -> None:
    if output_format == "json":
        json.dump([rule_info(r) for r in ALL], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("code", "name", "category", "severity", "fix", "languages"):
        table.add_column(column)
    for rule in ALL:
        languages = "all" if rule.languages is None else " ".join(sorted(rule.languages))
        needs = f" (needs {', '.join(sorted(rule.needs))})" if rule.needs else ""
        needs += " (preview: only when selected)" if rule.preview else ""
        table.add_row(
            rule.code,
            rule.name,
            str(rule.category),
            str(rule.severity),
            str(rule.fix_availability),
            languages + needs,
        )
    # Wide enough for every rule name when piped; a terminal sets its own width.
    Console(file=out, highlight=False, soft_wrap=True, width=None if out.isatty() else 200).print(table)


def render_rule(rule: type[Rule], out: TextIO, output_format: str = "text") -> None:
    if output_format == "json":
        info = rule_info(rule)
        info["doc"] = rule.doc()
        info["examples"] = [
            {"text": e.text, "lang": e.lang, "fixed": e.fixed, "bad": e.is_bad} for e in rule.examples
        ]
        json.dump(info, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"Category: {rule.category} · default severity: {rule.severity} · fix: "
        f"{rule.fix_availability} · languages: "
        f"{'all' if rule.languages is None else ', '.join(sorted(rule.languages))}",
        "",
        rule.doc(),
        "",
        "## Examples",
        "",
    ]
    for example in rule.examples:
        verdict = "flagged" if example.is_bad else "not flagged"
        lines.append(f"- ({example.lang}, {verdict}) `{example.text}`")
        if example.fixed is not None:
            lines.append(f"  fixed: `{example.fixed}`")
    console = Console(file=out, highlight=False, soft_wrap=True)
    if console.is_terminal:
        console.print(Markdown("\n".join(lines)))
    else:
        out.write("\n".join(lines) + "\n")
