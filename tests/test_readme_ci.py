"""The README's GitHub Actions workflow and the pre-commit hooks (issue 12): one run writes the
annotations and the SARIF file and fails on the gate, pip and the model are cached, the hooks
install without torch."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAJOR_AND_MINOR = "Talks end\n\nOfficials said the the talks went well.\n\nLeave a Reply\n"


@pytest.fixture(scope="module")
def workflow() -> dict:
    section = README.split("## In CI\n", 1)[1].split("\n## ", 1)[0]
    return yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])


def steps(workflow: dict) -> list[dict]:
    return workflow["jobs"]["tqcheck"]["steps"]


def test_the_workflow_caches_pip_and_the_model(workflow: dict) -> None:
    setup = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache"))
    # where tqcheck keeps the converted model on a Linux runner (no TQCHECK_CACHE set)
    from platformdirs import user_cache_dir

    home = str(Path.home())
    assert "TQCHECK_CACHE" not in json.dumps(workflow)
    assert cache["with"]["path"] == "~" + user_cache_dir("tqcheck").removeprefix(home)
    install = next(s["run"] for s in steps(workflow) if "pip install" in s.get("run", ""))
    assert "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in install
    assert "[lm]" in workflow["jobs"]["tqcheck"]["env"]["TQCHECK_SPEC"]


def test_one_run_writes_annotations_and_sarif_and_fails_on_the_gate(workflow: dict, tmp_path: Path) -> None:
    runs = [s["run"] for s in steps(workflow) if "tqcheck check" in s.get("run", "")]
    assert len(runs) == 1  # the model runs once
    upload = next(s for s in steps(workflow) if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "always()"  # the SARIF is uploaded although the gate failed the step
    args = shlex.split(runs[0].replace("${{ github.base_ref }}", "main"))
    sarif_name = next(a.split("=", 1)[1] for a in args if a.startswith("sarif="))
    assert upload["with"]["sarif_file"] == sarif_name
    assert args[args.index("--fail-on") + 1] != "never"

    # The same command, in a pull request's checkout (rules only here: no model in unit tests).
    def git(*more: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e.org", *more],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    git("init", "-q", "-b", "main")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "old.txt").write_text(MAJOR_AND_MINOR, encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    git("checkout", "-qb", "pr")
    (tmp_path / "articles" / "new.txt").write_text(MAJOR_AND_MINOR, encoding="utf-8")
    result = run_cli(*args[1:], "--no-lm", cwd=tmp_path)
    assert result.returncode == 1  # the gate fails the job
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert [re.match(r"::(\w+) file=([^,]+)", a).groups() for a in annotations] == [
        ("notice", "articles/new.txt"),
        ("error", "articles/new.txt"),
    ]
    sarif = json.loads((tmp_path / sarif_name).read_text(encoding="utf-8"))
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["note", "error"]
    # Nothing changed: still a SARIF file to upload, and a green job.
    git("add", ".")
    git("commit", "-qm", "pr")
    git("update-ref", "refs/remotes/origin/pr", "HEAD")
    (tmp_path / sarif_name).unlink()
    quiet = run_cli(
        *shlex.split(runs[0].replace("${{ github.base_ref }}", "pr"))[1:], "--no-lm", cwd=tmp_path
    )
    assert (
        quiet.returncode == 0 and json.loads((tmp_path / sarif_name).read_text())["runs"][0]["results"] == []
    )


def test_pre_commit_hooks_install_without_torch_and_skip_sources(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    base = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert not [d for d in base if re.match(r"(torch|transformers|gemma3)", d)]
    for hook in hooks:
        # pre-commit installs the repository as `pip install .`, plus additional_dependencies
        assert hook["language"] == "python" and not hook.get("additional_dependencies")
        assert "--no-lm" in hook["entry"].split()
    check = next(h for h in hooks if h["id"] == "tqcheck")
    (tmp_path / "port.txt").write_text(MAJOR_AND_MINOR, encoding="utf-8")
    (tmp_path / "port.src.fr.txt").write_text("Les pourparlers se terminent.\n", encoding="utf-8")
    files = [f for f in ("port.txt", "port.src.fr.txt") if re.search(check["files"], f)]
    result = run_cli(*check["entry"].split()[1:], "-f", "json", *files, cwd=tmp_path)
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["port.txt"]
    assert result.returncode == 1


def test_the_language_server_is_documented_for_neovim_and_vs_code() -> None:
    section = README.split("## In editors\n", 1)[1].split("\n## ", 1)[0]
    neovim = section.split("```lua\n", 1)[1].split("```", 1)[0]
    assert 'cmd = { "tqcheck", "server" }' in neovim and 'vim.lsp.enable("tqcheck")' in neovim
    manifest = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    assert manifest["main"] == "extension.js" and "vscode-languageclient" in manifest["dependencies"]
    extension = section.split("```js\n", 1)[1].split("```", 1)[0]
    assert '{ command: "tqcheck", args: ["server"] }' in extension
    # the options the settings mention are the server's
    help_text = run_cli("server", "--help").stdout
    assert all(option in help_text for option in ("--lm", "--lang", "--select", "--fail-on"))
