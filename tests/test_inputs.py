"""Bad and unusual input: one line per error naming the file, exit code 2, never a traceback; and
the encodings, JSONL records, directories and globs that a user feeds to `tqcheck check`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

# A short English article with two artifacts: a lowercase section heading (TQ401) and a line of
# page residue (TQ101). Accented words make the encoding tests meaningful.
ARTICLE = """Café owners in Zürich protest against new terrace rules

The owners of several cafés in Zürich said on Monday that the new rules on terraces were unfair.
They asked the city to delay the reform until next year, citing the cost of the changes.

café owners react

The association of café owners said it would appeal against the decision before the summer season.

Leave a Reply
"""
OTHER = """Port workers end strike after wage deal

The strike at the port ended on Tuesday after an agreement on wages was reached with the union.
Ships that had waited outside the harbour began to unload their cargo in the afternoon.

Google News Follow 1
"""
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


# The input tests need only the residue and heading rules; leaving the others out keeps them fast.
RULES = ("--select", "TQ1", "--select", "TQ4")


def check(cli, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = cli("check", *args, *RULES, "--no-lm", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def check_json(cli, *args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = check(cli, *args, "--format", "json", cwd=cwd)
    return result, json.loads(result.stdout)


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("tqcheck: error:")]


def assert_input_error(result: subprocess.CompletedProcess[str], *names: str) -> str:
    """Exit code 2 and exactly one line on stderr, an error naming the file."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tqcheck: error:"), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def findings_by_rule(entry: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in entry["findings"]:
        out.setdefault(finding["rule"], []).append(finding)
    return out


# ---- unreadable input ------------------------------------------------------------------------


def test_missing_file(cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-article.txt"
    assert_input_error(check(cli, str(missing), "--lang", "en"), str(missing))


def test_directory_without_articles(cli, tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    (folder / "sub").mkdir(parents=True)
    (folder / "photo.png").write_bytes(PNG)
    (folder / "sub" / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    assert_input_error(check(cli, str(folder), "--lang", "en"), str(folder))


@pytest.mark.parametrize(
    ("name", "data"),
    [("image.png", PNG), ("article.txt", b"Some text\x00\x00\x00 with NUL bytes\x00 in it\n" * 10)],
)
def test_binary_file(cli, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    line = assert_input_error(check(cli, str(path), "--lang", "en"), str(path))
    assert "binary" in line


def test_empty_files_get_a_note(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_text("  \n\n\t\n", encoding="utf-8")
    result, report = check_json(cli, str(empty), str(blank))
    assert result.returncode == 0, result.stderr
    assert not errors(result)
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(notes) == 2 and all(line.startswith("tqcheck: note:") for line in notes), notes
    assert str(empty) in notes[0] and str(blank) in notes[1]
    assert [entry["path"] for entry in report["files"]] == [str(empty), str(blank)]
    assert all(entry["findings"] == [] and entry.get("note") for entry in report["files"])


def test_unknown_lang(cli, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    line = assert_input_error(check(cli, str(path), "--lang", "xx"), "xx")
    assert "en" in line  # it lists the supported languages


def test_good_files_are_checked_when_one_is_bad(cli, tmp_path: Path) -> None:
    good1 = tmp_path / "a.txt"
    good1.write_text(ARTICLE, encoding="utf-8")
    good2 = tmp_path / "c.txt"
    good2.write_text(OTHER, encoding="utf-8")
    binary = tmp_path / "b.txt"
    binary.write_bytes(PNG)
    missing = tmp_path / "missing.txt"
    result, report = check_json(cli, str(good1), str(binary), str(missing), str(good2), "--lang", "en")
    assert result.returncode == 2
    assert [entry["path"] for entry in report["files"]] == [str(good1), str(good2)]
    assert "TQ101" in findings_by_rule(report["files"][0])
    assert "TQ101" in findings_by_rule(report["files"][1])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith("tqcheck: error:") for line in lines), lines
    assert any(str(binary) in line for line in lines)
    assert any(str(missing) in line for line in lines)


# ---- encodings -------------------------------------------------------------------------------


def _assert_offsets_index(entry: dict, decoded: str) -> None:
    assert entry["findings"]
    for finding in entry["findings"]:
        assert finding["text"] == decoded[finding["start"] : finding["end"]]
        for suggestion in finding["suggestions"]:
            assert 0 <= suggestion["start"] <= suggestion["end"] <= len(decoded)


@pytest.fixture(scope="module")
def latin1_run(tmp_path_factory: pytest.TempPathFactory):
    from conftest import run_cli

    path = tmp_path_factory.mktemp("latin1") / "latin1.txt"
    path.write_bytes(ARTICLE.encode("cp1252"))
    return check_json(run_cli, str(path), "--lang", "en")


def test_latin1_is_read_without_encoding_option(latin1_run) -> None:
    result, report = latin1_run
    assert result.returncode == 1, result.stderr  # the residue line is major
    assert not errors(result)
    rules = findings_by_rule(report["files"][0])
    residue = rules["TQ101"][0]
    assert ARTICLE[residue["start"] : residue["end"]] == residue["text"] == "Leave a Reply"
    heading = rules["TQ401"][0]
    where = ARTICLE.index("café owners react")
    assert (heading["start"], heading["end"]) == (where, where + len("café owners react"))


@pytest.mark.xfail(
    reason="tqcheck/document.py decode_bytes trusts charset_normalizer's best guess, which reads "
    "cp1252 English text as cp775/cp852/cp1250 ('café' becomes 'cafķ')",
    strict=True,
)
def test_latin1_is_decoded_correctly(latin1_run) -> None:
    _, report = latin1_run
    entry = report["files"][0]
    _assert_offsets_index(entry, ARTICLE)
    heading = findings_by_rule(entry)["TQ401"][0]
    assert heading["text"] == "café owners react"
    assert heading["suggestions"][0]["replacement"] == "Café owners react"


def test_wrong_explicit_encoding(cli, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(ARTICLE.encode("cp1252"))
    line = assert_input_error(check(cli, str(path), "--lang", "en", "--encoding", "utf-8"), str(path))
    assert "utf-8" in line.lower() and "decode" in line


def test_unknown_encoding(cli, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    line = assert_input_error(check(cli, str(path), "--lang", "en", "--encoding", "klingon-8"), str(path))
    assert "klingon-8" in line


def test_byte_order_marks(cli, tmp_path: Path) -> None:
    files = {
        "utf8-bom.txt": b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
        "utf16-le.txt": b"\xff\xfe" + ARTICLE.encode("utf-16-le"),
        "utf16-be.txt": b"\xfe\xff" + ARTICLE.encode("utf-16-be"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result, report = check_json(cli, *(str(tmp_path / name) for name in files), "--lang", "en")
    assert result.returncode == 1 and not errors(result), result.stderr
    assert [Path(entry["path"]).name for entry in report["files"]] == list(files)
    # The byte-order mark is not part of the text: offsets index the text after it.
    for entry in report["files"]:
        _assert_offsets_index(entry, ARTICLE)
    first = report["files"][0]["findings"]
    for entry in report["files"][1:]:
        assert entry["findings"] == first


# ---- JSONL -----------------------------------------------------------------------------------


def test_jsonl_records(cli, tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    records = [{"id": "cafe", "lang": "en", "text": ARTICLE}, None, {"lang": "en", "text": OTHER}]
    path.write_text(
        "".join(("" if r is None else json.dumps(r, ensure_ascii=False)) + "\n" for r in records),
        encoding="utf-8",
    )
    result, report = check_json(cli, str(path))
    assert result.returncode == 1 and not errors(result), result.stderr
    entries = report["files"]
    assert [entry["path"] for entry in entries] == [str(path), str(path)]
    # The record's id, or its line number (the blank line 2 counts).
    assert [entry["id"] for entry in entries] == ["cafe", "3"]
    _assert_offsets_index(entries[0], ARTICLE)
    _assert_offsets_index(entries[1], OTHER)
    assert findings_by_rule(entries[0])["TQ101"][0]["text"] == "Leave a Reply"
    assert findings_by_rule(entries[1])["TQ101"][0]["text"] == "Google News Follow 1"


def test_jsonl_line_that_is_not_json(cli, tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps({"id": "a", "lang": "en", "text": OTHER}) + "\n{not json\n", encoding="utf-8")
    line = assert_input_error(check(cli, str(path)), str(path))
    assert "line 2" in line


# ---- directories and globs -------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "b.md").write_text("# Port workers end strike\n\n" + OTHER.split("\n", 2)[2], encoding="utf-8")
    (root / "sub" / "c.html").write_text(
        "<html><body><article><h1>Port strike ends</h1><p>The strike at the port ended on Tuesday "
        "after an agreement on wages.</p><p>Leave a Reply</p></article></body></html>",
        encoding="utf-8",
    )
    (root / "sub" / "d.txt").write_text(OTHER, encoding="utf-8")
    (root / ".hidden" / "e.txt").write_text(OTHER, encoding="utf-8")
    (root / "photo.png").write_bytes(PNG)
    (root / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    return root


def test_directory_expands_to_articles(cli, tree: Path) -> None:
    result, report = check_json(cli, str(tree), "--lang", "en")
    assert result.returncode == 1 and not errors(result), result.stderr
    names = [Path(entry["path"]).relative_to(tree).as_posix() for entry in report["files"]]
    assert sorted(names) == ["a.txt", "b.md", "sub/c.html", "sub/d.txt"]
    assert all(entry["findings"] for entry in report["files"])


def test_quoted_globs_expand(cli, tree: Path) -> None:
    # No shell runs here, so the patterns reach tqcheck as they would when quoted.
    result, report = check_json(cli, "articles/*.txt", "articles/**/*.html", "--lang", "en", cwd=tree.parent)
    assert result.returncode == 1 and not errors(result), result.stderr
    assert sorted(Path(entry["path"]).as_posix() for entry in report["files"]) == [
        "articles/a.txt",
        "articles/sub/c.html",
    ]


def test_glob_matching_nothing(cli, tree: Path) -> None:
    assert_input_error(check(cli, "articles/*.docx", "--lang", "en", cwd=tree.parent), "articles/*.docx")
