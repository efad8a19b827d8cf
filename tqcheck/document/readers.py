"""Finding the articles in a file: its format from the suffix, and one article per JSONL record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def read_articles(path: Path, encoding: str | None = None) -> list[RawDocument]:
    """Read one file into one article (or, for JSONL, one per record). Raises InputError."""
    name = str(path)
    if not path.exists():
        raise InputError("no such file", name)
    if path.is_dir():
        raise InputError("is a directory", name)
    try:
        status = path.stat()  # before reading: an edit during the read then shows as a newer mtime
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", name) from error
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
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f'line {number}: each record needs a "text" string', name)
        for key in ("lang", "source", "source_lang"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise InputError(f'line {number}: "{key}" must be a string', name)
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
