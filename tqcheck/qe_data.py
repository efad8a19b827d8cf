"""Readers for the public word-level quality-estimation data: WMT MQM span files and MLQE-PE tags.

Both become `QESegment`s: a source, a machine translation, and the translation's error spans as
character offsets, so that training (`train/qe.py`) and `tqcheck eval` read them one way.

* WMT span TSV (WMT-QE-Task/wmt-qe-2023-data, task 2): tab-separated columns system, doc_id,
  segment_id, rater, source, target, start offsets, end offsets, severities; several spans are
  space-separated in one cell, and `-1 -1 no-error` marks a translation without errors.
* MLQE-PE post-editing folders (sheffieldnlp/mlqe-pe): `<split>.src`, `<split>.mt`, `<split>.tags`
  (a tag for each gap and each word, `OK`/`BAD`; the words' tags are the odd positions) and
  `<split>.hter`. Words are the space-separated tokens of the `.mt` line.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqcheck.errors import InputError

# MQM weights as WMT uses them (Freitag et al. 2021): a minor error costs 1, a major 5.
SEVERITY_WEIGHT = {"minor": 1.0, "major": 5.0, "critical": 10.0, "bad": 1.0}
PAIR = re.compile(r"(?<![a-z])([a-z]{2})-([a-z]{2})(?![a-z])")


@dataclass
class QESegment:
    id: str
    doc: str
    source: str
    target: str
    source_lang: str
    lang: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, severity
    words: list[tuple[int, int]] | None = None  # MLQE-PE: the target's words, to score BAD-word F1

    @property
    def penalty(self) -> float:
        """The MQM penalty of the human annotation (higher is worse)."""
        return sum(SEVERITY_WEIGHT.get(severity, 1.0) for _, _, severity in self.spans)


def language_pair(path: Path) -> tuple[str, str]:
    """The pair a WMT/MLQE-PE file name carries (`2021_en-de_processed.tsv`, `ro-en-dev`)."""
    match = PAIR.search(path.name) or PAIR.search(str(path.parent))
    if not match:
        raise InputError("cannot tell the language pair from the name (want e.g. en-de)", str(path))
    return match.group(1), match.group(2)


def read_wmt_spans(path: Path, limit: int | None = None) -> list[QESegment]:
    """A WMT MQM span file, one segment per row."""
    if not path.is_file():
        raise InputError("no such file", str(path))
    source_lang, lang = language_pair(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    segments: list[QESegment] = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
                if not row or (number == 1 and "start_ids" in row):  # the header row
                    continue
                while len(row) > 9 and not row[-1].strip():  # trailing empty columns (WMT22 dev)
                    row = row[:-1]
                if len(row) != 9:
                    raise InputError(
                        f"line {number}: want 9 tab-separated columns, got {len(row)}", str(path)
                    )
                system, doc, seg, rater, source, target, starts, ends, severities = row
                spans = []
                if starts.strip() != "-1":
                    triples = zip(starts.split(), ends.split(), severities.split(), strict=True)
                    for start, end, severity in triples:
                        # About 4% of the en-ru spans end a few characters past the target (the
                        # annotation tool counted quotes differently): clip them to the target.
                        first, last = max(0, int(start)), min(int(end), len(target))
                        if first < last:
                            spans.append((first, last, severity.lower()))
                segments.append(
                    QESegment(
                        id=f"{doc}:{seg}:{system}:{rater}",
                        doc=doc,
                        source=source,
                        target=target,
                        source_lang=source_lang,
                        lang=lang,
                        spans=spans,
                    )
                )
                if limit is not None and len(segments) >= limit:
                    break
    except UnicodeDecodeError as error:
        raise InputError("not UTF-8 text", str(path)) from error
    except ValueError as error:  # int() or zip(strict=True): a malformed offsets cell
        raise InputError(f"malformed span columns ({error})", str(path)) from error
    return segments


def word_spans(line: str) -> list[tuple[int, int]]:
    """Character spans of the space-separated words of a line."""
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]


def read_mlqe(folder: Path, limit: int | None = None) -> list[QESegment]:
    """An MLQE-PE post-editing folder (`en-de-dev/` with dev.src, dev.mt, dev.tags)."""
    if not folder.is_dir():
        raise InputError("no such folder", str(folder))
    source_lang, lang = language_pair(folder)

    def lines(suffix: str) -> list[str]:
        found = sorted(folder.glob(f"*.{suffix}"))
        if not found:
            raise InputError(f"no *.{suffix} file", str(folder))
        try:
            return found[0].read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as error:
            raise InputError("not UTF-8 text", str(found[0])) from error

    sources, targets, tags = lines("src"), lines("mt"), lines("tags")
    if not len(sources) == len(targets) == len(tags):
        raise InputError("src, mt and tags files have different line counts", str(folder))
    segments = []
    for number, (source, target, tag_line) in enumerate(zip(sources, targets, tags, strict=True), 1):
        words = word_spans(target)
        labels = tag_line.split()
        if len(labels) == 2 * len(words) + 1:  # gaps and words interleaved: words at odd places
            labels = labels[1::2]
        if len(labels) != len(words):
            raise InputError(f"line {number}: {len(labels)} tags for {len(words)} words", str(folder))
        spans = [(s, e, "bad") for (s, e), label in zip(words, labels, strict=True) if label == "BAD"]
        segments.append(
            QESegment(
                id=f"{folder.name}:{number}",
                doc=f"{folder.name}:{number}",
                source=source,
                target=target,
                source_lang=source_lang,
                lang=lang,
                spans=spans,
                words=words,
            )
        )
        if limit is not None and len(segments) >= limit:
            break
    return segments


def read_qe(path: Path, limit: int | None = None) -> list[QESegment]:
    """Either format, told apart by what the path is."""
    return read_mlqe(path, limit) if path.is_dir() else read_wmt_spans(path, limit)
