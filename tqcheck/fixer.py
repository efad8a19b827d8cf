"""Applying suggestions: deterministic, non-overlapping edits, written atomically.

Nothing outside a fixed span changes: the file is decoded once, edited as a string at the
findings' absolute offsets, and encoded back with the same encoding, byte-order mark and line
endings. A fix that the original encoding cannot represent is skipped, not forced.
"""

from __future__ import annotations

import difflib
import html
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqcheck.document import Decoded, FileStamp
from tqcheck.errors import InputError
from tqcheck.findings import Applicability, Finding, Suggestion

# Fixes can uncover others (a heading's period, then its case): re-check until nothing applies,
# so one run reaches a fixed point. The bound only stops fixes that undo each other.
MAX_PASSES = 200


def non_overlapping(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Pick edits in a deterministic order (start, end, replacement); drop any that overlap a kept one."""
    kept: list[Suggestion] = []
    last_end = -1
    for suggestion in sorted(suggestions, key=lambda s: (s.start, s.end, s.replacement)):
        if kept and (suggestion.start < last_end or suggestion.start == kept[-1].start):
            continue
        kept.append(suggestion)
        last_end = max(last_end, suggestion.end)
    return kept


def apply_suggestions(text: str, suggestions: Iterable[Suggestion]) -> str:
    parts: list[str] = []
    cursor = 0
    for suggestion in non_overlapping(suggestions):
        parts.append(text[cursor : suggestion.start])
        parts.append(suggestion.replacement)
        cursor = suggestion.end
    parts.append(text[cursor:])
    return "".join(parts)


def applicable(findings: Iterable[Finding], unsafe: bool) -> list[Suggestion]:
    """The first suggestion of each finding, when its applicability allows it."""
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    return [f.best for f in findings if f.best is not None and f.best.applicability in allowed]


def _newline_style(text: str) -> str:
    crlf, lf = text.count("\r\n"), text.count("\n")
    return "\r\n" if crlf and crlf == lf else "\n"


def _adapt(suggestion: Suggestion, file_format: str, newline: str) -> Suggestion:
    replacement = suggestion.replacement
    if file_format == "html":
        replacement = html.escape(replacement, quote=False)
    if newline == "\r\n" and "\n" in replacement:
        replacement = replacement.replace("\r\n", "\n").replace("\n", "\r\n")
    return replace(suggestion, replacement=replacement)


@dataclass
class FixResult:
    path: str
    original: str
    fixed: str
    decoded: Decoded  # how the file was read, so it is written back the same way
    applied: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # The edits of each pass, in that pass's text: what changed where (the fuzz bench audits it).
    passes: list[list[Suggestion]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.original != self.fixed

    def diff(self) -> str:
        before = self.original.splitlines(keepends=True)
        after = self.fixed.splitlines(keepends=True)
        name = self.path.lstrip("/")
        lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
        # A last line without a newline needs git's marker, or `git apply` rejects the patch as corrupt.
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
        )


CheckText = Callable[[str], list[Finding]]


def fix_text(
    path: str,
    text: str,
    decoded: Decoded,
    file_format: str,
    check: CheckText,
    unsafe: bool,
) -> FixResult:
    """Apply applicable fixes, re-checking after each pass until nothing applicable is left."""
    result = FixResult(path, text, text, decoded)
    newline = _newline_style(text)
    seen = {hash(text)}
    for _ in range(MAX_PASSES):
        findings = check(result.fixed)
        by_suggestion = {id(f.best): f for f in findings if f.best is not None}
        edits = []
        for suggestion in applicable(findings, unsafe):
            edit = _adapt(suggestion, file_format, newline)
            if decoded.encoding and not _encodable(edit.replacement, decoded.encoding):
                result.skipped.append(
                    f"{by_suggestion[id(suggestion)].rule} at offset {suggestion.start}: "
                    f"“{edit.replacement}” cannot be written in {decoded.encoding}"
                )
                continue
            edits.append((edit, by_suggestion[id(suggestion)]))
        kept = non_overlapping(e for e, _ in edits)
        if not kept:
            break
        kept_ids = {id(e) for e in kept}
        result.applied.extend(f for e, f in edits if id(e) in kept_ids)
        result.passes.append(kept)
        result.fixed = apply_suggestions(result.fixed, kept)
        if hash(result.fixed) in seen:  # fixes that undo each other (a glossary with A → B and B → A)
            result.skipped.append("further fixes: they undo each other and never settle")
            break
        seen.add(hash(result.fixed))
    else:
        result.skipped.append(f"further fixes: still finding some after {MAX_PASSES} passes")
    return result


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _unchanged_since_read(target: Path, stamp: FileStamp, name: str) -> None:
    """Raise InputError if the file is no longer what was read: replacing it would lose an edit."""
    try:
        status = target.stat()
        now = (status.st_size, status.st_mtime_ns)
        same = now == (stamp.size, stamp.mtime_ns) and FileStamp.of(target.read_bytes(), status) == stamp
    except OSError:
        same = False
    if not same:
        raise InputError("changed while tqcheck was fixing it; not written (run fix again)", name)


def write_atomically(path: Path, text: str, decoded: Decoded) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file.

    Only if the file is still what was read (size, mtime and hash, compared just before the
    rename): an edit made meanwhile is never overwritten.

    A symbolic link is written through (its target is replaced, the link stays); a failure leaves
    the file as it was, no temporary file behind, and raises a one-line InputError.
    """
    data = decoded.bom + text.encode(decoded.encoding)
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tqcheck", dir=target.parent)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror or error}", str(path)) from error
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        if decoded.stamp is not None:
            _unchanged_since_read(target, decoded.stamp, str(path))
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, InputError):
            raise
        if isinstance(error, OSError):  # disk full, permissions: a user's problem, not a crash
            raise InputError(f"cannot write: {error.strerror or error}", str(path)) from error
        raise
