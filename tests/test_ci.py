"""What CI jobs and linter users expect (issue 12): levels that follow the gate, rule docs with
stable URLs, several formats from one run, stdin, --quiet, --statistics, --exit-zero,
--show-source, comma lists, --jobs 0, and a spinner while the model loads."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from tqcheck.render.rules_doc import rules_page
from tqcheck.rules import ALL

# One minor finding (TQ202) and one major (TQ101).
ARTICLE = "Talks end in Geneva\n\nOfficials said on Monday that the the talks went well.\n\nLeave a Reply\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def sarif_levels(path: Path, *args: str) -> dict[str, str]:
    result = run_cli("check", str(path), "--no-lm", "-f", "sarif", *args)
    return {r["ruleId"]: r["level"] for r in json.loads(result.stdout)["runs"][0]["results"]}


def github_commands(path: Path, *args: str) -> dict[str, str]:
    result = run_cli("check", str(path), "--no-lm", "-f", "github", *args)
    return {re.search(r"title=(TQ\d+)", line)[1]: line.split()[0][2:] for line in result.stdout.splitlines()}


@pytest.mark.parametrize(
    ("gate", "sarif", "github"),
    [
        ("major", {"TQ202": "note", "TQ101": "error"}, {"TQ202": "notice", "TQ101": "error"}),
        ("minor", {"TQ202": "error", "TQ101": "error"}, {"TQ202": "error", "TQ101": "error"}),
        ("never", {"TQ202": "note", "TQ101": "warning"}, {"TQ202": "notice", "TQ101": "warning"}),
    ],
)
def test_levels_follow_the_fail_on_gate(article: Path, gate: str, sarif: dict, github: dict) -> None:
    # A finding that fails the job is an error in both, not a warning beside a red job.
    assert sarif_levels(article, "--fail-on", gate) == sarif
    assert github_commands(article, "--fail-on", gate) == github


def test_sarif_rules_have_whole_first_sentences_and_help_uris(article: Path) -> None:
    result = run_cli("check", str(article), "--no-lm", "-f", "sarif")
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    by_id = {d["id"]: d for d in driver["rules"]}
    # TQ201's first sentence holds an example with a full stop inside quotes.
    assert by_id["TQ201"]["shortDescription"]["text"].endswith("and proposes the joined name.")
    for descriptor in driver["rules"]:
        short = descriptor["shortDescription"]["text"]
        assert short.endswith((".", "!", "?")), (descriptor["id"], short)
        assert descriptor["fullDescription"]["text"].startswith(short)
        anchor = descriptor["helpUri"].rsplit("#", 1)[1]
        assert descriptor["helpUri"].startswith(driver["informationUri"]) and f'<a id="{anchor}"></a>' in page


def test_the_project_url_is_written_in_one_place() -> None:
    from tqcheck import PROJECT_URL

    package = ROOT / "tqcheck"
    holders = [
        str(p.relative_to(ROOT))
        for p in package.rglob("*.py")
        if PROJECT_URL in p.read_text(encoding="utf-8")
        or "github.com/tqcheck" in p.read_text(encoding="utf-8")
    ]
    assert holders == ["tqcheck/__init__.py"]


def test_rules_page_is_current() -> None:
    # Regenerate with `python -m tqcheck.render.rules_doc` after changing a rule's docstring.
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_page()
    assert all(f"## {rule.code} {rule.name}" in rules_page() for rule in ALL)


def test_several_formats_from_one_run(article: Path, tmp_path: Path) -> None:
    sarif = tmp_path / "tq.sarif"
    result = run_cli("check", str(article), "--no-lm", "-f", "github", "-f", f"sarif={sarif}")
    assert result.returncode == 1  # the gate, once
    assert result.stdout.startswith("::")
    assert {r["ruleId"] for r in json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]} == {
        "TQ202",
        "TQ101",
    }
    two = run_cli("check", str(article), "--no-lm", "-f", "github", "-f", "json")
    assert two.returncode == 2 and "only one format can go to standard output" in two.stderr
    bad = run_cli("check", str(article), "--no-lm", "-f", "xml")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "tqcheck: error: --format: unknown format 'xml'; choose from text, json, jsonl, sarif, github, markdown"
    )


def test_report_fail_on(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    assert run_cli("report", str(article), "--no-lm", "-o", str(out)).returncode == 0
    failed = run_cli("report", str(article), "--no-lm", "-o", str(out), "--fail-on", "major")
    assert failed.returncode == 1 and out.exists()
    assert run_cli("report", str(article), "--no-lm", "-o", str(out), "--fail-on", "critical").returncode == 0


def test_stdin_with_stdin_filename(tmp_path: Path) -> None:
    page = "# Talks end\n\nOfficials said the the talks went well.\n"
    result = run_cli(
        "check", "-", "--stdin-filename", "news/a.md", "--no-lm", "-f", "json", input_text=page, cwd=tmp_path
    )
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["path"] == "news/a.md"
    assert [(f["rule"], f["line"]) for f in entry["findings"]] == [("TQ202", 3)]
    mixed = run_cli("check", "-", "other.txt", "--no-lm", input_text=page, cwd=tmp_path)
    assert mixed.returncode == 2 and mixed.stderr.count("\n") == 1


def test_quiet_statistics_exit_zero(article: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    quiet = run_cli("check", str(article), str(tmp_path / "empty.txt"), "--no-lm", "-q")
    assert quiet.returncode == 1 and quiet.stderr == ""
    assert [line for line in quiet.stdout.splitlines() if not line.startswith(" ")] == [
        f"{article}:3:31 minor TQ202 repeated-word “the” is repeated.",
        f"{article}:5:1 major TQ101 page-residue Page residue: a line of page furniture (comment prompt, related links, advertisement), not part of the article.",
    ]
    stats = run_cli("check", str(article), "--no-lm", "--statistics")
    assert stats.stdout.splitlines() == ["    1  TQ101  page-residue", "    1  TQ202  repeated-word"]
    assert run_cli("check", str(article), "--no-lm", "--exit-zero").returncode == 0
    missing = run_cli("check", str(tmp_path / "missing.txt"), "--no-lm", "--exit-zero")
    assert missing.returncode == 2  # an error is not a finding


def test_show_source_points_at_the_span_in_a_long_line(tmp_path: Path) -> None:
    words = " ".join(["The talks went on for many hours"] * 20)
    path = tmp_path / "long.txt"
    path.write_text(f"Talks\n\n{words} and the the union agreed.\n", encoding="utf-8")
    result = run_cli("check", str(path), "--no-lm", "--show-source", "--select", "TQ202")
    lines = result.stdout.splitlines()
    excerpt, caret = lines[2], lines[3]
    assert excerpt.startswith("    …") and len(excerpt) < 120
    start = caret.index("^")
    assert excerpt[start : start + caret.count("^")] == "the the"


def test_comma_lists_and_jobs_zero(article: Path) -> None:
    result = run_cli(
        "check", str(article), "--no-lm", "-f", "json", "--select", "TQ202,page-residue", "-j", "0"
    )
    assert {f["rule"] for f in json.loads(result.stdout)["files"][0]["findings"]} == {"TQ202", "TQ101"}
    ignored = run_cli("check", str(article), "--no-lm", "-f", "json", "--ignore", "TQ202, TQ101")
    assert json.loads(ignored.stdout)["files"][0]["findings"] == []
    bad = run_cli("check", str(article), "--no-lm", "--select", "TQ202,TQ999")
    assert bad.returncode == 2 and "TQ999" in bad.stderr


def test_rules_unknown_format_is_an_error() -> None:
    result = run_cli("rules", "-f", "yaml")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "tqcheck: error: --format must be text or json, not 'yaml'"


COMMANDS = ("check", "fix", "report", "compare", "rules", "eval", "score", "server")


def test_help_shows_metavars_not_python_types() -> None:
    text = run_cli("check", "--help").stdout
    assert "Usage: tqcheck check [OPTIONS] FILE..." in text
    for shown in ("--select RULES", "--lang LANG", "--format FORMAT[=FILE]", "--jobs N", "--baseline FILE"):
        assert shown in text
    for command in COMMANDS:
        text = run_cli(command, "--help").stdout
        # no Python types (<list[str]>, <str>, <int range>, <path>); no braces around arguments
        assert not re.search(r"<(list|str|int|float|path|Path)", text), (command, text)
        assert "{" not in text.splitlines()[0], text.splitlines()[0]
        assert "Examples:" in text, command
    assert "Usage: tqcheck compare [OPTIONS] HYPOTHESIS" in run_cli("compare", "--help").stdout
    assert "Usage: tqcheck rules [OPTIONS] [RULE]" in run_cli("rules", "--help").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("check", "a.txt", "--fail-on", "xml"),
            "--fail-on: 'xml' is not one of 'minor', 'major', 'critical', 'never'",
        ),
        (("check", "a.txt", "--jobs", "-1"), "--jobs: must be at least 0"),
        (("check", "a.txt", "--jobs", "many"), "--jobs: expects a whole number"),
        (("check", "a.txt", "--min-confidence", "2"), "--min-confidence: must be at most 1"),
        (("check",), "Missing argument 'FILE'"),
        (("compare", "a.txt"), "Missing option '--ref'"),
    ],
)
def test_bad_options_are_one_plain_line(args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Value error" not in result.stderr and "Input should" not in result.stderr
    assert result.stderr.rstrip().endswith(f"(see tqcheck {args[0]} --help)")


def test_spinner_while_the_model_loads_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck import cli, lm
    from tqcheck.config import Settings

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    seen: list[str] = []
    terminal = Terminal()

    def slow_load(*args: object, **kwargs: object) -> str:
        time.sleep(0.5)  # the spinner redraws about 12 times a second meanwhile
        seen.append(terminal.getvalue())
        return "scorer"

    monkeypatch.setattr(cli.sys, "stderr", terminal)
    monkeypatch.setattr(lm, "load_scorer", slow_load)
    assert cli._load_model(Settings()) == "scorer"
    assert "loading the language model" in seen[0]  # shown while loading, not after

    piped = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", piped)
    cli._load_model(Settings())
    assert piped.getvalue() == ""  # no spinner in logs
