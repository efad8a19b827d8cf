"""`check --changed-since REV` (issue 12): a CI job checks only the articles a branch changed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

CLEAN = "Talks resume\n\nOfficials said the talks would resume on Monday.\n"
DOUBLED = "Talks resume\n\nOfficials said the the talks would resume on Monday.\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def write(repo: Path, name: str, text: str) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    for name in (
        "news/old.txt",
        "news/edited.txt",
        "news/paired.txt",
        "news/paired.src.fr.txt",
        "other/x.txt",
    ):
        write(tmp_path, name, DOUBLED if name == "news/old.txt" else CLEAN)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    git(tmp_path, "branch", "feature")
    write(tmp_path, "news/on-main.txt", DOUBLED)  # main moves on after the branch starts: not ours
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "main moves on")
    git(tmp_path, "checkout", "-q", "feature")
    write(tmp_path, "news/edited.txt", DOUBLED)  # committed on the branch
    git(tmp_path, "commit", "-qam", "edit")
    write(tmp_path, "news/new.md", DOUBLED)  # untracked
    write(
        tmp_path, "news/paired.src.fr.txt", "Les pourparlers reprendront lundi.\n"
    )  # its article is re-checked
    write(tmp_path, "other/x.txt", DOUBLED)  # changed, but outside the checked folder
    (tmp_path / "news" / "gone.txt").write_text(CLEAN, encoding="utf-8")
    git(tmp_path, "add", "news/gone.txt")
    (tmp_path / "news" / "gone.txt").unlink()  # staged, then deleted: nothing to check
    return tmp_path


def test_only_the_articles_changed_since_the_branch_point(repo: Path) -> None:
    result = run_cli(
        "check", "news", "--no-lm", "-f", "json", "--changed-since", "main", "--fail-on", "minor", cwd=repo
    )
    checked = sorted(f["path"] for f in json.loads(result.stdout)["files"])
    assert checked == ["news/edited.txt", "news/new.md", "news/paired.txt"], result.stderr
    assert result.returncode == 1  # the gate still applies to what was checked
    everything = run_cli("check", "news", "--no-lm", "-f", "json", cwd=repo)
    assert len(json.loads(everything.stdout)["files"]) == 4  # old, edited, paired, new


def test_nothing_changed_is_a_note_and_exit_0(repo: Path) -> None:
    result = run_cli("check", "news", "--no-lm", "--changed-since", "HEAD", "--fail-on", "minor", cwd=repo)
    git(repo, "stash", "-u", "-q")
    clean = run_cli("check", "news", "--no-lm", "--changed-since", "HEAD", cwd=repo)
    assert clean.returncode == 0 and "no article changed since HEAD" in clean.stderr
    assert result.returncode == 1  # the untracked and modified files before the stash


def test_with_standard_input_is_one_line(repo: Path) -> None:
    result = run_cli("check", "-", "--no-lm", "--changed-since", "main", cwd=repo, input_text=CLEAN)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "standard input" in result.stderr


@pytest.mark.parametrize("rev", ["no-such-branch", "--output=x"])
def test_a_bad_revision_is_one_line(repo: Path, rev: str) -> None:
    result = run_cli("check", "news", "--no-lm", f"--changed-since={rev}", cwd=repo)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tqcheck: error: --changed-since")


def test_outside_a_repository_is_one_line(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", CLEAN)
    result = run_cli(
        "check",
        "a.txt",
        "--no-lm",
        "--changed-since",
        "main",
        cwd=tmp_path,
        env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)},
    )
    assert (
        result.returncode == 2 and "git rev-parse failed" in result.stderr and result.stderr.count("\n") == 1
    )
