"""Rules-only runs never import torch or transformers (a second of start-up, and gigabytes of
memory, for nothing); neither does `tqcheck --help`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

HEAVY = ("torch", "transformers")

ARTICLE = """Port workers end strike after wage deal

The strike at the port ended on Tuesday after an agreement on wages was reached with the the union.

Leave a Reply
"""


@pytest.fixture(autouse=True)
def heavy_packages_installed() -> None:
    # Without them installed these tests could not fail; the project depends on both.
    for name in HEAVY:
        assert importlib.util.find_spec(name) is not None, f"{name} is not installed"


REPORT = """
import json, sys
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers"})
print(json.dumps({"code": code, "heavy": heavy, "output": output}))
"""


def run_python(code: str, cwd: Path) -> dict:
    """Run `code` in a fresh interpreter, then report its `code`, `output` and the heavy modules loaded."""
    program = textwrap.dedent(code) + REPORT
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Port strike\n\n" + ARTICLE.split("\n", 2)[2], encoding="utf-8")
    (tmp_path / "c.html").write_text(
        "<html><body><article><h1>Port strike</h1><p>The strike ended on Tuesday after a deal "
        "with the the union.</p><p>Leave a Reply</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "d.txt").write_text(
        "港口罢工结束\n\n工会周二与公司达成工资协议，港口罢工随即结束。\n", encoding="utf-8"
    )
    return tmp_path


def test_check_no_lm_in_process(articles: Path) -> None:
    data = run_python(
        f"""
        import contextlib, io, sys
        from tqcheck.cli import app
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                app(["check", {str(articles)!r}, "--no-lm", "--format", "json"])
                code = 0
            except SystemExit as exit:
                code = exit.code
        output = out.getvalue()
        """,
        ROOT,
    )
    assert data["heavy"] == []
    assert data["code"] == 1  # the residue lines are major: the check did run
    report = json.loads(data["output"])
    assert len(report["files"]) == 4
    assert {f["rule"] for e in report["files"] for f in e["findings"]} >= {"TQ101", "TQ202"}


def test_runner_without_model(articles: Path) -> None:
    data = run_python(
        f"""
        from pathlib import Path
        from tqcheck.options import RunOptions
        from tqcheck.runner import collect_paths, run_check
        paths, errors = collect_paths([{str(articles)!r}])
        report = run_check(paths, RunOptions(use_model=False, lang="en"))
        code = 0
        output = [f.rule for f in report.findings]
        """,
        ROOT,
    )
    assert data["heavy"] == []
    assert "TQ101" in data["output"]


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["rules"]])
def test_help_does_not_import_the_model(args: list[str], tmp_path: Path) -> None:
    data = run_python(
        f"""
        import contextlib, io
        from tqcheck.cli import app
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                app({args!r})
                code = 0
            except SystemExit as exit:
                code = exit.code
        output = out.getvalue()
        """,
        tmp_path,
    )
    assert data["code"] == 0
    assert data["heavy"] == []
    assert "check" in data["output"] or "TQ101" in data["output"] or "--no-lm" in data["output"]


def test_the_base_install_requires_no_model_packages() -> None:
    """`pip install tqcheck` (no extras) brings no torch; `tqcheck[lm]` does."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    from tqcheck.lm import MODEL_PACKAGES

    requirements = [Requirement(r) for r in requires("tqcheck") or []]
    base = {r.name for r in requirements if r.marker is None}
    lm = {r.name for r in requirements if r.marker is not None and r.marker.evaluate({"extra": "lm"})}
    assert not base & set(MODEL_PACKAGES)
    assert lm >= set(MODEL_PACKAGES)


def test_a_model_run_without_the_lm_extra_says_how_to_get_it(tmp_path: Path) -> None:
    """Without torch and transformers, `check` fails in one line naming the extra (and --no-lm works)."""
    article = tmp_path / "a.txt"
    article.write_text("The port reopened on Tuesday after a long strike.\n", encoding="utf-8")
    data = run_python(
        f"""
        import contextlib, importlib.util, io
        real = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name in ("torch", "transformers") else real(name, *a)
        from tqcheck.cli import run
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            code = run(["check", {str(article)!r}, "--lang", "en"])
        output = [run(["check", {str(article)!r}, "--lang", "en", "--no-lm"]), errors.getvalue()]
        """,
        ROOT,
    )
    assert data["code"] == 2
    no_lm_code, message = data["output"]
    assert no_lm_code == 0
    assert message.count("\n") == 1 and "tqcheck[lm]" in message and "--no-lm" in message
