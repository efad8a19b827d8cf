"""Bad and unusual input: one line per error naming the file, exit code 2, never a traceback; and
the encodings, JSONL records, directories and globs that a user feeds to `tqcheck check`."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
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


# ---- readable input, checked (these commands run side by side to keep the suite fast) -------


def make_tree(root: Path) -> Path:
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


BOMS = {
    "utf8-bom.txt": b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
    "utf16-le.txt": b"\xff\xfe" + ARTICLE.encode("utf-16-le"),
    "utf16-be.txt": b"\xfe\xff" + ARTICLE.encode("utf-16-be"),
}
JSONL_RECORDS = [{"id": "cafe", "lang": "en", "text": ARTICLE}, None, {"lang": "en", "text": OTHER}]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from conftest import run_cli

    root = tmp_path_factory.mktemp("inputs")
    paths: dict[str, Path] = {}
    # Several files, one unreadable and one missing.
    mixed = root / "mixed"
    mixed.mkdir()
    (mixed / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (mixed / "b.txt").write_bytes(PNG)
    (mixed / "c.txt").write_text(OTHER, encoding="utf-8")
    paths["mixed"] = mixed
    # Encodings.
    (root / "latin1.txt").write_bytes(ARTICLE.encode("cp1252"))
    paths["latin1"] = root / "latin1.txt"
    for name, data in BOMS.items():
        (root / name).write_bytes(data)
    # JSONL: one record per line, line 2 blank.
    paths["jsonl"] = root / "articles.jsonl"
    paths["jsonl"].write_text(
        "".join(("" if r is None else json.dumps(r, ensure_ascii=False)) + "\n" for r in JSONL_RECORDS),
        encoding="utf-8",
    )
    paths["tree"] = make_tree(root / "articles")
    m = str(mixed)
    commands = {
        "mixed": ((f"{m}/a.txt", f"{m}/b.txt", f"{m}/missing.txt", f"{m}/c.txt", "--lang", "en"), None),
        "latin1": ((str(paths["latin1"]), "--lang", "en"), None),
        # No --lang: the language is detected on the decoded text.
        "boms": (tuple(str(root / name) for name in BOMS), None),
        "jsonl": ((str(paths["jsonl"]),), None),
        "tree": ((str(paths["tree"]), "--lang", "en"), None),
        # No shell runs here, so the patterns reach tqcheck as they would when quoted.
        "globs": (("articles/*.txt", "articles/**/*.html", "--lang", "en"), root),
    }

    def run(item):
        args, cwd = item
        return check_json(run_cli, *args, cwd=cwd)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = dict(zip(commands, pool.map(run, commands.values()), strict=True))
    return {"paths": paths, "results": results}


def test_good_files_are_checked_when_one_is_bad(runs: dict) -> None:
    result, report = runs["results"]["mixed"]
    folder = runs["paths"]["mixed"]
    assert result.returncode == 2
    assert [entry["path"] for entry in report["files"]] == [f"{folder}/a.txt", f"{folder}/c.txt"]
    assert "TQ101" in findings_by_rule(report["files"][0])
    assert "TQ101" in findings_by_rule(report["files"][1])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith("tqcheck: error:") for line in lines), lines
    assert any(f"{folder}/b.txt" in line for line in lines)
    assert any(f"{folder}/missing.txt" in line for line in lines)


def _assert_offsets_index(entry: dict, decoded: str) -> None:
    assert entry["findings"]
    for finding in entry["findings"]:
        assert finding["text"] == decoded[finding["start"] : finding["end"]]
        for suggestion in finding["suggestions"]:
            assert 0 <= suggestion["start"] <= suggestion["end"] <= len(decoded)


def test_latin1_is_read_without_encoding_option(runs: dict) -> None:
    result, report = runs["results"]["latin1"]
    assert result.returncode == 1, result.stderr  # the residue line is major
    assert not errors(result)
    rules = findings_by_rule(report["files"][0])
    residue = rules["TQ101"][0]
    assert ARTICLE[residue["start"] : residue["end"]] == residue["text"] == "Leave a Reply"
    heading = rules["TQ401"][0]
    where = ARTICLE.index("café owners react")
    assert (heading["start"], heading["end"]) == (where, where + len("café owners react"))


def test_latin1_is_decoded_correctly(runs: dict) -> None:
    _, report = runs["results"]["latin1"]
    entry = report["files"][0]
    _assert_offsets_index(entry, ARTICLE)
    heading = findings_by_rule(entry)["TQ401"][0]
    assert heading["text"] == "café owners react"
    fix = heading["suggestions"][0]
    assert fix["replacement"] == "C"  # the one letter: other fixes in the heading stay applicable
    fixed = ARTICLE[: fix["start"]] + fix["replacement"] + ARTICLE[fix["end"] :]
    assert "\nCafé owners react\n" in fixed


def test_byte_order_marks(runs: dict) -> None:
    result, report = runs["results"]["boms"]
    assert result.returncode == 1 and not errors(result), result.stderr
    assert [Path(entry["path"]).name for entry in report["files"]] == list(BOMS)
    assert [entry["lang"] for entry in report["files"]] == ["en"] * 3  # detected
    # The byte-order mark is not part of the text: offsets index the text after it.
    for entry in report["files"]:
        _assert_offsets_index(entry, ARTICLE)
    first = report["files"][0]["findings"]
    for entry in report["files"][1:]:
        assert entry["findings"] == first


def test_jsonl_records(runs: dict) -> None:
    result, report = runs["results"]["jsonl"]
    path = str(runs["paths"]["jsonl"])
    assert result.returncode == 1 and not errors(result), result.stderr
    entries = report["files"]
    assert [entry["path"] for entry in entries] == [path, path]
    # The record's id, or its line number (the blank line 2 counts).
    assert [entry["id"] for entry in entries] == ["cafe", "3"]
    _assert_offsets_index(entries[0], ARTICLE)
    _assert_offsets_index(entries[1], OTHER)
    assert findings_by_rule(entries[0])["TQ101"][0]["text"] == "Leave a Reply"
    assert findings_by_rule(entries[1])["TQ101"][0]["text"] == "Google News Follow 1"


def test_directory_expands_to_articles(runs: dict) -> None:
    result, report = runs["results"]["tree"]
    tree = runs["paths"]["tree"]
    assert result.returncode == 1 and not errors(result), result.stderr
    names = [Path(entry["path"]).relative_to(tree).as_posix() for entry in report["files"]]
    assert sorted(names) == ["a.txt", "b.md", "sub/c.html", "sub/d.txt"]
    assert all(entry["findings"] for entry in report["files"])


def test_quoted_globs_expand(runs: dict) -> None:
    result, report = runs["results"]["globs"]
    assert result.returncode == 1 and not errors(result), result.stderr
    assert sorted(Path(entry["path"]).as_posix() for entry in report["files"]) == [
        "articles/a.txt",
        "articles/sub/c.html",
    ]


# ---- --encoding ------------------------------------------------------------------------------


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


# ---- JSONL -----------------------------------------------------------------------------------


def test_jsonl_line_that_is_not_json(cli, tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps({"id": "a", "lang": "en", "text": OTHER}) + "\n{not json\n", encoding="utf-8")
    line = assert_input_error(check(cli, str(path)), str(path))
    assert "line 2" in line


# ---- directories and globs -------------------------------------------------------------------


def test_glob_matching_nothing(cli, tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert_input_error(check(cli, "articles/*.docx", "--lang", "en", cwd=tmp_path), "articles/*.docx")
