"""`check --changed-since REV`: only the articles a change touched, as git lists them.

A pull request's job runs `tqcheck check articles/ --changed-since origin/main`: the files that
differ between the working tree and the commit where REV and HEAD meet (`git diff --merge-base`,
so commits made on main since the branch started do not count), plus untracked files, less the
deleted ones. A changed source text (`port.src.ar.txt`) brings in its article.
"""

from __future__ import annotations

import fnmatch
import subprocess
from pathlib import Path

from tqcheck.document import TEXT_SUFFIXES
from tqcheck.errors import InputError
from tqcheck.sources import _name_regex, is_source_name


def _git(*args: str, cwd: Path) -> list[str]:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("--changed-since needs git, which is not installed") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"--changed-since: git {args[0]} failed: {reason[0] if reason else done.returncode}")
    # -z output ends each name with NUL; rev-parse ends its one line with a newline
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [name.rstrip("\n") for name in names if name.strip()]


def changed_files(rev: str, cwd: Path) -> list[Path]:
    """Files changed since `rev` (committed, staged, unstaged or untracked), deleted ones left out."""
    if rev.startswith("-"):  # never let a revision be read as an option of git
        raise InputError(f"--changed-since: {rev!r} is not a revision")
    root = Path(_git("rev-parse", "--show-toplevel", cwd=cwd)[0])
    names = _git("diff", "--name-only", "-z", "--diff-filter=d", "--merge-base", rev, "--", cwd=root)
    names += _git("ls-files", "--others", "--exclude-standard", "-z", cwd=root)
    return sorted({(root / name).resolve() for name in names})


def _within(path: Path, argument: str) -> bool:
    """Whether `path` is the file `argument`, under the folder `argument` (not in a hidden
    folder, as a directory run skips those) or matched by the glob `argument`."""
    target = Path(argument).resolve()
    if any(ch in argument for ch in "*?[") and not Path(argument).exists():
        return fnmatch.fnmatch(str(path), str(Path(argument).absolute()))
    if path == target:
        return True
    return target in path.parents and not any(p.startswith(".") for p in path.relative_to(target).parts)


def changed_articles(arguments: list[str], rev: str, source_pattern: str) -> list[Path]:
    """The articles under `arguments` (files, folders, globs) that changed since `rev`."""
    found: list[Path] = []
    for path in changed_files(rev, Path.cwd()):
        if is_source_name(path, source_pattern):
            match = _name_regex(source_pattern).match(path.name)
            path = path.with_name(match["stem"] + (match.groupdict().get("suffix") or path.suffix))
        if path.suffix.lower() not in TEXT_SUFFIXES or not path.is_file():
            continue
        if any(_within(path, argument) for argument in arguments):
            found.append(path)
    cwd = Path.cwd()
    return [p.relative_to(cwd) if cwd in p.parents else p for p in dict.fromkeys(found)]
