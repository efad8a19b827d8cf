"""Configuration files, glossaries, baselines, suppression comments and parallel jobs, as a user
sets them up around their articles."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

# A lowercase section heading (TQ401, minor) and a line of page residue (TQ101, major).
ARTICLE = """City council approves new budget for public transport

The city council approved on Monday a new budget for public transport, after a long debate.
The plan adds three bus lines and extends the opening hours of the metro on weekends.

new measures

The mayor said the measures would be financed by a small increase in parking fees.
Opposition members criticised the timing of the vote but did not block it.

Leave a Reply
"""
MINOR_ONLY = ARTICLE.replace("\nLeave a Reply\n", "")


def run_check(cli, *args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = cli("check", *args, "--no-lm", "--format", "json", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(result.stdout)


def side_by_side(*calls):
    """Run independent commands at once (to keep the suite fast); their results in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


def rules_of(entry: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in entry["findings"]:
        out.setdefault(finding["rule"], []).append(finding)
    return out


def assert_config_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("tqcheck: error:"), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# ---- configuration files ---------------------------------------------------------------------


def test_tqcheck_toml_in_the_articles_folder(cli, tmp_path: Path) -> None:
    configured = tmp_path / "configured"
    plain = tmp_path / "plain"
    for folder in (configured, plain):
        folder.mkdir()
        (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (configured / "tqcheck.toml").write_text(
        'ignore = ["TQ101"]\nseverity = {TQ401 = "major"}\n', encoding="utf-8"
    )
    _, report = run_check(cli, str(configured / "article.txt"), str(plain / "article.txt"), "--lang", "en")
    with_config, without = (rules_of(entry) for entry in report["files"])
    assert "TQ101" in without and "TQ101" not in with_config
    assert [f["severity"] for f in without["TQ401"]] == ["minor"]
    assert [f["severity"] for f in with_config["TQ401"]] == ["major"]


def test_config_fail_on_and_lang_and_command_line_overrides(cli, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(MINOR_ONLY, encoding="utf-8")  # English, one minor finding
    (tmp_path / "tqcheck.toml").write_text('fail-on = "minor"\nlang = "fr"\n', encoding="utf-8")
    fast = ("--select", "TQ1", "--select", "TQ4")  # rules that need no word-frequency data
    (result, report), (overridden, override_report) = side_by_side(
        lambda: run_check(cli, str(path), *fast),
        lambda: run_check(cli, str(path), *fast, "--fail-on", "never", "--lang", "en"),
    )
    assert result.returncode == 1  # fail-on = "minor" from the file (the default is major)
    assert report["files"][0]["lang"] == "fr"  # not detected: the file says so
    assert "TQ401" in rules_of(report["files"][0])
    assert overridden.returncode == 0
    assert override_report["files"][0]["lang"] == "en"


def test_pyproject_tool_table_in_a_parent_folder(cli, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "newsroom"\n\n[tool.tqcheck]\nignore = ["page-residue"]\n', encoding="utf-8"
    )
    nested = tmp_path / "articles" / "2024"
    nested.mkdir(parents=True)
    # A pyproject.toml without a [tool.tqcheck] table on the way up is not a tqcheck configuration.
    (tmp_path / "articles" / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    (nested / "article.txt").write_text(ARTICLE, encoding="utf-8")
    _, report = run_check(cli, str(nested / "article.txt"), "--lang", "en")
    rules = rules_of(report["files"][0])
    assert "TQ101" not in rules and "TQ401" in rules


def test_explicit_config_option(cli, tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "strict.toml").write_text('select = ["TQ101"]\n', encoding="utf-8")
    config = str(tmp_path / "strict.toml")
    _, report = run_check(cli, str(tmp_path / "article.txt"), "--lang", "en", "--config", config)
    assert set(rules_of(report["files"][0])) == {"TQ101"}


def test_unknown_key(cli, tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "tqcheck.toml").write_text('ignore = ["TQ101"]\nfail_onn = "minor"\n', encoding="utf-8")
    result = cli("check", str(tmp_path / "article.txt"), "--no-lm")
    assert_config_error(result, "fail_onn", "tqcheck.toml")


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('ignore = "TQ101"', "'ignore'"),
        ("fail-on = 3", "'fail-on'"),
        ('severity = {TQ401 = "huge"}', "severity.TQ401"),
        ('min-confidence = "high"', "'min-confidence'"),
        ("lm = 1", "'lm'"),
    ],
)
def test_wrong_type(cli, tmp_path: Path, line: str, key: str) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "tqcheck.toml").write_text(line + "\n", encoding="utf-8")
    result = cli("check", str(tmp_path / "article.txt"), "--no-lm")
    assert_config_error(result, key)


def test_invalid_toml(cli, tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "tqcheck.toml").write_text("ignore = [TQ101\n", encoding="utf-8")
    assert_config_error(cli("check", str(tmp_path / "article.txt"), "--no-lm"), "tqcheck.toml")


# ---- glossaries ------------------------------------------------------------------------------

GLOSSARY_ARTICLE = """Ceasefire holds in Karabakh

Officials said on Wednesday that the truce in Nagorny Karabakh was holding after a night of shelling.
Both sides accused each other of violations, but no casualties were reported on Wednesday.
"""
TSV = "lang\tpreferred\tforbidden\nen\tNagorno-Karabakh\tNagorny Karabakh|Nagorno Karabagh\n"
CSV = "lang,preferred,forbidden\nen,Nagorno-Karabakh,Nagorny Karabakh|Nagorno Karabagh\n"


def _assert_glossary_finding(entry: dict) -> None:
    (finding,) = rules_of(entry)["TQ602"]
    start = GLOSSARY_ARTICLE.index("Nagorny Karabakh")
    assert (finding["start"], finding["end"], finding["text"]) == (start, start + 16, "Nagorny Karabakh")
    best = finding["suggestions"][0]
    assert best["replacement"] == "Nagorno-Karabakh"
    assert best["applicability"] == "safe"


@pytest.mark.parametrize(("name", "content"), [("terms.tsv", TSV), ("terms.csv", CSV)])
def test_glossary_option(cli, tmp_path: Path, name: str, content: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "article.txt").write_text(GLOSSARY_ARTICLE, encoding="utf-8")
    glossary = str(tmp_path / name)
    article = str(tmp_path / "article.txt")
    _, report = run_check(cli, article, "--lang", "en", "--select", "TQ6", "--glossary", glossary)
    _assert_glossary_finding(report["files"][0])


def test_glossary_in_the_config_file_is_relative_to_it(cli, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "terms").mkdir(parents=True)
    (project / "terms" / "terms.tsv").write_text(TSV, encoding="utf-8")
    (project / "tqcheck.toml").write_text('glossary = "terms/terms.tsv"\n', encoding="utf-8")
    (project / "article.txt").write_text(GLOSSARY_ARTICLE, encoding="utf-8")
    # Run from elsewhere: the path resolves against the configuration file, not the working folder.
    _, report = run_check(cli, "project/article.txt", "--lang", "en", cwd=tmp_path)
    _assert_glossary_finding(report["files"][0])


def test_missing_glossary(cli, tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(GLOSSARY_ARTICLE, encoding="utf-8")
    missing = tmp_path / "nope.tsv"
    result = cli("check", str(tmp_path / "article.txt"), "--no-lm", "--glossary", str(missing))
    assert_config_error(result, str(missing))


# ---- baselines -------------------------------------------------------------------------------


def test_baseline(cli, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    result = cli(
        "check", str(article), "--lang", "en", "--no-lm", "--baseline", str(baseline), "--update-baseline"
    )
    assert result.returncode == 0, result.stderr
    assert "recorded 2 finding(s)" in result.stderr  # TQ401 and TQ101
    assert json.loads(baseline.read_text(encoding="utf-8"))["files"]

    result, report = run_check(cli, str(article), "--lang", "en", "--baseline", str(baseline))
    assert result.returncode == 0 and report["files"][0]["findings"] == []

    # A paragraph inserted above the old findings moves them; they stay hidden.
    paragraph = (
        "The vote was the last of the session, and the new budget takes effect in January, the city said.\n\n"
    )
    moved = ARTICLE.replace("The city council approved", paragraph + "The city council approved", 1)
    assert moved != ARTICLE
    article.write_text(moved, encoding="utf-8")
    result, report = run_check(cli, str(article), "--lang", "en", "--baseline", str(baseline))
    assert result.returncode == 0 and report["files"][0]["findings"] == []

    # A new artifact is reported, and only it.
    article.write_text(moved + "\nShare on Facebook\n", encoding="utf-8")
    result, report = run_check(cli, str(article), "--lang", "en", "--baseline", str(baseline))
    assert result.returncode == 1
    assert [(f["rule"], f["text"]) for f in report["files"][0]["findings"]] == [
        ("TQ101", "Share on Facebook")
    ]


# ---- suppression comments --------------------------------------------------------------------

MARKDOWN = """# Port workers end strike

The strike at the port ended on Tuesday after an agreement on wages was reached with the union.

<!-- tqcheck: disable TQ101 -->

Leave a Reply

The deal was signed by the the management on Tuesday evening, the union said.

<!-- tqcheck: enable -->

Leave a Reply
"""
HTML = """<html><body><article>
<h1>Port workers end strike</h1>
<p>The strike at the port ended on Tuesday after an agreement on wages was reached with the union.</p>
<!-- tqcheck: disable TQ101 -->
<p>Leave a Reply</p>
<p>The deal was signed by the the management on Tuesday evening, the union said.</p>
<!-- tqcheck: enable -->
<p>Leave a Reply</p>
</article></body></html>
"""


def test_suppression_comments(cli, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    _, report = run_check(cli, str(tmp_path / "a.md"), str(tmp_path / "b.html"), "--lang", "en")
    for entry, source in zip(report["files"], (MARKDOWN, HTML), strict=True):
        rules = rules_of(entry)
        # TQ101 only after the region; the other rule still reports inside it.
        assert [f["start"] for f in rules["TQ101"]] == [source.rindex("Leave a Reply")], entry["path"]
        assert [f["text"] for f in rules["TQ202"]] == ["the the"], entry["path"]
        assert source.index("disable") < rules["TQ202"][0]["start"] < source.index("enable -->")


# ---- parallel jobs ---------------------------------------------------------------------------


def test_jobs_give_the_same_findings(cli, tmp_path: Path) -> None:
    corpora = Path(__file__).resolve().parent.parent / "corpora"
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-seed.txt").write_bytes((corpora / "dev" / "en" / "mt-port-strike.txt").read_bytes())
    (folder / "b-budget.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "c-minor.txt").write_text(MINOR_ONLY, encoding="utf-8")
    (folder / "d-glossary.txt").write_text(GLOSSARY_ARTICLE, encoding="utf-8")
    (folder / "e-residue.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "f-residue.html").write_text(HTML, encoding="utf-8")
    # More files than one chunk (4), so that both workers get some.
    (_, one), (_, two) = side_by_side(
        lambda: run_check(cli, str(folder), "--jobs", "1", "--lang", "en"),
        lambda: run_check(cli, str(folder), "--jobs", "2", "--lang", "en"),
    )
    assert len(one["files"]) == 6
    assert sum(len(entry["findings"]) for entry in one["files"]) >= 8
    assert one["files"] == two["files"]


def test_baseline_run_says_how_many_it_hid_and_survives_edits_in_the_paragraph(cli, tmp_path: Path) -> None:
    paragraph = "Officials said on Monday that the the talks went well, and the mayor thanked the unions."
    article = tmp_path / "article.txt"
    article.write_text(f"Talks end in Geneva\n\n{paragraph}\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    cli("check", str(article), "--no-lm", "--lang", "en", "--baseline", str(baseline), "--update-baseline")
    result = cli("check", str(article), "--no-lm", "--lang", "en", "--baseline", str(baseline))
    assert result.returncode == 0, result.stderr
    assert "1 finding(s) hidden by the baseline" in result.stderr
    assert "0 finding(s), 1 more hidden by the baseline" in result.stdout
    # An edit elsewhere in the same paragraph (one line here) keeps the finding hidden.
    article.write_text(
        "Talks end in Geneva\n\n"
        + paragraph.replace("the mayor thanked", "the new mayor warmly thanked")
        + "\n",
        encoding="utf-8",
    )
    result, report = run_check(cli, str(article), "--lang", "en", "--baseline", str(baseline))
    assert report["files"][0]["findings"] == [] and result.returncode == 0
    # An edit next to it brings it back: it is no longer the same finding for certain.
    article.write_text(
        "Talks end in Geneva\n\nOfficials said that the the talks went well.\n", encoding="utf-8"
    )
    _, report = run_check(cli, str(article), "--lang", "en", "--baseline", str(baseline))
    assert [f["rule"] for f in report["files"][0]["findings"]] == ["TQ202"]


def test_baseline_of_an_older_format_is_a_one_line_error(cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A text with the the word.\n", encoding="utf-8")
    old = tmp_path / "old.json"
    old.write_text(
        json.dumps({"tqcheck": "0.1.0", "baseline": 1, "files": {"a.txt": ["x:1"]}}), encoding="utf-8"
    )
    result = cli("check", str(tmp_path / "a.txt"), "--no-lm", "--baseline", str(old))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "older tqcheck; record it again with --update-baseline" in result.stderr


def test_unknown_rule_in_a_suppression_comment_is_a_one_line_error(cli, tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text("# Title\n\n<!-- tqcheck: disable TQ999 -->\nText with the the word.\n", encoding="utf-8")
    result = cli("check", str(page), "--no-lm")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"tqcheck: error: {page}: line 3: unknown rule 'TQ999' in a tqcheck suppression comment; "
        "`tqcheck rules` lists them"
    ]
