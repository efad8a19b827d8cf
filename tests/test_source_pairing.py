"""Pairing articles with their sources by name (issue 12): each article of a run is compared with
its own source, never every article with one; a directory run does not check sources as articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPORA, run_cli

# Each article agrees with its own source and disagrees with the other's number: a run that
# paired them wrongly, or with one source, would flag both or neither.
PAIRS = {
    "port": (
        "Port traffic\n\nThe port handled 120 ships in May.\n",
        "Trafic\n\nLe port a accueilli 120 navires en mai.\n",
    ),
    "plant": ("Plant jobs\n\nThe plant employs 300 people.\n", "Emplois\n\nL'usine emploie 350 personnes.\n"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for stem, (article, source) in PAIRS.items():
        (tmp_path / f"{stem}.txt").write_text(article, encoding="utf-8")
        (tmp_path / f"{stem}.src.fr.txt").write_text(source, encoding="utf-8")
    return tmp_path


def number_findings(result) -> dict[str, list[str]]:
    files = json.loads(result.stdout)["files"]
    return {Path(f["path"]).name: [x["text"] for x in f["findings"] if x["rule"] == "TQ701"] for f in files}


def test_a_directory_run_pairs_each_article_with_its_own_source(folder: Path) -> None:
    result = run_cli(
        "check", str(folder), "--no-lm", "-f", "json", "--source-pattern", "{stem}.src.{lang}{suffix}"
    )
    assert number_findings(result) == {"plant.txt": ["300"], "port.txt": []}
    sources = {Path(f["path"]).name: Path(f["source"]).name for f in json.loads(result.stdout)["files"]}
    assert sources == {"plant.txt": "plant.src.fr.txt", "port.txt": "port.src.fr.txt"}


def test_a_directory_run_does_not_check_sources_as_articles(folder: Path) -> None:
    result = run_cli("check", str(folder), "--no-lm", "-f", "json")
    assert sorted(Path(f["path"]).name for f in json.loads(result.stdout)["files"]) == [
        "plant.txt",
        "port.txt",
    ]
    dev = run_cli("check", str(CORPORA / "dev" / "en"), "--no-lm", "-f", "json", "--fail-on", "never")
    assert not [f["path"] for f in json.loads(dev.stdout)["files"] if ".src." in f["path"]]
    # Nor a quoted glob; a source named on the command line is skipped with a note.
    glob = run_cli("check", str(folder / "*.txt"), "--no-lm", "-f", "json")
    assert len(json.loads(glob.stdout)["files"]) == 2
    named = run_cli(
        "check", str(folder / "port.src.fr.txt"), str(folder / "port.txt"), "--no-lm", "-f", "json"
    )
    assert [Path(f["path"]).name for f in json.loads(named.stdout)["files"]] == ["port.txt"]
    assert "port.src.fr.txt: a source text" in named.stderr


def test_one_source_file_with_several_articles_is_an_error(folder: Path) -> None:
    result = run_cli("check", str(folder), "--no-lm", "--source", str(folder / "port.src.fr.txt"))
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr.count("\n") == 1
        and "one source file pairs with one article, and 2 were given" in result.stderr
    )
    single = run_cli(
        "check",
        str(folder / "plant.txt"),
        "--no-lm",
        "-f",
        "json",
        "--source",
        str(folder / "port.src.fr.txt"),
    )
    assert number_findings(single) == {"plant.txt": ["300"]}  # as given: 300 is not the source's 120


def test_source_dir_holds_the_sources_by_pattern(tmp_path: Path) -> None:
    articles, sources = tmp_path / "en", tmp_path / "fr"
    articles.mkdir()
    sources.mkdir()
    for stem, (article, source) in PAIRS.items():
        (articles / f"{stem}.txt").write_text(article, encoding="utf-8")
        (sources / f"{stem}.txt").write_text(source, encoding="utf-8")
    result = run_cli(
        "check",
        str(articles),
        "--no-lm",
        "-f",
        "json",
        "--source",
        str(sources),
        "--source-pattern",
        "{stem}{suffix}",
        "--source-lang",
        "fr",
    )
    assert number_findings(result) == {"plant.txt": ["300"], "port.txt": []}


def test_the_source_language_comes_from_the_name(folder: Path) -> None:
    (folder / "plant.src.fr.txt").rename(folder / "plant.src.xx.txt")
    result = run_cli(
        "check", str(folder / "plant.txt"), "--no-lm", "--source-pattern", "{stem}.src.{lang}{suffix}"
    )
    assert result.returncode == 2 and "plant.src.xx.txt" in result.stderr and "Traceback" not in result.stderr


def test_an_article_without_a_source_is_checked_with_a_note(folder: Path) -> None:
    (folder / "plant.src.fr.txt").unlink()
    result = run_cli(
        "check", str(folder), "--no-lm", "-f", "json", "--source-pattern", "{stem}.src.{lang}{suffix}"
    )
    assert result.returncode == 0 and number_findings(result) == {"plant.txt": [], "port.txt": []}
    assert "plant.txt: no source text" in result.stderr


def test_two_sources_for_one_article_is_an_error_naming_both(folder: Path) -> None:
    (folder / "plant.src.de.txt").write_text("Die Fabrik beschäftigt 300 Menschen.\n", encoding="utf-8")
    result = run_cli(
        "check", str(folder), "--no-lm", "-f", "json", "--source-pattern", "{stem}.src.{lang}{suffix}"
    )
    assert result.returncode == 2
    assert "plant.src.de.txt, plant.src.fr.txt" in result.stderr and "keep one" in result.stderr
    assert number_findings(result) == {"port.txt": []}  # the others are still checked


def test_fix_uses_the_paired_source(folder: Path) -> None:
    result = run_cli(
        "fix",
        str(folder / "plant.txt"),
        "--no-lm",
        "--unsafe",
        "--source-pattern",
        "{stem}.src.{lang}{suffix}",
    )
    assert "+The plant employs 350 people." in result.stdout


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("{name}.src{suffix}", "unknown placeholder {name}"), ("src.{lang}.txt", "must contain {stem}")],
)
def test_a_bad_pattern_is_one_line(folder: Path, pattern: str, message: str) -> None:
    result = run_cli("check", str(folder), "--no-lm", "--source-pattern", pattern)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr
