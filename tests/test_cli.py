"""The `tqcheck` command line as a user runs it: the JSON contract, the text format, exit codes,
`rules`, rule selection, `compare` (against sacrebleu's own CLI) and `eval`.

Every check runs rules only (`--no-lm`); the language model is tested elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, SEED, run_cli

from tqcheck.languages import SUPPORTED
from tqcheck.rules import ALL, BY_CODE

CATEGORIES = {"accuracy", "fluency", "terminology", "style", "locale", "residue"}
SEVERITIES = {"minor", "major", "critical"}
KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
ANSI = re.compile(r"\x1b\[")

# An article written for these tests: one lowercase section heading (TQ401, minor, safe fix) and
# nothing else a careful editor would change.
MINOR_ARTICLE = """City council approves new budget for public transport

The city council approved on Monday a new budget for public transport, after a long debate.
The plan adds three bus lines and extends the opening hours of the metro on weekends.

new measures

The mayor said the measures would be financed by a small increase in parking fees.
Opposition members criticised the timing of the vote but did not block it.
"""
# The same article with its heading fixed and a line of page residue (TQ101, major) at the end.
MAJOR_ARTICLE = MINOR_ARTICLE.replace("new measures", "New measures") + "\nLeave a Reply\n"


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# ---- the seed article ------------------------------------------------------------------------


NO_COLOUR_FORCED = ("FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE")


def run_plain(*args: str) -> subprocess.CompletedProcess[str]:
    """`run_cli` in an environment that asks for no colour: what a pipe or a CI log gets."""
    env = {k: v for k, v in os.environ.items() if k not in NO_COLOUR_FORCED}
    env["TERM"] = "xterm-256color"
    command = [sys.executable, "-m", "tqcheck", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)


def run_side_by_side(commands: dict[str, tuple[str, ...]]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Independent commands at once, to keep the suite fast; results by name."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = dict(zip(commands, pool.map(lambda args: run_plain(*args), commands.values()), strict=True))
    for name, result in results.items():
        assert "Traceback" not in result.stderr, (name, result.stderr)
    return results


SELECTIONS = {
    "select": ("--select", "TQ1", "--select", "literal-sense"),
    "ignore": ("--ignore", "TQ1", "--ignore", "heading-lowercase"),
}


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip("the shared seed article is not present")
    return SEED.read_bytes().decode("utf-8-sig")


@pytest.fixture(scope="module")
def seed_runs(seed_text: str) -> dict[str, subprocess.CompletedProcess[str]]:
    seed = (str(SEED), "--lang", "en", "--no-lm")
    return run_side_by_side(
        {
            "json": ("check", *seed, "--format", "json"),
            "text": ("check", *seed),
            **{name: ("check", *seed, *options, "--format", "json") for name, options in SELECTIONS.items()},
        }
    )


@pytest.fixture(scope="module")
def seed_report(seed_runs: dict) -> dict:
    result = seed_runs["json"]
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def seed_findings(seed_report: dict) -> list[dict]:
    assert len(seed_report["files"]) == 1
    return seed_report["files"][0]["findings"]


def test_json_contract(seed_report: dict, seed_text: str) -> None:
    from tqcheck import __version__

    assert seed_report["tqcheck"] == __version__
    assert isinstance(seed_report["files"], list) and len(seed_report["files"]) == 1
    entry = seed_report["files"][0]
    assert entry["path"] == str(SEED)
    assert entry["lang"] == "en"
    assert isinstance(entry["words"], int) and entry["words"] > 300  # a ~400-word article
    assert isinstance(entry["score"], int | float) and 0 <= entry["score"] <= 100
    assert entry["findings"], "the seed article has known artifacts"
    line_starts = [0] + [m.end() for m in re.finditer("\n", seed_text)]
    for finding in entry["findings"]:
        assert re.fullmatch(r"TQ\d{3}", finding["rule"]), finding
        assert finding["rule"] in BY_CODE, finding["rule"]
        assert KEBAB.fullmatch(finding["name"]), finding["name"]
        assert finding["name"] == BY_CODE[finding["rule"]].name
        assert finding["category"] in CATEGORIES
        assert finding["severity"] in SEVERITIES
        assert isinstance(finding["message"], str) and finding["message"].strip()
        start, end = finding["start"], finding["end"]
        assert 0 <= start < end <= len(seed_text)
        assert finding["text"] == seed_text[start:end]
        # 1-based line and column of `start`.
        line = max(i for i, s in enumerate(line_starts) if s <= start) + 1
        assert finding["line"] == line
        assert finding["column"] == start - line_starts[line - 1] + 1
        assert finding["line"] == seed_text.count("\n", 0, start) + 1
        assert isinstance(finding["suggestions"], list)
        for suggestion in finding["suggestions"]:
            assert isinstance(suggestion["replacement"], str)
            assert 0 <= suggestion["start"] <= suggestion["end"] <= len(seed_text)
            assert isinstance(suggestion["confidence"], int | float)
            assert 0.0 <= suggestion["confidence"] <= 1.0
    findings = entry["findings"]
    assert findings == sorted(findings, key=lambda f: (f["start"], f["end"], f["rule"]))


def _span_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _covering(findings: list[dict], start: int, end: int) -> list[dict]:
    """Findings whose span overlaps text[start:end]."""
    return [f for f in findings if f["start"] < end and start < f["end"]]


def _line_span(text: str, line_text: str) -> tuple[int, int]:
    match = re.search(rf"^{re.escape(line_text)}$", text, re.MULTILINE)
    assert match, line_text
    return match.span()


def _apply(text: str, suggestion: dict) -> str:
    return text[: suggestion["start"]] + suggestion["replacement"] + text[suggestion["end"] :]


def seed_artifacts(text: str) -> dict[str, tuple[int, int]]:
    title = text.splitlines()[0]
    return {
        "steadfast (title)": _span_of(text, "steadfast"),
        "Nagorno region. Karabakh.": _span_of(text, "Nagorno region. Karabakh."),
        "calls for restraint": _line_span(text, "calls for restraint"),
        "accidents (heading)": _span_of(text, "accidents"),
        "accident between": _span_of(text, "accident between the two sides"),
        "Google News Follow 1": _line_span(text, "Google News Follow 1"),
        "repeated title 2": _line_span(text, title + " 2"),
        "Leave a Reply": _line_span(text, "Leave a Reply"),
    }


def test_seed_title_steadfast(seed_findings: list[dict], seed_text: str) -> None:
    start, end = seed_artifacts(seed_text)["steadfast (title)"]
    assert start < len(seed_text.splitlines()[0]), "the first 'steadfast' is in the title"
    assert _covering(seed_findings, start, end)


def test_seed_split_entity(seed_findings: list[dict], seed_text: str) -> None:
    start, end = seed_artifacts(seed_text)["Nagorno region. Karabakh."]
    found = [f for f in seed_findings if f["start"] <= start and end <= f["end"]]
    assert found, "a finding covers 'Nagorno region. Karabakh.'"
    assert any("Nagorno-Karabakh" in s["replacement"] for f in found for s in f["suggestions"])


def test_seed_lowercase_heading(seed_findings: list[dict], seed_text: str) -> None:
    start, end = seed_artifacts(seed_text)["calls for restraint"]
    found = _covering(seed_findings, start, end)
    assert found
    fixed = [_apply(seed_text, s) for f in found for s in f["suggestions"]]
    assert any(re.search(r"^Calls for restraint$", t, re.MULTILINE) for t in fixed)


@pytest.mark.parametrize("artifact", ["accidents (heading)", "accident between"])
def test_seed_accident_is_incident(seed_findings: list[dict], seed_text: str, artifact: str) -> None:
    start, _ = seed_artifacts(seed_text)[artifact]
    word = "accidents" if artifact.startswith("accidents") else "accident"
    found = _covering(seed_findings, start, start + len(word))
    assert found, f"no finding on “{word}”"
    assert any("incident" in s["replacement"] for f in found for s in f["suggestions"])


@pytest.mark.parametrize("artifact", ["Google News Follow 1", "repeated title 2", "Leave a Reply"])
def test_seed_residue_lines(seed_findings: list[dict], seed_text: str, artifact: str) -> None:
    start, end = seed_artifacts(seed_text)[artifact]
    assert [f for f in seed_findings if f["start"] <= start and end <= f["end"]], artifact


def test_seed_dateline_not_flagged(seed_findings: list[dict], seed_text: str) -> None:
    start, end = _line_span(seed_text, "Baku – AFP")
    assert not _covering(seed_findings, start, end)


def test_seed_few_other_major_findings(seed_findings: list[dict], seed_text: str) -> None:
    artifacts = seed_artifacts(seed_text).values()
    others = [
        f
        for f in seed_findings
        if f["severity"] in ("major", "critical")
        and not any(f["start"] < end and start < f["end"] for start, end in artifacts)
    ]
    assert len(others) <= 2, [(f["rule"], f["text"]) for f in others]


# ---- text format -----------------------------------------------------------------------------


def test_text_format(seed_runs: dict, seed_report: dict, seed_findings: list[dict]) -> None:
    result = seed_runs["text"]
    assert result.returncode == 1  # the seed has major findings; --fail-on defaults to major
    assert not ANSI.search(result.stdout) and not ANSI.search(result.stderr)
    pattern = re.compile(
        rf"^{re.escape(str(SEED))}:(\d+):(\d+) (minor|major|critical) (TQ\d{{3}})\b", re.MULTILINE
    )
    reported = sorted((int(m[1]), int(m[2]), m[3], m[4]) for m in pattern.finditer(result.stdout))
    expected = sorted((f["line"], f["column"], f["severity"], f["rule"]) for f in seed_findings)
    assert reported == expected
    # The summary: counts by severity and the score, in a table with a header row.
    lines = result.stdout.splitlines()
    columns = ["files", "words", "minor", "major", "critical", "score"]
    header = next(i for i, line in enumerate(lines) if line.split() == columns)
    files, words, minor, major, critical, score = lines[header + 1].split()
    count = {s: sum(f["severity"] == s for f in seed_findings) for s in SEVERITIES}
    assert int(files) == 1
    assert (int(minor), int(major), int(critical)) == (count["minor"], count["major"], count["critical"])
    report = seed_report
    assert int(words) == report["files"][0]["words"]
    assert float(score) == pytest.approx(report["files"][0]["score"], abs=0.051)
    assert f"{len(seed_findings)} finding(s)" in result.stdout


# ---- exit codes ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exit")
    paths = {"minor": folder / "minor.txt", "major": folder / "major.txt"}
    paths["minor"].write_text(MINOR_ARTICLE, encoding="utf-8")
    paths["major"].write_text(MAJOR_ARTICLE, encoding="utf-8")
    return paths


EXIT_CODES = [
    ("minor", "minor", 1),
    ("minor", "major", 0),
    ("major", None, 1),  # the default is major
    ("major", "critical", 0),
    ("major", "never", 0),
]


@pytest.fixture(scope="module")
def article_runs(articles: dict[str, Path]) -> dict[str, subprocess.CompletedProcess[str]]:
    options = ("--lang", "en", "--no-lm")
    both = (str(articles["minor"]), str(articles["major"]))
    commands = {"known": ("check", *both, *options, "--format", "json")}
    for article, fail_on, _ in EXIT_CODES:
        extra = ("--fail-on", fail_on) if fail_on else ()
        commands[f"{article}-{fail_on}"] = ("check", str(articles[article]), *options, *extra)
    return run_side_by_side(commands)


def test_exit_code_articles_have_the_known_findings(article_runs: dict) -> None:
    minor, major = json.loads(article_runs["known"].stdout)["files"]
    assert [(f["rule"], f["severity"], f["text"]) for f in minor["findings"]] == [
        ("TQ401", "minor", "new measures")
    ]
    assert [(f["rule"], f["severity"], f["text"]) for f in major["findings"]] == [
        ("TQ101", "major", "Leave a Reply")
    ]


@pytest.mark.parametrize(("article", "fail_on", "code"), EXIT_CODES)
def test_exit_code_by_fail_on(article_runs: dict, article: str, fail_on: str | None, code: int) -> None:
    result = article_runs[f"{article}-{fail_on}"]
    assert result.returncode == code, result.stdout + result.stderr
    assert "TQ401" in result.stdout if article == "minor" else "TQ101" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{file}", "--fail-on", "sometimes"],
        ["check", "{file}", "--no-such-option"],
        ["check"],
        ["check", "{file}", "--format", "yaml"],
        ["no-such-command"],
        ["check", "{file}", "--min-confidence", "2"],
    ],
)
def test_usage_errors_exit_2(articles: dict[str, Path], args: list[str]) -> None:
    result = run_cli(*(a.replace("{file}", str(articles["major"])) for a in args))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not result.stdout.strip()


# ---- rules -----------------------------------------------------------------------------------


def _languages(rule) -> list[str]:
    return rule.supported_languages()


def test_rules_lists_every_rule() -> None:
    result = run_cli("rules")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if re.match(r"TQ\d{3}\s", line)}
    assert sorted(rows) == sorted(rule.code for rule in ALL)
    for rule in ALL:
        cells = rows[rule.code].split()
        assert cells[1] == rule.name, rows[rule.code]  # in full, even when piped
        assert str(rule.category) in cells and str(rule.severity) in cells, rows[rule.code]
        if len(_languages(rule)) == len(SUPPORTED):
            assert "all" in cells
        else:
            assert all(lang in cells for lang in _languages(rule)), rows[rule.code]


def test_rules_json_lists_every_rule() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [r["code"] for r in listed] == [rule.code for rule in ALL]
    for rule, row in zip(ALL, listed, strict=True):
        assert row["name"] == rule.name and KEBAB.fullmatch(row["name"])
        assert row["category"] == str(rule.category) in CATEGORIES
        assert row["severity"] == str(rule.severity) in SEVERITIES
        assert row["languages"] == _languages(rule)


@pytest.mark.parametrize("key", ["TQ201", "tq201", "split-entity"])
def test_rules_one_rule(key: str) -> None:
    rule = BY_CODE["TQ201"]
    result = run_cli("rules", key)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert not ANSI.search(out)
    assert "TQ201" in out and rule.name in out
    for section in ("What it does", "Why is this bad?", "Fix safety"):
        assert section in out
    assert rule.examples
    for example in rule.examples:
        assert example.text in out
        if example.fixed is not None:
            assert example.fixed in out


def test_rules_unknown_code() -> None:
    result = run_cli("rules", "NOPE")
    assert_one_line_error(result, "NOPE")
    assert not result.stdout


# ---- --select and --ignore -------------------------------------------------------------------


KEEP = {
    "select": lambda code: code.startswith("TQ1") or code == "TQ301",
    "ignore": lambda code: not code.startswith("TQ1") and code != "TQ401",
}


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_select_and_ignore(seed_runs: dict, seed_findings: list[dict], selection: str) -> None:
    keep = KEEP[selection]
    everything = {(f["rule"], f["start"], f["end"]) for f in seed_findings}
    assert {"TQ101", "TQ102", "TQ301", "TQ401"} <= {r for r, _, _ in everything}, "the seed's known rules"
    report = json.loads(seed_runs[selection].stdout)
    got = {(f["rule"], f["start"], f["end"]) for f in report["files"][0]["findings"]}
    assert got and all(keep(rule) for rule, _, _ in got), got
    # Findings of the rules still selected are all still there. (Ignoring residue rules may add
    # findings: what other rules say inside a residue line is reported once the line is not.)
    assert {item for item in everything if keep(item[0])} <= got
    assert got != everything


@pytest.mark.parametrize(("option", "selector"), [("--select", "TQ9"), ("--ignore", "no-such-rule")])
def test_unknown_selector(articles: dict[str, Path], option: str, selector: str) -> None:
    result = run_cli("check", str(articles["major"]), "--no-lm", option, selector)
    assert_one_line_error(result, selector)
    assert not result.stdout


# ---- compare ---------------------------------------------------------------------------------

HYPOTHESIS = [
    "The ceasefire is holding in the region, officials said on Wednesday.",
    "Clashes on Tuesday killed several soldiers on both sides.",
    "The six-week war ended in November with a deal brokered by Russia.",
    "Armenia asked its Russian ally for military support.",
    "The talks will resume next week in Moscow.",
]
REFERENCE_1 = [
    "The ceasefire was holding in the region on Wednesday, officials said.",
    "Clashes on Tuesday killed several soldiers from both sides.",
    "The six-week war ended in November with a Russian-brokered deal.",
    "Armenia has asked its Russian ally for military support.",
    "Talks will resume in Moscow next week.",
]
REFERENCE_2 = [
    "Officials said the truce held in the region on Wednesday.",
    "Several soldiers were killed in Tuesday's clashes.",
    "A Russian-brokered deal ended the six-week war in November.",
    "Armenia requested military help from its ally Russia.",
    "Negotiations resume in Moscow next week.",
]


@pytest.fixture(scope="module")
def compare_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compare")
    files = {}
    for name, lines in (("hyp", HYPOTHESIS), ("ref1", REFERENCE_1), ("ref2", REFERENCE_2)):
        files[name] = folder / f"{name}.txt"
        files[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    files["short"] = folder / "short.txt"
    files["short"].write_text("\n".join(REFERENCE_1[:3]) + "\n", encoding="utf-8")
    return files


def sacrebleu_scores(hypothesis: Path, references: list[Path]) -> list[float]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sacrebleu",
            *map(str, references),
            "-i",
            str(hypothesis),
            "-m",
            "bleu",
            "chrf",
            "ter",
            "-b",
            "-w",
            "4",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", result.stdout)]
    assert len(numbers) == 3, result.stdout
    return numbers


@pytest.mark.parametrize("refs", [["ref1"], ["ref1", "ref2"]], ids=["one-ref", "two-refs"])
def test_compare_equals_sacrebleu(compare_files: dict[str, Path], refs: list[str]) -> None:
    references = [compare_files[r] for r in refs]
    ref_args = [arg for r in references for arg in ("--ref", str(r))]
    result = run_cli("compare", str(compare_files["hyp"]), *ref_args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = sacrebleu_scores(compare_files["hyp"], references)
    got = [data["scores"]["BLEU"], data["scores"]["chrF"], data["scores"]["TER"]]
    assert got == pytest.approx(expected, abs=1e-3)
    assert 0 < got[0] < 100  # neither trivially perfect nor zero
    for name in ("BLEU", "chrF", "TER"):
        signature = data["signatures"][name]
        assert f"nrefs:{len(references)}" in signature and "version:" in signature
    # The table shows the same numbers and the signatures in full.
    table = run_cli("compare", str(compare_files["hyp"]), *ref_args)
    assert table.returncode == 0, table.stderr
    for name, value in zip(("BLEU", "chrF", "TER"), got, strict=True):
        row = next(line for line in table.stdout.splitlines() if line.split()[:1] == [name])
        assert f"{value:.2f}" in row
        assert data["signatures"][name] in row


def test_compare_two_references_differ_from_one(compare_files: dict[str, Path]) -> None:
    one = sacrebleu_scores(compare_files["hyp"], [compare_files["ref1"]])
    two = sacrebleu_scores(compare_files["hyp"], [compare_files["ref1"], compare_files["ref2"]])
    assert one != two  # so the two-reference comparison above tests something of its own


def test_compare_mismatched_line_counts(compare_files: dict[str, Path]) -> None:
    result = run_cli("compare", str(compare_files["hyp"]), "--ref", str(compare_files["short"]))
    assert_one_line_error(result, "3", "5")
    assert not result.stdout


def test_compare_missing_reference(compare_files: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = run_cli("compare", str(compare_files["hyp"]), "--ref", str(missing))
    assert_one_line_error(result, str(missing))


# ---- eval ------------------------------------------------------------------------------------


def test_eval_json() -> None:
    gold = ROOT / "corpora" / "dev" / "gold.jsonl"
    result = run_cli("eval", str(gold), "--no-lm", "--format", "json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert data["records"] == sum(r["lang"] == "en" for r in records) > 0
    assert list(data["by_lang"]) == ["en"]
    assert data["by_rule"] and set(data["by_rule"]) <= set(BY_CODE)
    assert data["by_category"] and set(data["by_category"]) <= CATEGORIES
    assert data["overall"]["gold"] == sum(len(r["spans"]) for r in records if r["lang"] == "en")
    for table in ("by_lang", "by_rule", "by_category"):
        for key, counts in data[table].items():
            for metric in ("precision", "recall", "f1"):
                assert metric in counts, (table, key, metric)
                assert counts[metric] is None or 0.0 <= counts[metric] <= 1.0
            if counts["predicted"]:
                assert counts["precision"] == pytest.approx(counts["correct"] / counts["predicted"], abs=1e-4)
    overall = data["overall"]
    assert overall["recall"] == pytest.approx(overall["found"] / overall["gold"], abs=1e-4)
    p, r = overall["precision"], overall["recall"]
    assert overall["f1"] == pytest.approx(2 * p * r / (p + r), abs=1e-3)
    assert data["by_lang"]["en"]["predicted"] == overall["predicted"]


def test_check_fix_and_report_accept_the_same_shared_options(cli) -> None:
    """One options object for all commands: every shared option is in each command's help."""
    from tqcheck.cli import SHARED_OPTIONS

    flags = ["--" + name.replace("_", "-") for name in SHARED_OPTIONS]
    for command in ("check", "fix", "report"):
        result = cli(command, "--help", env={"COLUMNS": "200"})
        assert result.returncode == 0, result.stderr
        missing = [flag for flag in flags if flag not in result.stdout]
        assert not missing, (command, missing)


