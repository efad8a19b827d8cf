"""Probe snippets: recall per artifact kind and false alarms on clean snippets (rules only).

    python bench/probes.py [--dir corpora/probes2] [--frame] [--misses KIND,...] [--clean]

Reads corpora/probes/*.tsv (or --dir's; lang, kind, text with [[artifact]] marks and "\\n" for
line breaks, note) and checks every snippet as `tqcheck check --no-lm` would; with --frame, as a
paragraph of a short article. The probes were written by people
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


# A neutral article around a snippet (--frame): a title, a paragraph before it and one after.
FRAMES = {
    "en": (
        "Council approves new budget",
        "The city council approved the new budget on Tuesday after a long debate.",
        "The mayor said the money would go to schools and roads.",
    ),
    "fr": (
        "Le conseil adopte le budget",
        "Le conseil municipal a adopté mardi le nouveau budget après un long débat.",
        "Le maire a indiqué que l'argent irait aux écoles et aux routes.",
    ),
    "de": (
        "Stadtrat beschließt Haushalt",
        "Der Stadtrat hat am Dienstag nach langer Debatte den neuen Haushalt beschlossen.",
        "Der Bürgermeister sagte, das Geld fließe in Schulen und Straßen.",
    ),
    "es": (
        "El ayuntamiento aprueba el presupuesto",
        "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate.",
        "El alcalde dijo que el dinero irá a escuelas y carreteras.",
    ),
    "pt": (
        "Câmara aprova orçamento",
        "A câmara municipal aprovou na terça-feira o novo orçamento após um longo debate.",
        "O prefeito disse que o dinheiro irá para escolas e estradas.",
    ),
    "ru": (
        "Горсовет утвердил бюджет",
        "Городской совет во вторник после долгих дебатов утвердил новый бюджет.",
        "Мэр сказал, что деньги пойдут на школы и дороги.",
    ),
    "ar": (
        "المجلس البلدي يقر الميزانية",
        "وافق المجلس البلدي يوم الثلاثاء على الميزانية الجديدة بعد نقاش طويل.",
        "وقال رئيس البلدية إن الأموال ستذهب إلى المدارس والطرق.",
    ),
    "zh": (
        "市议会批准新预算",
        "市议会周二经过长时间辩论后批准了新预算。",
        "市长表示，这笔资金将用于学校和道路建设。",
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", default="", help="print the missed spans of these kinds (or 'all')")
    parser.add_argument("--clean", action="store_true", help="print the findings on clean snippets")
    parser.add_argument(
        "--dir",
        default=str(ROOT / "corpora" / "probes"),
        help="the folder of probe files (default: corpora/probes)",
    )
    parser.add_argument(
        "--frame",
        action="store_true",
        help="check each snippet as a paragraph inside a short article (a title, a paragraph before "
        "and after), as an article would carry it; only findings on the snippet count",
    )
    args = parser.parse_args()
    from tqcheck.config import settings_for
    from tqcheck.document import RawDocument, analyse
    from tqcheck.document.readers import Decoded
    from tqcheck.engine import check_document

    show = set(args.misses.split(",")) if args.misses else set()
    settings = settings_for(None)
    found, total, clean, clean_major = Counter(), Counter(), Counter(), Counter()
    for path in sorted(Path(args.dir).glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) < 3:
                continue
            lang, kind = fields[0], fields[1]
            text, spans = snippet(fields[2].replace("\\n", "\n"))
            low, high = 0, len(text)
            if args.frame:
                title, before, after = FRAMES[lang]
                prefix = f"{title}\n\n{before}\n\n"
                text = f"{prefix}{text}\n\n{after}\n"
                spans = [(start + len(prefix), end + len(prefix)) for start, end in spans]
                low, high = len(prefix), len(prefix) + high
            doc = analyse(RawDocument(path.name, text, "txt", Decoded(text, "utf-8")), lang)
            findings = check_document(doc, replace(settings, lang=lang), scorer=None, source=None).findings
            findings = [f for f in findings if f.start < high and low < f.end]  # the frame's own aside
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
