"""`fix --write` never corrupts a user's text: glossary variants inside preferred terms, one run
to a fixed point, concurrent edits, UTF-32, stray carriage returns, cp1252 Spanish (issue 15)."""

from __future__ import annotations

import subprocess
from pathlib import Path

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
