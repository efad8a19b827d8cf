"""Finding the articles in a file: its format from the suffix, and one article per JSONL record."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tqcheck.document.decode import Decoded, FileStamp, decode_bytes
from tqcheck.errors import InputError

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl"}


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return "md"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix == ".jsonl":
        return "jsonl"
    return "txt"


@dataclass(slots=True)
class RawDocument:
    """A decoded article before analysis: one file, or one record of a JSONL file."""

    path: str
    source: str
    format: str
    decoded: Decoded
    record_id: str | None = None
    lang: str | None = None
    source_text: str | None = None
    source_lang: str | None = None


# Articles are kilobytes; anything near this is a mistake (a log, a dump, /dev/zero), refused before
# it is read. `TQCHECK_MAX_INPUT_MB` raises or lowers it.
DEFAULT_MAX_INPUT_MB = 50


def max_input_bytes() -> int:
    value = os.environ.get("TQCHECK_MAX_INPUT_MB", "")
    try:
        megabytes = float(value) if value else DEFAULT_MAX_INPUT_MB
    except ValueError:
        raise InputError(f"TQCHECK_MAX_INPUT_MB must be a number of megabytes, not {value!r}") from None
    return int(megabytes * 1024 * 1024)


def display_name(path: Path | str) -> str:
    """The path as a printable string: a name that is not valid UTF-8 keeps its bytes as escapes
    (`caf\\xe9.txt`), so that reports and SARIF can be written as UTF-8."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def read_limited(path: Path, name: str | None = None) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes, at most the input limit: FIFOs, devices and sockets are refused
    (they may never end), and a file that grows past the limit while read is refused too."""
    name = name or display_name(path)
    try:
        status = path.stat()  # before reading: an edit during the read then shows as a newer mtime
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except OSError as error:  # a symlink loop, a permission, a name too long
        raise InputError(f"cannot read: {error.strerror or error}", name) from error
    if stat.S_ISDIR(status.st_mode):
        raise InputError("is a directory", name)
    if not stat.S_ISREG(status.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(status.st_mode) else "a device or socket"
        raise InputError(f"is {kind}, not a regular file; tqcheck reads articles from files", name)
    if status.st_size > max_input_bytes():
        raise InputError(_too_big(), name)
    try:
        with path.open("rb") as handle:
            return read_bounded(handle, name), status
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", name) from error


def read_bounded(handle: BinaryIO, name: str) -> bytes:
    """At most the input limit from an open stream (a file, standard input); more is refused."""
    limit = max_input_bytes()
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(_too_big(), name)
    return data


def _too_big() -> str:
    return f"larger than the input limit of {max_input_bytes() / 1048576:g} MB (TQCHECK_MAX_INPUT_MB)"


def read_articles(path: Path, encoding: str | None = None) -> list[RawDocument]:
    """Read one file into one article (or, for JSONL, one per record). Raises InputError."""
    name = display_name(path)
    data, status = read_limited(path, name)
    decoded = decode_bytes(data, name, encoding)
    decoded.stamp = FileStamp.of(data, status)
    fmt = format_of(path)
    if fmt != "jsonl":
        return [RawDocument(name, decoded.text, fmt, decoded)]
    return list(_jsonl_records(name, decoded))


def _jsonl_records(name: str, decoded: Decoded) -> Iterator[RawDocument]:
    for number, line in enumerate(decoded.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"line {number}: invalid JSON ({error.msg})", name) from error
        except RecursionError:
            raise InputError(f"line {number}: JSON nested too deeply", name) from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f'line {number}: each record needs a "text" string', name)
        for key in ("lang", "source", "source_lang"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise InputError(f'line {number}: "{key}" must be a string', name)
        for key in ("text", "source", "id"):
            if isinstance(record.get(key), str) and has_lone_surrogate(record[key]):
                raise InputError(
                    f'line {number}: "{key}" holds a lone surrogate escape (\\ud800-\\udfff), '
                    "which is not a character",
                    name,
                )
        yield RawDocument(
            path=name,
            source=record["text"],
            format="txt",
            decoded=decoded,
            record_id=str(record.get("id", number)),
            lang=record.get("lang"),
            source_text=record.get("source"),
            source_lang=record.get("source_lang"),
        )


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """JSON's `\\ud800` escapes decode to surrogates, which no UTF-8 output can hold."""
    return LONE_SURROGATE.search(text) is not None
