"""The command line and the Python API check and fix an article by one path (issue 12: the CLI a
thin layer, no logic duplicated between cli.py and api.py), so they agree on the same text."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

import tqcheck

TEXTS = {
    "a.txt": "Border clash\n\nTroops said the the border was calm .\n\nLeave a Reply\n",
    "b.md": "# talks resume\n\nOfficials said  the talks resume on Monday.\n\n<!-- tqcheck: disable-next-line repeated-word -->\nThe the vote.\n",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_check_and_fix_agree_between_the_cli_the_api_and_stdin(name: str, tmp_path: Path) -> None:
    text = TEXTS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    fmt = "md" if name.endswith(".md") else "txt"
    from_api = [
        (f.rule, f.start, f.end, f.line, f.column, f.message)
        for f in tqcheck.check(text, lang="en", model=False, format=fmt).findings
    ]
    for args, stdin in (((str(path),), None), (("-", "--stdin-filename", name), text)):
        result = run_cli(
            "check", *args, "--no-lm", "--lang", "en", "-f", "json", input_text=stdin, cwd=tmp_path
        )
        (entry,) = json.loads(result.stdout)["files"]
        from_cli = [
            (f["rule"], f["start"], f["end"], f["line"], f["column"], f["message"]) for f in entry["findings"]
        ]
        assert from_cli == from_api and from_api
    assert run_cli("fix", str(path), "--no-lm", "--lang", "en", "--write").returncode == 0
    assert (
        path.read_text(encoding="utf-8") == tqcheck.fix(text, lang="en", model=False, format=fmt).text != text
    )


def test_neither_the_cli_nor_the_api_runs_the_engine_or_the_fixer_itself() -> None:
    for module in ("cli.py", "api.py"):
        tree = ast.parse((ROOT / "tqcheck" / module).read_text(encoding="utf-8"))
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module in ("tqcheck.engine", "tqcheck.fixer")
            for alias in node.names
        }
        assert not names & {"check_document", "fix_text"}, (module, names)
