"""`fix --write` never corrupts a user's text: glossary variants inside preferred terms, one run
to a fixed point, concurrent edits, UTF-32, stray carriage returns, cp1252 Spanish (issue 15)."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

GLOSSARY = (
    "lang\tpreferred\tforbidden\nen\tNagorno-Karabakh\tKarabakh|Nagorno Karabakh\nen\tport authority\tport\n"
)


def fix(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("fix", str(path), "--no-lm", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_glossary_variant_inside_the_preferred_term_is_left_alone(tmp_path: Path) -> None:
    terms = tmp_path / "terms.tsv"
    terms.write_text(GLOSSARY, encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text(
        "Fighting resumed in Nagorno-Karabakh on Monday, and in Nagorno Karabakh on Tuesday.\n\n"
        "The port authority said the port of Baku and Karabakh were closed.\n",
        encoding="utf-8",
    )
    options = ("--write", "--lang", "en", "--glossary", str(terms), "--select", "TQ602")
    first = fix(article, *options)
    assert first.returncode == 0, first.stderr
    fixed = article.read_text(encoding="utf-8")
    assert fixed == (
        "Fighting resumed in Nagorno-Karabakh on Monday, and in Nagorno-Karabakh on Tuesday.\n\n"
        "The port authority said the port authority of Baku and Nagorno-Karabakh were closed.\n"
    )
    second = fix(article, *options)
    assert second.returncode == 0 and "applied" not in second.stderr
    assert article.read_text(encoding="utf-8") == fixed
    check = run_cli("check", str(article), "--no-lm", "--lang", "en", "--glossary", str(terms))
    assert "TQ602" not in check.stdout


# A term base renamed step by step: each fix uncovers the next, one per pass, eight in all.
CHAIN = [
    "Alderbury",
    "Bexmoor",
    "Cindale",
    "Dunholt",
    "Eastwick",
    "Fallowfield",
    "Glenmere",
    "Harrowgate",
    "Ivybridge",
]


def test_one_run_reaches_a_fixed_point(tmp_path: Path) -> None:
    terms = tmp_path / "terms.tsv"
    rows = [f"en\t{new}\t{old}" for old, new in itertools.pairwise(CHAIN)]
    terms.write_text("lang\tpreferred\tforbidden\n" + "\n".join(rows) + "\n", encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text(f"The council of {CHAIN[0]} met on Monday.\n", encoding="utf-8")
    options = ("--write", "--lang", "en", "--glossary", str(terms))
    first = fix(article, *options)
    assert first.returncode == 0 and "applied 8 fix(es)" in first.stderr, first.stderr
    assert article.read_text(encoding="utf-8") == f"The council of {CHAIN[-1]} met on Monday.\n"
    second = fix(article, *options)
    assert second.returncode == 0 and "applied" not in second.stderr, second.stderr
    assert article.read_text(encoding="utf-8") == f"The council of {CHAIN[-1]} met on Monday.\n"


def test_fixes_that_undo_each_other_stop_with_a_note(tmp_path: Path) -> None:
    terms = tmp_path / "terms.tsv"
    terms.write_text("lang\tpreferred\tforbidden\nen\tKyiv\tKiev\nen\tKiev\tKyiv\n", encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text("The talks in Kiev ended on Monday.\n", encoding="utf-8")
    result = fix(article, "--write", "--lang", "en", "--glossary", str(terms))
    assert "undo each other" in result.stderr and result.stderr.count("\n") <= 3, result.stderr
    assert article.read_text(encoding="utf-8") in (
        "The talks in Kiev ended on Monday.\n",
        "The talks in Kyiv ended on Monday.\n",
    )


def test_an_edit_made_during_fix_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tqcheck.runner
    from tqcheck.cli import app

    edited, untouched = tmp_path / "edited.txt", tmp_path / "untouched.txt"
    for path in (edited, untouched):
        path.write_text("The talks ended with the the union on Monday.\n", encoding="utf-8")
    fix_file = tqcheck.runner.fix_file

    def fix_file_then_edit(path: Path, *args: object) -> object:
        result = fix_file(path, *args)
        if path == edited:  # someone saves the file between tqcheck's read and its write
            with path.open("a", encoding="utf-8") as out:
                out.write("A line added meanwhile.\n")
        return result

    monkeypatch.setattr(tqcheck.runner, "fix_file", fix_file_then_edit)
    with pytest.raises(SystemExit) as exit:
        app(["fix", str(edited), str(untouched), "--write", "--lang", "en", "--no-lm"])
    assert exit.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert errors == [
        f"tqcheck: error: {edited}: changed while tqcheck was fixing it; not written (run fix again)"
    ]
    assert edited.read_text(encoding="utf-8") == (
        "The talks ended with the the union on Monday.\nA line added meanwhile.\n"
    )
    assert untouched.read_text(encoding="utf-8") == "The talks ended with the union on Monday.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.txt", "untouched.txt"]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff")]
)
def test_utf32_with_a_bom_is_read_and_written_as_utf32(tmp_path: Path, encoding: str, bom: bytes) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(bom + "Le café a fermé avec le le syndicat lundi.\n".encode(encoding))
    check = run_cli("check", str(article), "--no-lm", "--lang", "fr", "--format", "json")
    findings = json.loads(check.stdout)["files"][0]["findings"]
    # The repeated word, nothing else, at its offset in the decoded text (not in NUL-interleaved text).
    assert [(f["rule"], f["start"]) for f in findings] == [("TQ202", 21)], check.stdout
    result = fix(article, "--write", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    data = article.read_bytes()
    assert data.startswith(bom)
    assert data[4:].decode(encoding) == "Le café a fermé avec le syndicat lundi.\n"


STRAY_CR = (
    "# Port strike ends\n\nThe strike ended on Tuesday after a deal.\rUnions said the deal was fair.\n\n"
    "## Calls for calm\n\nDockers voted to return to work on Monday.\n\nShipping resumed at dawn.\n\n"
    "The talks lasted three weeks and the the union agreed.\n"
)


def test_a_stray_cr_in_markdown_keeps_every_paragraph(tmp_path: Path) -> None:
    stray, plain = tmp_path / "stray.md", tmp_path / "plain.md"
    stray.write_bytes(STRAY_CR.encode("utf-8"))
    plain.write_bytes(STRAY_CR.replace("\r", "\n").encode("utf-8"))
    check = run_cli("check", str(stray), str(plain), "--no-lm", "--lang", "en", "--format", "json")
    reports = {Path(entry["path"]).name: entry for entry in json.loads(check.stdout)["files"]}
    assert reports["stray.md"]["words"] == reports["plain.md"]["words"] == 42
    assert [f["rule"] for f in reports["stray.md"]["findings"]] == ["TQ202"]  # in the last paragraph
    result = fix(stray, "--write", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert stray.read_bytes() == STRAY_CR.replace("the the union", "the union").encode("utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "¡Feliz año nuevo a todos! Dijo que el el puerto reabre.\n",
        "¡Año nuevo, vida nueva! El el puerto reabre.\n",
    ],
)
def test_cp1252_spanish_is_read_as_cp1252(tmp_path: Path, text: str) -> None:
    article = tmp_path / "articulo.txt"
    article.write_bytes(text.encode("cp1252"))
    check = run_cli("check", str(article), "--no-lm", "--format", "json")
    (entry,) = json.loads(check.stdout)["files"]
    assert entry["lang"] == "es"
    assert [f["rule"] for f in entry["findings"]] == ["TQ202"], entry["findings"]  # not a script mix-up
    diff = fix(article)
    assert f"+{text.replace('l el', 'l')}" in diff.stdout, diff.stdout
    assert fix(article, "--write").returncode == 0
    assert article.read_bytes() == text.replace("l el", "l").encode("cp1252")
