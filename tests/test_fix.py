"""`tqcheck fix`: safe fixes only, changes only inside the reported spans, byte for byte; line
endings, encoding and permissions kept; idempotent; atomic writes; deterministic overlaps."""

from __future__ import annotations

import difflib
import itertools
import json
import os
import re
import shutil
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import SEED, run_cli

from tqcheck.document import Decoded
from tqcheck.errors import TqcheckError
from tqcheck.findings import Suggestion
from tqcheck.fixer import apply_suggestions, non_overlapping, write_atomically


def check_json(path: Path, *args: str) -> list[dict]:
    result = run_cli("check", str(path), "--lang", "en", "--no-lm", "--format", "json", *args)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    (entry,) = json.loads(result.stdout)["files"]
    return entry["findings"]


def fix(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("fix", str(path), "--lang", "en", "--no-lm", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def applied_count(result: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"applied (\d+) fix\(es\)", result.stderr)
    return int(match.group(1)) if match else 0


def allowed_ranges(text: str, findings: list[dict], encoding: str = "utf-8") -> list[tuple[int, int]]:
    """Byte ranges of the findings and of their first suggestions, merged where they touch.

    `text` is the decoded file the offsets index."""
    spans = []
    for finding in findings:
        spans.append((finding["start"], finding["end"]))
        if finding["suggestions"]:
            first = finding["suggestions"][0]
            spans.append((first["start"], first["end"]))

    def to_bytes(offset: int) -> int:
        return len(text[:offset].encode(encoding))

    merged: list[list[int]] = []
    for start, end in sorted((to_bytes(s), to_bytes(e)) for s, e in spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def assert_changes_inside(before: bytes, after: bytes, ranges: list[tuple[int, int]]) -> None:
    """`after` is `before` with, at most, each allowed range replaced: no byte changes elsewhere."""
    pattern = b""
    cursor = 0
    for start, end in ranges:
        pattern += re.escape(before[cursor:start]) + b"(.*?)"
        cursor = end
    pattern += re.escape(before[cursor:])
    assert re.fullmatch(pattern, after, re.DOTALL), "a byte outside the reported spans changed"


# ---- the seed article ------------------------------------------------------------------------
# Every command below runs on its own copy of the seed, in its own folder; independent commands
# run side by side to keep the suite fast.


def latin1_text(text: str) -> str:
    """The seed in Latin-1: typographic marks made plain, accents added; the same length, so the
    offsets of the UTF-8 copy's findings hold here too."""
    for curly, plain in (("’", "'"), ("“", '"'), ("”", '"'), ("–", "-")):
        text = text.replace(curly, plain)
    return text.replace("Shoigu", "Shoïgu").replace("Lachin", "Lachín")


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not SEED.exists():
        pytest.skip("the shared seed article is not present")
    before = SEED.read_bytes()
    text = before.decode("utf-8")
    copies = {
        "original": before,
        "write": before,
        "diff": before,
        "unsafe": before,
        "min-confidence": before,
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "latin1": latin1_text(text).encode("latin-1"),
    }
    paths = {}
    for name, data in copies.items():
        paths[name] = tmp_path_factory.mktemp(name) / "seed.txt"
        paths[name].write_bytes(data)
    paths["write"].chmod(0o640)
    commands = {
        "original": ("check", "--format", "json"),
        "write": ("fix", "--write"),
        "diff": ("fix",),
        "unsafe": ("fix", "--write", "--unsafe"),
        "min-confidence": ("fix", "--write", "--min-confidence", "0.99"),
        "crlf": ("fix", "--write"),
        "latin1": ("fix", "--write"),
    }

    def run(name: str) -> subprocess.CompletedProcess[str]:
        command, *options = commands[name]
        return run_cli(command, str(paths[name]), "--lang", "en", "--no-lm", *options)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = dict(zip(commands, pool.map(run, commands), strict=True))
    for name, result in results.items():
        assert "Traceback" not in result.stderr, (name, result.stderr)
    assert results["original"].returncode == 1, results["original"].stderr
    (entry,) = json.loads(results["original"].stdout)["files"]
    folder = paths["write"].parent
    return {
        "before": before,
        "text": text,
        "findings": entry["findings"],
        "paths": paths,
        "copies": copies,
        "results": results,
        "after": {name: path.read_bytes() for name, path in paths.items()},
        "mode": stat.S_IMODE(paths["write"].stat().st_mode),
        "listing": sorted(p.name for p in folder.iterdir()),
    }


@pytest.fixture(scope="module")
def refixed(seed: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """After `fix --write`: `fix --write` once more, and `check` (on a copy of the fixed file)."""
    copy = tmp_path_factory.mktemp("after") / "seed.txt"
    copy.write_bytes(seed["after"]["write"])
    with ThreadPoolExecutor(max_workers=2) as pool:
        second = pool.submit(fix, seed["paths"]["write"], "--write")
        check = pool.submit(check_json, copy)
        return {"second": second.result(), "findings": check.result()}


def safe_findings(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["suggestions"] and f["suggestions"][0]["applicability"] == "safe"]


def test_fix_write_applies_the_safe_fixes(seed: dict) -> None:
    result = seed["results"]["write"]
    assert result.returncode == 0, result.stderr
    safe = safe_findings(seed["findings"])
    assert {f["rule"] for f in safe} >= {"TQ101", "TQ102", "TQ401"}, "the seed's known safe fixes"
    assert applied_count(result) >= len(safe)
    fixed = seed["after"]["write"].decode("utf-8")
    assert re.search(r"^Calls for restraint$", fixed, re.MULTILINE)
    for gone in ("Google News Follow 1", "Leave a Reply", "bloody clashes 2"):
        assert gone not in fixed
    # Unsafe suggestions are left alone without --unsafe.
    assert "Nagorno region. Karabakh." in fixed
    assert "steadfast" in fixed


def test_fix_changes_only_inside_the_reported_spans(seed: dict) -> None:
    assert seed["after"]["write"] != seed["before"]
    ranges = allowed_ranges(seed["text"], seed["findings"])
    assert_changes_inside(seed["before"], seed["after"]["write"], ranges)


def test_fix_keeps_permissions_and_leaves_no_temporary_file(seed: dict) -> None:
    assert seed["mode"] == 0o640
    assert seed["listing"] == ["seed.txt"]


def test_check_after_fix_no_longer_reports_the_fixed_findings(seed: dict, refixed: dict) -> None:
    after = refixed["findings"]
    remaining = {(f["rule"], f["text"]) for f in after}
    for finding in safe_findings(seed["findings"]):
        assert (finding["rule"], finding["text"]) not in remaining, finding
    # What was not fixed is still reported, where it now is.
    fixed = seed["after"]["write"].decode("utf-8")
    for finding in after:
        assert fixed[finding["start"] : finding["end"]] == finding["text"]
    assert ("TQ201", "Nagorno region. Karabakh.") in remaining


def test_second_fix_changes_nothing(seed: dict, refixed: dict) -> None:
    result = refixed["second"]
    assert result.returncode == 0, result.stderr
    assert applied_count(result) == 0
    assert seed["paths"]["write"].read_bytes() == seed["after"]["write"]


def test_fix_without_write_prints_a_diff(seed: dict) -> None:
    result = seed["results"]["diff"]
    path = seed["paths"]["diff"]
    assert result.returncode == 1, result.stderr
    assert seed["after"]["diff"] == seed["before"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["seed.txt"]
    lines = result.stdout.splitlines(keepends=True)
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ") and str(path) in lines[0]
    # The diff is exactly the change --write makes.
    expected = difflib.unified_diff(
        seed["text"].splitlines(keepends=True),
        seed["after"]["write"].decode("utf-8").splitlines(keepends=True),
    )
    # A last line without a newline carries git's marker (see test_diff_without_final_newline_applies).
    marked = [line if line.endswith("\n") else line + "\n" for line in expected]
    assert [line for line in lines[2:] if not line.startswith("\\")] == marked[2:]
    assert "-calls for restraint\n" in lines and "+Calls for restraint\n" in lines


def test_unsafe_applies_more(seed: dict) -> None:
    result = seed["results"]["unsafe"]
    assert result.returncode == 0, result.stderr
    assert applied_count(result) > applied_count(seed["results"]["write"])
    fixed = seed["after"]["unsafe"].decode("utf-8")
    assert "Nagorno region. Karabakh." not in fixed and "Nagorno-Karabakh" in fixed
    assert re.search(r"^Calls for restraint$", fixed, re.MULTILINE)


def test_high_min_confidence_applies_fewer(seed: dict) -> None:
    result = seed["results"]["min-confidence"]
    assert result.returncode == 0, result.stderr
    safe = safe_findings(seed["findings"])
    confident = [f for f in safe if f["suggestions"][0]["confidence"] >= 0.99]
    assert applied_count(result) == len(confident) < applied_count(seed["results"]["write"])
    if not confident:
        assert seed["after"]["min-confidence"] == seed["before"]


def test_crlf_stays_crlf(seed: dict) -> None:
    text = seed["text"]
    result = seed["results"]["crlf"]
    assert result.returncode == 0, result.stderr
    before, after = seed["copies"]["crlf"], seed["after"]["crlf"]
    assert after.count(b"\n") == after.count(b"\r\n") > 0
    # The same fixes as on the LF copy, at the same places.
    assert after.replace(b"\r\n", b"\n") == seed["after"]["write"]

    def crlf(offset: int) -> int:
        return offset + text.count("\n", 0, offset)

    findings = [
        {
            "start": crlf(f["start"]),
            "end": crlf(f["end"]),
            "suggestions": [{"start": crlf(s["start"]), "end": crlf(s["end"])} for s in f["suggestions"][:1]],
        }
        for f in seed["findings"]
    ]
    assert_changes_inside(before, after, allowed_ranges(before.decode("utf-8"), findings))


def test_latin1_stays_latin1(seed: dict) -> None:
    result = seed["results"]["latin1"]
    assert result.returncode == 0, result.stderr
    text = latin1_text(seed["text"])
    assert len(text) == len(seed["text"])
    before, after = seed["copies"]["latin1"], seed["after"]["latin1"]
    fixed = after.decode("latin-1")
    assert "Sergei Shoïgu" in fixed and "Lachín Corridor" in fixed
    assert re.search(r"^Calls for restraint$", fixed, re.MULTILINE)
    assert "Leave a Reply" not in fixed
    with pytest.raises(UnicodeDecodeError):
        after.decode("utf-8")  # not rewritten as UTF-8
    assert_changes_inside(before, after, allowed_ranges(text, seed["findings"], "latin-1"))


def test_markdown_and_html_fixes_keep_the_markup(cli, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    markdown = (
        "---\ntitle: Port strike\n---\n# Port workers end strike\n\n"
        "The strike ended on **Tuesday** after a deal was reached with the the union, "
        "[officials said](https://example.org).\n\n```\nthe the code\n```\n\n## new measures\n\n"
        "The agreement raises wages by four percent over the next two years, the company said.\n"
    )
    page = (
        "<html><body><article>\n<h1>Port workers end strike</h1>\n"
        "<p>The strike ended on <b>Tuesday</b> after a deal was reached with the the union &amp; "
        "the company.</p>\n<h2>new measures</h2>\n<p>The agreement raises wages by four percent "
        "over the next two years, the company said.</p>\n</article></body></html>\n"
    )
    files = {"a.md": markdown, "b.html": page}
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    result = cli("check", str(folder), "--lang", "en", "--no-lm", "--format", "json")
    reports = {Path(e["path"]).name: e["findings"] for e in json.loads(result.stdout)["files"]}
    result = cli("fix", str(folder), "--lang", "en", "--no-lm", "--write")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    for name, content in files.items():
        after = (folder / name).read_text(encoding="utf-8")
        assert "the the union" not in after and "the union" in after
        assert "New measures" in after
        assert_changes_inside(content.encode(), after.encode(), allowed_ranges(content, reports[name]))
    assert "the the code" in (folder / "a.md").read_text(encoding="utf-8")  # code is not prose
    assert "&amp;" in (folder / "b.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)


# ---- writing ---------------------------------------------------------------------------------


def test_failed_write_leaves_the_file_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(b"original text\n")

    def broken_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(TqcheckError) as raised:
        write_atomically(path, "changed text\n", Decoded("original text\n", "utf-8"))
    assert "No space left on device" in str(raised.value) and str(path) in str(raised.value)
    assert path.read_bytes() == b"original text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["article.txt"]


def test_write_keeps_bom_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(b"\xff\xfe" + "café\r\n".encode("utf-16-le"))
    write_atomically(path, "Café\r\n", Decoded("café\r\n", "utf-16-le", b"\xff\xfe"))
    assert path.read_bytes() == b"\xff\xfe" + "Café\r\n".encode("utf-16-le")


def test_write_through_a_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomically(link, "new\n", Decoded("old\n", "utf-8"))
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


# ---- overlapping suggestions -----------------------------------------------------------------

TEXT = "abcdefghij"


def _all_orders(suggestions: list[Suggestion]) -> set[str]:
    return {apply_suggestions(TEXT, list(order)) for order in itertools.permutations(suggestions)}


def test_overlapping_suggestions_resolved_deterministically() -> None:
    first = Suggestion("X", 1, 4)  # bcd
    overlapping = Suggestion("Y", 3, 6)  # def: overlaps the first
    later = Suggestion("Z", 7, 8)  # h
    kept = non_overlapping([later, overlapping, first])
    assert [(s.start, s.end, s.replacement) for s in kept] == [(1, 4, "X"), (7, 8, "Z")]
    assert _all_orders([first, overlapping, later]) == {"aXefgZij"}


def test_same_start_keeps_one_whatever_the_order() -> None:
    short = Suggestion("S", 2, 3)
    long = Suggestion("L", 2, 6)
    other = Suggestion("s", 2, 3)
    results = _all_orders([short, long, other])
    assert len(results) == 1
    (result,) = results
    assert result in {"abSdefghij", "absdefghij", "abLghij"}
    # Every order keeps exactly one of the three.
    for order in itertools.permutations([short, long, other]):
        assert len(non_overlapping(order)) == 1


def test_adjacent_edits_and_insertions_are_all_applied() -> None:
    edits = [Suggestion("1", 0, 2), Suggestion("2", 2, 4), Suggestion("+", 6, 6), Suggestion("", 8, 10)]
    assert _all_orders(edits) == {"12ef+gh"}


def test_insertion_inside_a_replacement_is_dropped() -> None:
    edits = [Suggestion("X", 2, 6), Suggestion("+", 4, 4)]
    assert _all_orders(edits) == {"abXghij"}


def test_apply_nothing() -> None:
    assert apply_suggestions(TEXT, []) == TEXT


@pytest.mark.parametrize("ending", ["", "\n"])
def test_diff_without_final_newline_applies(cli, tmp_path: Path, ending: str) -> None:
    # `tqcheck fix FILE > p; git apply --check p`: a file without a final newline needs the
    # "\\ No newline at end of file" marker or git calls the patch corrupt.
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    (tmp_path / "a.txt").write_text("Prices rose  sharply.\n\nThe end came fast ." + ending, encoding="utf-8")
    subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True)
    result = cli("fix", "--no-lm", "a.txt", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert ("\\ No newline at end of file\n" in result.stdout) == (ending == "")
    (tmp_path / "p.diff").write_text(result.stdout, encoding="utf-8")
    check = subprocess.run([git, "apply", "--check", "p.diff"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    subprocess.run([git, "apply", "p.diff"], cwd=tmp_path, check=True)
    assert (tmp_path / "a.txt").read_text(
        encoding="utf-8"
    ) == "Prices rose sharply.\n\nThe end came fast." + ending


@pytest.mark.parametrize(
    ("fmt", "article", "fixed"),
    [
        (
            "md",
            "# Port strike\n\nThe strike ended on Tuesday.\n\n**Leave a Reply**\n\nThe union said so.\n",
            "# Port strike\n\nThe strike ended on Tuesday.\n\nThe union said so.\n",
        ),
        (
            "html",
            "<html><body>\n<h1>Port strike</h1>\n<p>The strike ended on Tuesday.</p>\n"
            '<p><a href="#c">Leave a Reply</a></p>\n<p>The union said so.</p>\n</body></html>\n',
            "<html><body>\n<h1>Port strike</h1>\n<p>The strike ended on Tuesday.</p>\n"
            "<p>The union said so.</p>\n</body></html>\n",
        ),
    ],
)
def test_residue_lines_are_deleted_in_markdown_and_html(
    cli, tmp_path: Path, fmt: str, article: str, fixed: str
) -> None:
    path = tmp_path / f"a.{fmt}"
    path.write_text(article, encoding="utf-8")
    result = cli("fix", "--no-lm", "--select", "TQ101", "--write", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == fixed


def test_residue_sharing_a_line_with_article_text_stays_display_only(cli, tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    page = "<p>The strike ended on Tuesday.</p><p>Leave a Reply</p>\n"
    path.write_text(page, encoding="utf-8")
    cli("fix", "--no-lm", "--select", "TQ101", "--write", str(path))
    assert path.read_text(encoding="utf-8") == page
