"""Output formats as a user sees them: `tqcheck check --format ...` run on a small article."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from tqcheck.config import Settings
from tqcheck.document import load_text
from tqcheck.engine import FileReport, Report
from tqcheck.findings import Category, Finding, Severity, Suggestion

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

ARTICLE = """\
Armenia and Azerbaijan declare steadfast ceasefire after clashes

Officials said the the ceasefire was holding on Wednesday , a day after clashes.The two sides met in Moscow.

Share on Facebook | Tweet | <script>alert(1)</script>

Leave a Reply
"""
CLEAN = "Talks resume in Geneva\n\nThe ministers met on Tuesday and agreed to meet again next month.\n"
EXPECTED_RULES = {"TQ101", "TQ202", "TQ301", "TQ501", "TQ502"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tqcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "clean.txt").write_text(CLEAN, encoding="utf-8")
    return folder


_outputs: dict[tuple[str, ...], str] = {}


def output(workdir: Path, fmt: str, *extra: str) -> str:
    """stdout of `tqcheck check clean.txt article.txt --format FMT` (run once per format)."""
    key = (fmt, *extra)
    if key not in _outputs:
        args = ("check", "clean.txt", "article.txt", "--lang", "en", "--no-lm", "--format", fmt, *extra)
        result = run(*args, cwd=workdir)
        assert result.returncode == 1, result.stderr  # the article has major findings
        assert "error" not in result.stderr
        _outputs[key] = result.stdout
    return _outputs[key]


def json_findings(workdir: Path) -> list[dict]:
    data = json.loads(output(workdir, "json"))
    (article,) = [f for f in data["files"] if f["path"] == "article.txt"]
    return article["findings"]


def line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# ---- json and jsonl -----------------------------------------------------------------------


def test_json_parses_and_matches_the_article(workdir: Path) -> None:
    data = json.loads(output(workdir, "json"))
    assert [f["path"] for f in data["files"]] == ["clean.txt", "article.txt"]
    clean, article = data["files"]
    assert clean["findings"] == []
    findings = article["findings"]
    assert {f["rule"] for f in findings} >= EXPECTED_RULES
    for finding in findings:
        assert ARTICLE[finding["start"] : finding["end"]] == finding["text"]
        assert (finding["line"], finding["column"]) == line_column(ARTICLE, finding["start"])
    residue = [f for f in findings if f["rule"] == "TQ101"]
    assert {f["text"] for f in residue} == {
        "Share on Facebook | Tweet | <script>alert(1)</script>",
        "Leave a Reply",
    }


def test_jsonl_writes_one_object_per_finding(workdir: Path) -> None:
    lines = output(workdir, "jsonl").splitlines()
    findings = json_findings(workdir)
    assert len(lines) == len(findings)  # clean.txt, with no finding, writes no line
    for line, expected in zip(lines, findings, strict=True):
        record = json.loads(line)
        assert record.pop("path") == "article.txt"
        assert record.pop("lang") == "en"
        assert "id" not in record  # only JSONL records have one
        assert record == expected


def test_jsonl_records_carry_their_id(tmp_path: Path) -> None:
    records = [
        {"id": "a1", "text": "A clean sentence about the talks."},
        {"id": "b2", "text": "Officials said the the talks went well."},
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = run("check", "batch.jsonl", "--lang", "en", "--no-lm", "--format", "jsonl", cwd=tmp_path)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["path"], r["id"], r["rule"], r["text"]) for r in lines] == [
        ("batch.jsonl", "b2", "TQ202", "the the")
    ]


# ---- sarif --------------------------------------------------------------------------------


def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def test_sarif_validates_against_the_official_schema(workdir: Path) -> None:
    log = json.loads(output(workdir, "sarif"))
    validator = sarif_validator()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    # The schema is not vacuous: a wrong level or a missing message is rejected.
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["results"][1]["message"]
    assert len(list(validator.iter_errors(broken))) == 2


def test_sarif_describes_every_rule_and_the_run(workdir: Path) -> None:
    from tqcheck.rules import ALL

    log = json.loads(output(workdir, "sarif"))
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "tqcheck"
    assert driver["version"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in ALL]
    levels = {"minor": "note", "major": "error", "critical": "error"}  # the default gate: major
    for descriptor, rule in zip(rules, ALL, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary()
        assert descriptor["defaultConfiguration"]["level"] == levels[str(rule.severity)]
        assert descriptor["properties"]["category"] == str(rule.category)
    signature = json.loads(output(workdir, "json"))["signature"]
    assert run_["properties"]["signature"] == signature


def test_sarif_results_point_to_the_right_lines(workdir: Path) -> None:
    log = json.loads(output(workdir, "sarif"))
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    findings = json_findings(workdir)
    assert len(results) == len(findings)
    lines = ARTICLE.split("\n")
    levels = {"minor": "note", "major": "error", "critical": "error"}  # the default gate: major
    for result, finding in zip(results, findings, strict=True):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == levels[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "article.txt"
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"])
        assert region["snippet"]["text"] == finding["text"]
        line = lines[region["startLine"] - 1]
        assert region["endLine"] == region["startLine"]  # every finding here is on one line
        assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == finding["text"]
        assert ARTICLE[region["charOffset"] : region["charOffset"] + region["charLength"]] == finding["text"]
        assert result["properties"]["category"] == finding["category"]
    fingerprints = [r["partialFingerprints"]["tqcheckFindingHash/v2"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_fix_applies_the_first_suggestion(workdir: Path) -> None:
    log = json.loads(output(workdir, "sarif"))
    (repeated,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "TQ202"]
    (change,) = repeated["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "article.txt"
    (replacement,) = change["replacements"]
    start = replacement["deletedRegion"]["charOffset"]
    end = start + replacement["deletedRegion"]["charLength"]
    fixed = ARTICLE[:start] + replacement.get("insertedContent", {}).get("text", "") + ARTICLE[end:]
    assert "Officials said the ceasefire was holding" in fixed
    residue = [r for r in log["runs"][0]["results"] if r["ruleId"] == "TQ101"]
    for result in residue:  # a deletion: no inserted content
        assert "insertedContent" not in result["fixes"][0]["artifactChanges"][0]["replacements"][0]


def test_sarif_fingerprint_survives_edits_elsewhere(tmp_path: Path) -> None:
    def fingerprints(text: str) -> dict[str, str]:
        (tmp_path / "a.txt").write_text(text, encoding="utf-8")
        result = run("check", "a.txt", "--lang", "en", "--no-lm", "--format", "sarif", cwd=tmp_path)
        results = json.loads(result.stdout)["runs"][0]["results"]
        return {r["ruleId"]: r["partialFingerprints"]["tqcheckFindingHash/v2"] for r in results}

    before = fingerprints("Talks in Geneva\n\nOfficials said the the talks went well.\n")
    after = fingerprints(
        "Talks in Geneva resume\n\nA new first paragraph.\n\nOfficials said the the talks went well.\n"
    )
    assert before["TQ202"] == after["TQ202"]


def test_sarif_is_the_same_with_parallel_jobs(workdir: Path) -> None:
    # Parallel runs drop the documents; end positions and fingerprints must not change.
    assert json.loads(output(workdir, "sarif", "--jobs", "2")) == json.loads(output(workdir, "sarif"))


# ---- github -------------------------------------------------------------------------------

PROPERTY = r"(?:[^%,:\r\n]|%(?:25|0D|0A|3A|2C))+"
DATA = r"(?:[^%\r\n]|%(?:25|0D|0A))*"
WORKFLOW_COMMAND = re.compile(
    rf"::(?P<command>error|warning|notice) file=(?P<file>{PROPERTY}),line=(?P<line>\d+)"
    rf"(?:,col=(?P<col>\d+),endLine=(?P<endLine>\d+),endColumn=(?P<endColumn>\d+)|,endLine=\d+)?"
    rf",title=(?P<title>{PROPERTY})::(?P<message>{DATA})"
)


def test_github_lines_are_workflow_commands(workdir: Path) -> None:
    lines = output(workdir, "github").splitlines()
    findings = json_findings(workdir)
    assert len(lines) == len(findings)
    commands = {"minor": "notice", "major": "error", "critical": "error"}  # the default gate: major
    for line, finding in zip(lines, findings, strict=True):
        match = WORKFLOW_COMMAND.fullmatch(line)
        assert match, line
        assert match["command"] == commands[finding["severity"]]
        assert match["file"] == "article.txt"
        assert (int(match["line"]), int(match["col"])) == (finding["line"], finding["column"])
        assert int(match["endColumn"]) - int(match["col"]) == len(finding["text"])
        assert match["title"] == f"{finding['rule']} {finding['name']}"
        assert match["message"].startswith(finding["message"].replace("%", "%25"))


def test_github_escapes_data_and_properties() -> None:
    from tqcheck.render.github import render

    text = "Growth reached 50% in March.\n"
    doc = load_text(text, "en", "news,2024/q1:report.txt")
    finding = Finding(
        rule="TQ999",
        name="test-rule",
        category=Category.FLUENCY,
        severity=Severity.CRITICAL,
        message="Odd: 50% up, then\r\ndown",
        start=15,
        end=18,
        text="50%",
        suggestions=(Suggestion("half", 15, 18, 0.9),),
        line=1,
        column=16,
    )
    report = Report(files=[FileReport(doc.path, "en", 5, [finding], doc=doc)])
    from io import StringIO

    out = StringIO()
    render(report, out, Settings())
    (line,) = out.getvalue().splitlines()
    assert line == (
        "::error file=news%2C2024/q1%3Areport.txt,line=1,col=16,endLine=1,endColumn=19,"
        "title=TQ999 test-rule::Odd: 50%25 up, then%0D%0Adown → “half”"
    )
    assert WORKFLOW_COMMAND.fullmatch(line)


# ---- markdown -----------------------------------------------------------------------------


def test_markdown_escapes_article_text(workdir: Path) -> None:
    from markdown_it import MarkdownIt

    text = output(workdir, "markdown")
    assert "<script>" not in text
    row = next(line for line in text.splitlines() if "Share on Facebook" in line)
    assert r"Share on Facebook \| Tweet \| \<script\>alert(1)\</script\>" in row
    # Rendered as GitHub would: the table keeps its seven columns, the payload stays text.
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, re.DOTALL)
    finding_rows = [r for r in rows if "<td>" in r and "TQ" in r]
    assert len(finding_rows) == len(json_findings(workdir))
    for row_html in finding_rows:
        assert len(re.findall(r"<td[ >]", row_html)) == 7
    assert re.search(r"<h3>[^<]*article\.txt</h3>", rendered)
    assert "<h3>clean.txt</h3>" not in rendered  # clean files share one line
    assert "No findings in 1 file(s): clean.txt." in text
    data = json.loads(output(workdir, "json"))
    words = sum(f["words"] for f in data["files"])
    assert f"| 2 | {words} | {len(json_findings(workdir))} |" in text


def test_report_writes_markdown(workdir: Path) -> None:
    result = run("report", "article.txt", "--lang", "en", "--no-lm", "-o", "report.md", cwd=workdir)
    assert result.returncode == 0, result.stderr
    text = (workdir / "report.md").read_text(encoding="utf-8")
    assert text.startswith("## tqcheck")
    assert "| files | words | findings | minor | major | critical | score |" in text
    assert text.count("| TQ") == len(json_findings(workdir))


# ---- html (without a browser; tests/test_report_browser.py renders it in Chromium) ---------


class MarkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict[str, str | None]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "mark":
            self.marks.append(dict(attrs))


def test_html_report_highlights_every_finding(workdir: Path) -> None:
    result = run("report", "article.txt", "--lang", "en", "--no-lm", "-o", "report.html", cwd=workdir)
    assert result.returncode == 0, result.stderr
    page = (workdir / "report.html").read_text(encoding="utf-8")
    parser = MarkCollector()
    parser.feed(page)
    findings = json_findings(workdir)
    rules = {m["data-finding"]: m["data-rule"] for m in parser.marks}
    assert rules == {f"1-{n}": f["rule"] for n, f in enumerate(findings, start=1)}
    assert all(m["class"].startswith("sev-") for m in parser.marks)
    # The article's own markup is text: escaped, never elements.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parser.tags.count("script") == 1  # the report's own (optional) script
    assert "http://" not in page and "https://" not in page  # nothing loads from outside
    assert json.loads(output(workdir, "json"))["signature"] in page


def test_html_overlapping_findings_are_all_marked() -> None:
    from tqcheck.render.html import highlight

    text = "The the cat sat on on the mat."
    doc = load_text(text, "en")

    def finding(rule: str, start: int, end: int) -> Finding:
        return Finding(rule, rule.lower(), Category.FLUENCY, Severity.MINOR, "m", start, end, text[start:end])

    findings = [finding("A", 0, 7), finding("B", 4, 11), finding("C", 5, 6), finding("D", 12, 12)]
    segments = highlight(doc.source, [(str(n), n, f) for n, f in enumerate(findings)], Settings())
    assert "".join(s.text for s in segments) == text
    for n, f in enumerate(findings):
        covered = "".join(s.text for s in segments if any(m.finding == str(n) for m in s.marks))
        assert covered == f.text
        assert sum(m.first for s in segments for m in s.marks if m.finding == str(n)) == 1
        assert sum(m.last for s in segments for m in s.marks if m.finding == str(n)) == 1
    inner = next(s for s in segments if s.text == "h")
    assert [m.finding for m in inner.marks] == ["0", "1", "2"]  # outermost first


def test_html_without_document_lists_findings_and_shows_heat_when_given() -> None:
    from io import StringIO

    from tqcheck.render.html import render

    text = "Officials said the the <b>talks</b> went well.\n"
    doc = load_text(text, "en", "kept.txt")
    start = text.index("the the")

    def finding() -> Finding:
        fix = Suggestion("the", start, start + 7, 0.95)
        message = "“the” is repeated."
        return Finding(
            "TQ202",
            "repeated-word",
            Category.FLUENCY,
            Severity.MINOR,
            message,
            start,
            start + 7,
            text="the the",
            suggestions=(fix,),
            line=1,
            column=start + 1,
        )

    heat = [(0, 9, 0.4), (start, start + 3, 3.0), (text.index("<b>"), text.index("<b>") + 3, 14.0)]
    report = Report(
        files=[
            FileReport("kept.txt", "en", 8, [finding()], doc=doc, heat=heat),
            FileReport("dropped.txt", "en", 8, [finding()], doc=None),
        ],
        signature="sig",
    )
    out = StringIO()
    render(report, out, Settings())
    page = out.getvalue()
    parser = MarkCollector()
    parser.feed(page)
    # The kept document is highlighted; the dropped one only has its list entry.
    assert [m["data-finding"] for m in parser.marks] == ["1-1"]
    assert 'id="f-2-1"' in page and "the article text was not kept" in page
    # The heat map shades each scored token, darkest at the most surprising, and escapes it.
    assert '<span class="h0" title="0.40 nats">Officials</span>' in page
    assert '<span class="h9" title="14.00 nats">&lt;b&gt;</span>' in page
    assert "<b>talks" not in page
