"""Probe snippets: recall per artifact kind and false alarms on clean snippets (rules only).

    python bench/probes.py [--misses KIND,...] [--clean]

Reads corpora/probes/*.tsv (lang, kind, text with [[artifact]] marks and "\\n" for line breaks,
note) and checks every snippet as `tqcheck check --no-lm` would. The probes were written by people
who had not read the rules, but the rules were then developed on them: the figures are in-sample,
a development aid beside corpora/dev/, never a substitute for bench/heldout.py.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARK = regex.compile(r"\[\[(.*?)\]\]", flags=regex.S)


def snippet(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without its [[ ]] marks, and the marked spans as offsets into it."""
    text, spans, position = "", [], 0
    for match in MARK.finditer(raw):
        text += raw[position : match.start()]
        spans.append((len(text), len(text) + len(match.group(1))))
        text += match.group(1)
        position = match.end()
    return text + raw[position:], spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", default="", help="print the missed spans of these kinds (or 'all')")
    parser.add_argument("--clean", action="store_true", help="print the findings on clean snippets")
    args = parser.parse_args()
    from tqcheck.config import settings_for
    from tqcheck.document import RawDocument, analyse
    from tqcheck.document.readers import Decoded
    from tqcheck.engine import check_document

    show = set(args.misses.split(",")) if args.misses else set()
    settings = settings_for(None)
    found, total, clean, clean_major = Counter(), Counter(), Counter(), Counter()
    for path in sorted((ROOT / "corpora" / "probes").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) < 3:
                continue
            lang, kind = fields[0], fields[1]
            text, spans = snippet(fields[2].replace("\\n", "\n"))
            doc = analyse(RawDocument(path.name, text, "txt", Decoded(text, "utf-8")), lang)
            findings = check_document(doc, replace(settings, lang=lang), scorer=None, source=None).findings
            if kind == "clean":
                clean[lang] += len(findings)
                clean_major[lang] += sum(str(f.severity) == "major" for f in findings)
                for finding in findings if args.clean else []:
                    print("CLEAN", lang, finding.rule, repr(text[finding.start : finding.end]))
                continue
            for start, end in spans:
                hit = any(f.start < end and start < f.end for f in findings)
                total[(lang, kind)] += 1
                found[(lang, kind)] += hit
                if not hit and (kind in show or "all" in show):
                    print("MISS", lang, kind, repr(text[start:end]), "|", text[max(0, start - 50) : end + 30])
    langs = sorted({lang for lang, _ in total})
    kinds = sorted({kind for _, kind in total})
    print("kind".ljust(20) + "".join(lang.rjust(7) for lang in langs) + "    all")
    for kind in kinds:
        cells = [
            f"{found[(lang, kind)]}/{total[(lang, kind)]}" if total[(lang, kind)] else "–" for lang in langs
        ]
        pooled = sum(found[(lang, kind)] for lang in langs), sum(total[(lang, kind)] for lang in langs)
        print(kind.ljust(20) + "".join(c.rjust(7) for c in cells) + f"  {pooled[0]}/{pooled[1]}")
    print(
        "findings on clean snippets (major):",
        ", ".join(f"{lang} {clean[lang]} ({clean_major[lang]})" for lang in langs),
    )


if __name__ == "__main__":
    main()