def test_signature_names_the_languages_and_changes_with_their_data(cli, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Officials said the talks would resume on Monday.\n", encoding="utf-8")
    result = cli("check", str(article), "--lang", "en", "--no-lm", "--format", "json")
    signature = json.loads(result.stdout)["signature"]
    assert "|langs:en|" in signature
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("en\tceasefire\tcease-fire\n", encoding="utf-8")
    with_glossary = cli(
        "check", str(article), "--lang", "en", "--no-lm", "--format", "json", "--glossary", str(glossary)
    )
    assert json.loads(with_glossary.stdout)["signature"] != signature  # the glossary is data the run read


# ---- compare: sentence BLEU and Chinese (issue 12) ------------------------------------------


def test_compare_segments_use_effective_order_like_sacrebleu_sl(tmp_path: Path) -> None:
    hypothesis, reference = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    # Short segments: without effective order the missing 4-grams make sentence BLEU 0.
    hypothesis.write_text("Truce held.\nSoldiers were killed on Tuesday.\nTalks resume.\n", encoding="utf-8")
    reference.write_text(
        "The truce held.\nSeveral soldiers were killed on Tuesday.\nTalks resume soon.\n", encoding="utf-8"
    )
    result = run_cli("compare", str(hypothesis), "--ref", str(reference), "--segments", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "effective_order" not in result.stderr and not result.stderr.strip()  # no warning per segment
    got = [row["BLEU"] for row in json.loads(result.stdout)["segments"]]
    expected = subprocess.run(
        [
            sys.executable,
            "-m",
            "sacrebleu",
            str(reference),
            "-i",
            str(hypothesis),
            "-m",
            "bleu",
            "-sl",
            "-b",
            "-w",
            "4",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert got == pytest.approx([float(x) for x in expected], abs=1e-3)
    assert min(got) > 0


def test_compare_chinese_without_lang_uses_the_zh_tokenizer(tmp_path: Path) -> None:
    hypothesis, reference = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hypothesis.write_text("停火协议周三在该地区继续有效。\n几名士兵在周二的冲突中丧生。\n", encoding="utf-8")
    reference.write_text(
        "官员说，停火协议周三在该地区继续有效。\n数名士兵在周二的冲突中丧生。\n", encoding="utf-8"
    )
    result = run_cli("compare", str(hypothesis), "--ref", str(reference), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "tok:zh" in data["signatures"]["BLEU"]
    expected = subprocess.run(
        [
            sys.executable,
            "-m",
            "sacrebleu",
            str(reference),
            "-i",
            str(hypothesis),
            "-m",
            "bleu",
            "-tok",
            "zh",
            "-b",
            "-w",
            "4",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert data["scores"]["BLEU"] == pytest.approx(float(expected), abs=0.01)
    assert data["scores"]["BLEU"] > 10


# ---- results (issue 12) ------------------------------------------------------------------------


def test_source_lang_gives_one_literal_sense_finding_per_span(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Paris supporte la résolution présentée au Conseil de sécurité.\n", encoding="utf-8")
    result = run_cli(
        "check", str(article), "--no-lm", "-l", "fr", "--source-lang", "en", "-f", "json", "--select", "TQ301"
    )
    (entry,) = json.loads(result.stdout)["files"]
    assert [(f["rule"], f["text"]) for f in entry["findings"]] == [("TQ301", "supporte la résolution")]
    alone = run_cli("check", str(article), "--no-lm", "-l", "fr", "-f", "json", "--select", "TQ301")
    assert entry["score"] == json.loads(alone.stdout)["files"][0]["score"]  # counted once


def test_summary_labels_pooled_and_mean_scores(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text(MINOR_ARTICLE, encoding="utf-8")
    (tmp_path / "short.txt").write_text("The vote.\n\nLeave a Reply\n", encoding="utf-8")
    result = run_cli("check", str(tmp_path), "--no-lm", "-l", "en")
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["files", "words"])
    assert lines[header].split() == ["files", "words", "minor", "major", "critical", "score", "file-mean"]
    _, words, minor, major, critical, pooled, mean = lines[header + 1].split()
    penalty = int(minor) + 5 * int(major) + 25 * int(critical)
    assert float(pooled) == pytest.approx(100 * (1 - penalty / int(words)), abs=0.051)  # the totals' score
    assert float(mean) != float(pooled)
    assert (
        "over all the words (pooled)" in result.stdout
        and "file-mean = the mean of the files' scores" in result.stdout
    )


def test_nothing_checked_is_not_a_score_of_100(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    result = run_cli("check", str(tmp_path / "empty.txt"), "--no-lm", "-l", "en")
    assert result.returncode == 0
    summary = result.stdout.splitlines()
    row = summary[next(i for i, line in enumerate(summary) if line.startswith("files")) + 1].split()
    assert row[0] == "0" and row[-1] == "–" and "100" not in row
    assert "nothing checked: no score" in result.stdout
