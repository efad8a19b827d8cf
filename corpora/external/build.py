"""Build the external clean-text corpus from NTREX-128 (human translations of English news).

Usage: python corpora/external/build.py NTREX [--commit SHA] [--out DIR]

NTREX is a git directory (a bare mirror or a clone's .git; read at --commit, default HEAD) or a
plain folder with NTREX's layout. Writes DIR/<lang>.jsonl (default: this folder), one record per
paragraph: {"id", "lang", "text", "doc", "split", "lines"}, and the counts block of SOURCES.md
beside this script. Deterministic: the same input gives the same bytes.

Paragraphs are 3 to 5 consecutive sentences (lines) of one document, split as evenly as the
document allows; a document's first line is its headline and stands on its own line above the
first paragraph. Documents are split into two halves by a hash of the document id, the same for
every language, so no test document is seen in any language while tuning: `dev` may be read when
fixing false alarms, `test` never.

The corpus is CC BY-SA 4.0 data, not this project's code: see SOURCES.md before committing it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES_MD = HERE / "SOURCES.md"
# tqcheck's target language -> the NTREX file. English is the WMT19 source itself (written in
# English by the newsrooms); the others are NTREX's professional translations of it. One variant
# each: the tool's zh data is for simplified Chinese, and one variant keeps the languages comparable.
FILES = {
    "en": "NTREX-128/newstest2019-src.eng.txt",
    "fr": "NTREX-128/newstest2019-ref.fra.txt",
    "de": "NTREX-128/newstest2019-ref.deu.txt",
    "es": "NTREX-128/newstest2019-ref.spa.txt",
    "pt": "NTREX-128/newstest2019-ref.por.txt",
    "ru": "NTREX-128/newstest2019-ref.rus.txt",
    "ar": "NTREX-128/newstest2019-ref.arb.txt",
    "zh": "NTREX-128/newstest2019-ref.zho-CN.txt",
}
DOCUMENT_IDS = "DOCUMENT_IDS.tsv"
MIN_SENTENCES, MAX_SENTENCES = 3, 5
MAX_RECORDS = 400
MAX_BYTES = 300_000  # per file, so that Russian and Arabic (two bytes a letter) stay small too
BEGIN, END = "<!-- counts:begin (written by build.py) -->", "<!-- counts:end -->"


@dataclass(frozen=True)
class Paragraph:
    doc: str
    index: int  # 1-based, within its document
    first: int  # 1-based line numbers in the NTREX file, inclusive
    last: int


def read_source(root: Path, commit: str | None, path: str) -> str:
    if (root / "objects").is_dir() and (root / "HEAD").is_file():
        return git(root, "show", f"{commit or 'HEAD'}:{path}")
    return (root / path).read_text(encoding="utf-8")


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", f"--git-dir={root}", *args], capture_output=True, check=True, text=True, encoding="utf-8"
    )
    return result.stdout


def source_commit(root: Path, commit: str | None) -> str:
    if (root / "objects").is_dir() and (root / "HEAD").is_file():
        return git(root, "rev-parse", f"{commit or 'HEAD'}^{{commit}}").strip()
    return commit or "unknown (read from a folder)"


def lines_of(text: str) -> list[str]:
    # NTREX's files have CRLF endings and may start with a byte-order mark.
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.strip() for line in lines]


def chunk_sizes(count: int) -> list[int]:
    """Split `count` sentences into as few near-equal runs of at most MAX_SENTENCES as possible."""
    if count < MIN_SENTENCES:
        return []
    parts = math.ceil(count / MAX_SENTENCES)
    base, extra = divmod(count, parts)
    return [base + 1] * extra + [base] * (parts - extra)


def paragraphs_of(doc_ids: list[str]) -> list[Paragraph]:
    """Group consecutive lines of each document into paragraphs (documents are contiguous)."""
    runs: list[tuple[str, int, int]] = []  # doc, first index, count
    for index, doc in enumerate(doc_ids):
        if runs and runs[-1][0] == doc:
            runs[-1] = (doc, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((doc, index, 1))
    seen = Counter(doc for doc, _, _ in runs)
    if any(n > 1 for n in seen.values()):
        raise SystemExit(f"{DOCUMENT_IDS}: a document's lines are not contiguous")
    out: list[Paragraph] = []
    for doc, start, count in runs:
        at = start
        for number, size in enumerate(chunk_sizes(count), start=1):
            out.append(Paragraph(doc, number, at + 1, at + size))
            at += size
    return out


def split_of(docs: list[str]) -> dict[str, str]:
    """Half the documents (by a hash of their id, not their order) are dev, the rest test."""
    ranked = sorted(set(docs), key=lambda d: hashlib.sha256(d.encode()).hexdigest())
    half = math.ceil(len(ranked) / 2)
    return {doc: "dev" if i < half else "test" for i, doc in enumerate(ranked)}


def paragraph_text(lang: str, lines: list[str], paragraph: Paragraph) -> str:
    body = lines[paragraph.first - 1 : paragraph.last]
    joiner = "" if lang == "zh" else " "  # Chinese runs sentences together without spaces
    if paragraph.index == 1:  # the headline: a heading line, as in a published article
        return body[0] + "\n\n" + joiner.join(body[1:])
    return joiner.join(body)


def records_for(
    lang: str, lines: list[str], paragraphs: list[Paragraph], splits: dict[str, str]
) -> list[dict]:
    by_split = {name: [p for p in paragraphs if splits[p.doc] == name] for name in ("dev", "test")}
    # Take dev and test paragraphs alternately, so that the caps cut both halves alike.
    order = [p for pair in zip(by_split["dev"], by_split["test"], strict=False) for p in pair]
    longer = max(by_split.values(), key=len)
    order += longer[min(len(v) for v in by_split.values()) :]
    chosen: list[tuple[Paragraph, dict]] = []
    size = 0
    for paragraph in order:
        record = {
            "id": f"ntrex-{lang}-{paragraph.doc}-p{paragraph.index}",
            "lang": lang,
            "text": paragraph_text(lang, lines, paragraph),
            "doc": paragraph.doc,
            "split": splits[paragraph.doc],
            "lines": [paragraph.first, paragraph.last],
        }
        size += len(json_line(record).encode())
        if len(chosen) >= MAX_RECORDS or size > MAX_BYTES:
            break
        chosen.append((paragraph, record))
    chosen.sort(key=lambda item: item[0].first)  # written in the source's order
    return [record for _, record in chosen]


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def counts_block(commit: str, stats: dict[str, dict[str, int]], digests: dict[str, str]) -> str:
    rows = [
        "| lang | file | records | dev | test | documents | sentences | bytes | sha256 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lang, s in stats.items():
        rows.append(
            f"| {lang} | `{FILES[lang]}` | {s['records']} | {s['dev']} | {s['test']} | "
            f"{s['documents']} | {s['sentences']} | {s['bytes']} | `{digests[lang]}` |"
        )
    return "\n".join([BEGIN, f"Source commit: `{commit}`", "", *rows, END])


def write_counts(sources: Path, block: str) -> None:
    text = sources.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{sources}: no counts block to replace")
    sources.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ntrex", type=Path, help="NTREX git directory (bare mirror or .git) or folder")
    parser.add_argument("--commit", help="commit to read (default HEAD)")
    parser.add_argument("--out", type=Path, default=HERE, help="where the <lang>.jsonl files go")
    parser.add_argument("--sources", type=Path, default=SOURCES_MD, help="the SOURCES.md to update")
    args = parser.parse_args()
    doc_ids = lines_of(read_source(args.ntrex, args.commit, DOCUMENT_IDS))
    paragraphs = paragraphs_of(doc_ids)
    splits = split_of(doc_ids)
    args.out.mkdir(parents=True, exist_ok=True)
    stats: dict[str, dict[str, int]] = {}
    digests: dict[str, str] = {}  # so that a rebuild can be checked against the measured files
    for lang, path in FILES.items():
        lines = lines_of(read_source(args.ntrex, args.commit, path))
        if len(lines) != len(doc_ids) or not all(lines):
            raise SystemExit(f"{path}: {len(lines)} lines (some empty?), {len(doc_ids)} document ids")
        records = records_for(lang, lines, paragraphs, splits)
        data = "".join(map(json_line, records))
        (args.out / f"{lang}.jsonl").write_text(data, encoding="utf-8", newline="\n")
        stats[lang] = {
            "records": len(records),
            "dev": sum(r["split"] == "dev" for r in records),
            "test": sum(r["split"] == "test" for r in records),
            "documents": len({r["doc"] for r in records}),
            "sentences": sum(r["lines"][1] - r["lines"][0] + 1 for r in records),
            "bytes": len(data.encode()),
        }
        digests[lang] = hashlib.sha256(data.encode()).hexdigest()[:16]
        print(f"{lang}: {stats[lang]}", file=sys.stderr)
    write_counts(args.sources, counts_block(source_commit(args.ntrex, args.commit), stats, digests))


if __name__ == "__main__":
    main()
