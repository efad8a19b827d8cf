"""Shell completion, and --jobs with the model said out loud rather than silently ignored (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_api import FakeScorer


def test_completion_options_are_offered_and_complete_commands_and_choices() -> None:
    top = run_cli("--help").stdout
    assert "--install-completion" in top and "--show-completion" in top
    # What bash's completion function asks the program (the script --show-completion prints)
    env = {"_TQCHECK_COMPLETE": "complete_bash", "COMP_WORDS": "tqcheck ch", "COMP_CWORD": "1"}
    assert run_cli(env=env).stdout.split() == ["check"]
    env.update(COMP_WORDS="tqcheck check --fail-on ", COMP_CWORD="3")
    assert run_cli(env=env).stdout.split() == ["minor", "major", "critical", "never"]
    script = run_cli(
        "--show-completion",
        "bash",
        env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "SHELL": "/bin/bash"},
    )
    assert "_TQCHECK_COMPLETE=complete_bash" in script.stdout


@pytest.fixture
def two(tmp_path: Path) -> list[str]:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(
            "Border clash\n\nTroops fired in an accident on the the border.\n", encoding="utf-8"
        )
    return [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


def test_jobs_with_the_model_says_it_runs_in_turn(two: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck import cli

    monkeypatch.setattr(cli, "_load_model", lambda settings: FakeScorer())
    parallel = run_cli("check", *two, "-j", "2", "-f", "json", "--select", "TQ301,TQ202")
    assert parallel.stderr.splitlines() == [
        "tqcheck: note: --jobs 2 does not apply with the language model: one loaded model checks the files "
        "in turn (--no-lm checks them in parallel)"
    ]
    serial = run_cli("check", *two, "-f", "json", "--select", "TQ301,TQ202")
    assert serial.stderr == ""
    assert json.loads(parallel.stdout)["files"] == json.loads(serial.stdout)["files"]
    # The model's ranking was used: the fake scorer's preferred candidate comes first.
    assert json.loads(serial.stdout)["files"][0]["findings"][0]["suggestions"][0]["replacement"] == "incident"
    assert run_cli("check", *two, "-j", "2", "--no-lm", "-q").stderr == ""


def test_output_file_is_ruffs_spelling_of_output(two: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run_cli("check", two[0], "--no-lm", "-f", "json", "--output-file", str(target))
    assert result.stdout == "" and json.loads(target.read_text(encoding="utf-8"))["files"][0]["findings"]
