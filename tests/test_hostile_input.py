"""Hostile input (issue 14), one test per case: what an attacker or an unlucky user feeds tqcheck
gives a result or one line on stderr with exit code 2 — never an internal error (exit 3), never a
traceback, never a hang; decoding recognises what the file is; spans hold on any text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_inputs import assert_input_error

ARTICLE = """Port workers end strike after wage deal

The strike at the port ended on Tuesday after an agreement on wages was reached with the union.
Ships that had waited outside the the harbour began to unload their cargo in the afternoon.
"""
NO_LM = ("--no-lm",)


# Exit code 2 and exactly one line on stderr: an error naming each of `names`.
one_error_line = assert_input_error


def a_result(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode in (0, 1), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def spans_are_the_files(report: dict, texts: dict[str, str]) -> int:
    """Every finding's text is file[start:end] and every suggestion lies in the file; how many."""
    count = 0
    for entry in report["files"]:
        text = texts[entry["path"]]
        for finding in entry["findings"]:
            assert text[finding["start"] : finding["end"]] == finding["text"], finding
            for suggestion in finding["suggestions"]:
                assert 0 <= suggestion["start"] <= suggestion["end"] <= len(text), suggestion
            count += 1
    return count


def run_subprocess(*args: str, timeout: float, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A separate process, so that a hang fails the test instead of stopping the suite."""
    return subprocess.run(
        [sys.executable, "-m", "tqcheck", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


# ---- internal errors that must be results or one-line errors --------------------------------


def test_lone_surrogate_in_a_jsonl_record_is_an_input_error(cli, tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"id": "a", "text": "The port \\ud800 reopened."}\n', encoding="utf-8")
    for fmt in ("text", "json", "jsonl"):
        line = one_error_line(cli("check", str(path), *NO_LM, "--format", fmt), str(path))
        assert "line 1" in line and "surrogate" in line


def test_file_name_that_is_not_utf8_in_text_and_sarif_output(cli, tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9 article.txt")
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    path = str(tmp_path / name)
    text = cli("check", path, *NO_LM, "--lang", "en")
    a_result(text)
    assert "caf\\xe9 article.txt:4:" in text.stdout
    sarif = cli("check", path, *NO_LM, "--lang", "en", "--format", "sarif")
    a_result(sarif)
    log = json.loads(sarif.stdout)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
    ]
    assert uris and all("caf" in uri and "article.txt" in uri for uri in uris)


@pytest.fixture(scope="module")
def megabyte_line(tmp_path_factory) -> Path:
    """One line of more than 1,000,000 characters (spaCy's max_length), with a doubled word in it."""
    path = tmp_path_factory.mktemp("long") / "one-line.txt"
    body = "the port reopened on Tuesday, " * 34_000  # 1,020,000 characters, no sentence end
    path.write_text("Port strike\n\n" + body + "and the the ships left.\n", encoding="utf-8")
    return path


def test_line_over_a_million_characters_is_checked(cli, megabyte_line: Path, tmp_path: Path) -> None:
    other = tmp_path / "short.txt"
    other.write_text(ARTICLE, encoding="utf-8")
    result = cli("check", str(megabyte_line), str(other), *NO_LM, "--lang", "en", "--format", "json")
    a_result(result)
    report = json.loads(result.stdout)
    texts = {str(megabyte_line): megabyte_line.read_text(encoding="utf-8"), str(other): ARTICLE}
    assert spans_are_the_files(report, texts) > 0
    doubled = [f for e in report["files"] for f in e["findings"] if f["rule"] == "TQ202"]
    assert {f["text"] for f in doubled} == {"the the"} and len(doubled) == 2  # found in both files


def test_line_over_a_million_characters_is_fixed(cli, megabyte_line: Path) -> None:
    result = cli("fix", str(megabyte_line), *NO_LM, "--lang", "en")
    assert result.returncode == 1, result.stderr  # a diff printed, not written
    assert "+" in result.stdout and "and the ships left." in result.stdout


@pytest.mark.parametrize("suffix", ["md", "txt", "html"])
def test_cr_only_line_ends(cli, tmp_path: Path, suffix: str) -> None:
    body = {
        "md": "# port strike\r\r- The the port reopened.\r- Ships left.\r\r> quoted the the text\r\r## Next\rMore text.\r",
        "txt": "port strike\r\rThe the port reopened.\rShips left.\r",
        "html": "<h1>port strike</h1>\r<p>The the port\rreopened.</p>\r",
    }[suffix]
    path = tmp_path / f"old-mac.{suffix}"
    path.write_bytes(body.encode("utf-8"))
    result = cli("check", str(path), *NO_LM, "--lang", "en", "--format", "json")
    a_result(result)
    assert spans_are_the_files(json.loads(result.stdout), {str(path): body}) > 0
    assert cli("fix", str(path), *NO_LM, "--lang", "en").returncode in (0, 1)


def test_deeply_nested_json_in_jsonl_and_gold_files(cli, tmp_path: Path) -> None:
    nested = '{"text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    records = tmp_path / "records.jsonl"
    records.write_text(nested, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(nested, encoding="utf-8")
    for command in (("check",), ("fix",), ("report", "-o", str(tmp_path / "r.html"))):
        line = one_error_line(
            cli(*command[:1], str(records), *command[1:], *NO_LM, "--lang", "en"), str(records)
        )
        assert "line 1" in line
    assert "nested" in one_error_line(cli("eval", str(gold), *NO_LM), str(gold))
    assert not (tmp_path / "r.html").exists()


def test_dev_zero_is_refused_before_reading(cli) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert "not a regular file" in one_error_line(
        cli("check", "/dev/zero", *NO_LM, "--lang", "en"), "/dev/zero"
    )


def test_input_over_the_size_limit_is_refused(cli, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(ARTICLE * 40, encoding="utf-8")  # 9,160 bytes
    limited = {"TQCHECK_MAX_INPUT_MB": "0.005"}
    line = one_error_line(cli("check", str(path), *NO_LM, "--lang", "en", env=limited), str(path))
    assert "TQCHECK_MAX_INPUT_MB" in line
    a_result(cli("check", str(path), *NO_LM, "--lang", "en"))  # under the default limit
    stdin = cli("check", "-", *NO_LM, "--lang", "en", env=limited, input_text=ARTICLE * 40)
    assert "TQCHECK_MAX_INPUT_MB" in one_error_line(stdin)


def test_symlink_loop(cli, tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    line = one_error_line(cli("check", str(loop), *NO_LM), str(loop))
    assert "symbolic links" in line


def test_output_to_a_full_disk(cli, tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    line = one_error_line(cli("check", str(path), *NO_LM, "--lang", "en", "-o", "/dev/full"), "/dev/full")
    assert "No space left" in line
    full_report = tmp_path / "report.md"
    full_report.symlink_to("/dev/full")
    line = one_error_line(cli("report", str(path), *NO_LM, "--lang", "en", "-o", str(full_report)))
    assert str(full_report) in line and "No space left" in line


def test_full_standard_output(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tqcheck", "check", str(path), "--no-lm", "--lang", "en"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        "tqcheck: error: cannot write the output: No space left on device"
    ]


def test_residue_pattern_that_is_not_a_regex(cli, tmp_path: Path) -> None:
    config = tmp_path / "tqcheck.toml"
    config.write_text("residue = ['Subscribe to (the Daily Bugle']\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    line = one_error_line(
        cli("check", "a.txt", *NO_LM, "--lang", "en", cwd=tmp_path), str(config), "'residue'"
    )
    assert "regular expression" in line


@pytest.mark.parametrize("value", ["3", '"en"', "[1, 2]"])
def test_tool_tqcheck_of_the_wrong_type(cli, tmp_path: Path, value: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool]\ntqcheck = {value}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    one_error_line(
        cli("check", "a.txt", *NO_LM, "--lang", "en", cwd=tmp_path), str(pyproject), "tool.tqcheck"
    )


@pytest.mark.parametrize("value", ["3", '"x"'])
def test_tool_table_of_the_wrong_type_is_not_tqchecks_business(cli, tmp_path: Path, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"tool = {value}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    a_result(cli("check", "a.txt", *NO_LM, "--lang", "en", cwd=tmp_path))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"lang": "en", "text": "caf\xe9"}\n', "UTF-8"),
        (b"[1, 2]\n", "line 1"),
        (b'{"lang": "en", "text": "x", "spans": [1]}\n', "line 1"),
        (b'{"lang": 3, "text": "x"}\n', "line 1"),
        (b'{"lang": "en", "text": "x", "spans": {"start": 0}}\n', "line 1"),
    ],
)
def test_eval_on_bad_gold_files(cli, tmp_path: Path, content: bytes, expected: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(content)
    one_error_line(cli("eval", str(gold), *NO_LM), str(gold), expected)


@pytest.mark.parametrize(
    ("encoding", "language"), [("shift_jis", "Japanese"), ("euc_jp", "Japanese"), ("utf-8", "Japanese")]
)
def test_japanese_is_an_unsupported_language(cli, tmp_path: Path, encoding: str, language: str) -> None:
    path = tmp_path / "tokyo.txt"
    path.write_bytes(
        ("東京の港は火曜日に再開しました。労働者はストライキを終えました。\n" * 5).encode(encoding)
    )
    line = one_error_line(cli("check", str(path), *NO_LM), str(path), language)
    assert "not supported" in line


def test_korean_in_euc_kr_is_an_unsupported_language(cli, tmp_path: Path) -> None:
    path = tmp_path / "seoul.txt"
    path.write_bytes(
        ("부산항은 화요일에 파업이 끝난 뒤 다시 문을 열었다. 노동자들은 임금 협상을 마쳤다.\n" * 5).encode(
            "euc_kr"
        )
    )
    assert "Korean" in one_error_line(cli("check", str(path), *NO_LM), str(path))


# ---- hangs ---------------------------------------------------------------------------------


def test_hundred_thousand_short_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"Line {i} is short.\n" for i in range(100_000)), encoding="utf-8")
    result = run_subprocess("check", str(path), "--no-lm", "--lang", "en", "--format", "json", timeout=240)
    a_result(result)
    assert json.loads(result.stdout)["files"][0]["words"] == 400_000


def test_one_word_of_half_a_million_letters(tmp_path: Path) -> None:
    path = tmp_path / "word.txt"
    path.write_text("The the port " + "a" * 500_000 + " reopened.\n", encoding="utf-8")
    result = run_subprocess("check", str(path), "--no-lm", "--lang", "en", "--format", "json", timeout=240)
    a_result(result)
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert any(f["rule"] == "TQ202" and f["text"] == "The the" for f in findings)


@pytest.mark.parametrize("role", ["article", "source"])
def test_fifo_is_refused_not_waited_on(tmp_path: Path, role: str) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    args = [str(fifo)] if role == "article" else [str(article), "--source", str(fifo)]
    result = run_subprocess("check", *args, "--no-lm", "--lang", "en", timeout=60)
    assert "FIFO" in one_error_line(result, str(fifo))


# ---- decoding -----------------------------------------------------------------------------


def findings_of(cli, path: Path, *args: str) -> list[tuple[str, str]]:
    result = cli("check", str(path), *NO_LM, "--format", "json", *args)
    a_result(result)
    return [(f["rule"], f["text"]) for e in json.loads(result.stdout)["files"] for f in e["findings"]]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32", "utf-16"])
def test_utf16_and_utf32_with_and_without_bom(cli, tmp_path: Path, encoding: str) -> None:
    """Python's "utf-16"/"utf-32" write a byte-order mark; the -le/-be codecs do not."""
    reference = tmp_path / "utf8.txt"
    reference.write_text(ARTICLE, encoding="utf-8")
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    expected = findings_of(cli, reference, "--lang", "en")
    assert ("TQ202", "the the") in expected
    assert findings_of(cli, path, "--lang", "en") == expected


def test_gb18030_chinese_is_read_as_chinese(cli, tmp_path: Path) -> None:
    text = (
        "港口罢工结束\n\n港口周二在罢工后重新开放。工人们结束了罢工，船只开始卸货。官员表示，谈判将在下周继续。\n"
        * 3
    )
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    result = cli("check", str(path), *NO_LM, "--format", "json")
    a_result(result)
    report = json.loads(result.stdout)
    assert report["files"][0]["lang"] == "zh"
    spans_are_the_files(report, {str(path): text})


def test_forced_encoding_that_gives_garbage_is_an_error(cli, tmp_path: Path) -> None:
    path = tmp_path / "utf8.txt"
    body = ARTICLE if len(ARTICLE.encode()) % 2 == 0 else ARTICLE + "\n"
    path.write_text(body, encoding="utf-8")
    line = one_error_line(
        cli("check", str(path), *NO_LM, "--lang", "en", "--encoding", "utf-16-le"), str(path)
    )
    assert "utf-16-le" in line
    a_result(cli("check", str(path), *NO_LM, "--lang", "en", "--encoding", "cp1252"))  # plausible: kept


def test_nul_after_the_first_8_kilobytes_is_binary(cli, tmp_path: Path) -> None:
    path = tmp_path / "late-nul.txt"
    path.write_bytes(ARTICLE.encode() * 40 + b"tail\x00end\n")
    assert len(ARTICLE.encode()) * 40 > 8192
    assert "binary" in one_error_line(cli("check", str(path), *NO_LM, "--lang", "en"), str(path))


# ---- offsets, configuration and command errors --------------------------------------------


def test_html_entities_finding_text_is_the_files(cli, tmp_path: Path) -> None:
    html = "<h1>caf&eacute; owners react</h1>\n<p>The &eacute;t&eacute; the the port reopened&#8230;</p>\n"
    path = tmp_path / "a.html"
    path.write_text(html, encoding="utf-8")
    result = cli("check", str(path), *NO_LM, "--lang", "en", "--format", "json")
    a_result(result)
    report = json.loads(result.stdout)
    assert spans_are_the_files(report, {str(path): html}) >= 2
    heading = next(f for f in report["files"][0]["findings"] if f["rule"] == "TQ401")
    assert heading["text"] == "caf&eacute; owners react"


def test_config_errors_name_the_file_and_key(cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    config = tmp_path / "tqcheck.toml"
    config.write_text('select = ["TQ999"]\n', encoding="utf-8")
    one_error_line(
        cli("check", "a.txt", *NO_LM, "--lang", "en", cwd=tmp_path), str(config), "'select'", "TQ999"
    )
    config.write_text('glossary = "missing-terms.tsv"\n', encoding="utf-8")
    one_error_line(cli("check", "a.txt", *NO_LM, "--lang", "en", cwd=tmp_path), str(config), "'glossary'")
    (tmp_path / "terms.tsv").write_text("lang\tpreferred\n", encoding="utf-8")
    config.write_text('glossary = "terms.tsv"\n', encoding="utf-8")
    line = one_error_line(
        cli("check", "a.txt", *NO_LM, "--lang", "en", cwd=tmp_path), str(config), "terms.tsv"
    )
    assert "forbidden" in line


def test_report_on_a_missing_file_prints_one_line(cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    output = tmp_path / "report.html"
    one_error_line(cli("report", str(missing), *NO_LM, "-o", str(output)), str(missing))
    assert not output.exists()


def test_rules_in_an_unknown_format(cli) -> None:
    assert "xml" in one_error_line(cli("rules", "--format", "xml"))


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "pt", "ru", "ar", "zh"])
def test_forced_encoding_accepts_real_articles_in_every_language(lang: str) -> None:
    """The garbage test must not refuse real text: each language's corpus articles, forced as the
    encoding they are in, decode to themselves."""
    from tqcheck.document import decode_bytes

    articles = sorted((ROOT / "corpora" / "dev" / lang).glob("*.txt"))
    assert articles
    for path in articles:
        text = path.read_text(encoding="utf-8")
        for encoding in ("utf-8", "utf-16-le"):
            assert decode_bytes(text.encode(encoding), str(path), encoding).text == text


@pytest.mark.parametrize("lang", ["en", "ru", "ar", "zh"])
def test_utf16_and_utf32_without_bom_in_every_script(lang: str) -> None:
    """Latin, Cyrillic, Arabic and Han articles without a byte-order mark, in both byte orders."""
    from tqcheck.document import decode_bytes

    for path in sorted((ROOT / "corpora" / "dev" / lang).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            decoded = decode_bytes(text.encode(encoding), str(path))
            assert (decoded.text, decoded.encoding) == (text, encoding)


@pytest.mark.parametrize("after", ["\u200bSalvador", "@salvador", "-Salvador", "\u00adSalvador"])
def test_a_name_opener_before_a_token_that_opens_with_a_mark(after: str) -> None:
    """A stop after a word that opens names, before a "word" that the tokenizer made of a
    zero-width or symbol character and letters: a result, no internal error (found by
    bench/fuzz_fix.py)."""
    import tqcheck

    text = f"Marchers filled the centre of San. {after} to protest on Sunday.\n"
    result = tqcheck.check(text, lang="en", model=False)
    assert all(text[f.start : f.end] == f.text for f in result.findings)
