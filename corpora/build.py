"""Compile the annotated corpus sources (`<split>/<lang>/<slug>.ann`) into text, gold spans and
one gold.jsonl per split (`dev/`, the articles the rules were tuned on; `test/` and `test2/`, held
out).

Usage: python corpora/build.py [--check]

With --check nothing is written; the exit status is 1 when a compiled file is missing or stale.
See FORMAT.md for the markup.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CORPORA = Path(__file__).resolve().parent
CATEGORIES = {"accuracy", "fluency", "terminology", "style", "locale", "residue"}
SEVERITIES = {"minor", "major", "critical"}
SPLITS = ("dev", "test", "test2")
# What kind of MT artifact a span is, for per-kind recall on the held-out split (optional 5th field).
KINDS = {
    "residue",
    "repetition",
    "split-name",
    "name-variant",
    "heading-case",
    "literal-heading",
    "locale-punctuation",
    "encoding",
    "untranslated",
    "wrong-sense",
    "calque",
    "omission",
    "addition",
    "number",
    "spacing",
    "script-mix",
    "grammar",
    "other",
}
DELETE = "∅"
MARK = re.compile(r"\[\[(?P<body>.*?)\]\]", re.DOTALL)
SOURCE_NAME = re.compile(r"^(?P<slug>.+)\.src\.(?P<lang>[a-z]{2})\.txt$")


def is_clean(slug: str) -> bool:
    """Clean articles are named clean-<slug>, or src-<lang>-clean-<slug> for source pairs."""
    return "clean" in slug.split("-")


class AnnotationError(ValueError):
    pass


def compile_annotated(annotated: str, where: str) -> tuple[str, list[dict]]:
    """Return the plain text and the gold spans of one annotated article."""
    parts: list[str] = []
    spans: list[dict] = []
    length = 0
    cursor = 0
    for match in MARK.finditer(annotated):
        before = annotated[cursor : match.start()]
        parts.append(before)
        length += len(before)
        fields = match.group("body").split("|")
        line = annotated.count("\n", 0, match.start()) + 1
        if len(fields) not in (4, 5):
            raise AnnotationError(
                f"{where}:{line}: expected [[text|fix|category|severity(|kind)]], got {match.group(0)!r}"
            )
        text, fix, category, severity = fields[:4]
        kind = fields[4] if len(fields) == 5 else None
        if kind is not None and kind not in KINDS:
            raise AnnotationError(f"{where}:{line}: unknown kind {kind!r} in {match.group(0)!r}")
        if category not in CATEGORIES or severity not in SEVERITIES:
            raise AnnotationError(f"{where}:{line}: bad category or severity in {match.group(0)!r}")
        if not text or "\n\n" in text:
            raise AnnotationError(
                f"{where}:{line}: empty span or span over a blank line in {match.group(0)!r}"
            )
        span = {
            "start": length,
            "end": length + len(text),
            "text": text,
            "category": category,
            "severity": severity,
        }
        if kind:
            span["kind"] = kind
        if fix == DELETE:
            span["fix"] = ""
        elif fix:
            span["fix"] = fix
        spans.append(span)
        parts.append(text)
        length += len(text)
        cursor = match.end()
    parts.append(annotated[cursor:])
    plain = "".join(parts)
    if "[[" in plain or "]]" in plain:
        raise AnnotationError(f"{where}: unbalanced [[ ]] markup")
    return plain, spans


def sources_of(ann: Path) -> dict[str, str]:
    slug = ann.name[: -len(".ann")]
    found = {}
    for candidate in ann.parent.glob(f"{slug}.src.*.txt"):
        match = SOURCE_NAME.match(candidate.name)
        if match and match.group("slug") == slug:
            found[match.group("lang")] = candidate.read_text(encoding="utf-8")
    return found


def build(check_only: bool = False) -> int:
    stale: list[str] = []
    total = 0
    for split in SPLITS:
        if (CORPORA / split).is_dir():
            total += build_split(CORPORA / split, stale, check_only)
    if check_only and stale:
        print("stale or missing (run python corpora/build.py):", ", ".join(stale), file=sys.stderr)
        return 1
    if not check_only:
        print(f"{total} articles; rewrote {len(stale)} files")
    return 0


def build_split(folder: Path, stale: list[str], check_only: bool) -> int:
    """Compile one split's articles and its gold.jsonl; return the number of articles."""
    records: list[dict] = []

    def emit(path: Path, content: str) -> None:
        if path.exists() and path.read_text(encoding="utf-8") == content:
            return
        stale.append(str(path.relative_to(CORPORA)))
        if not check_only:
            path.write_text(content, encoding="utf-8", newline="")

    for ann in sorted(folder.glob("*/*.ann")):
        lang = ann.parent.name
        slug = ann.name[: -len(".ann")]
        plain, spans = compile_annotated(ann.read_text(encoding="utf-8"), str(ann.relative_to(CORPORA)))
        if is_clean(slug) and spans:
            raise AnnotationError(f"{ann}: a clean article carries annotations")
        emit(ann.with_suffix(".txt"), plain)
        gold = {"lang": lang, "clean": is_clean(slug), "spans": spans}
        emit(ann.with_suffix(".gold.json"), json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
        record = {"id": f"{lang}/{slug}", "lang": lang, "clean": gold["clean"], "text": plain, "spans": spans}
        for source_lang, source in sorted(sources_of(ann).items()):
            record["source"] = source
            record["source_lang"] = source_lang
        records.append(record)
    emit(folder / "gold.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return len(records)


if __name__ == "__main__":
    try:
        sys.exit(build(check_only="--check" in sys.argv[1:]))
    except AnnotationError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
