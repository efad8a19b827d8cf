"""CI and editor conventions (issue 12), as a user sees them through the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import run_cli


def test_fix_diff_applies_with_git_when_the_file_has_no_final_newline(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    article = tmp_path / "a.txt"
    article.write_text(
        "The the report was published today.\nIt was was read by many people.", encoding="utf-8"
    )
    result = run_cli("fix", "a.txt", "--no-lm", "--lang", "en", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "\\ No newline at end of file" in result.stdout
    (tmp_path / "p.diff").write_text(result.stdout, encoding="utf-8")
    applied = subprocess.run(
        ["git", "apply", "--check", "p.diff"], cwd=tmp_path, capture_output=True, text=True
    )
    assert applied.returncode == 0, applied.stderr
