"""Hostile-input fuzzing: generated multilingual text, Markdown and HTML through `check` and `fix`.

Each file is built by a seeded generator from pieces in the eight scripts tqcheck reads (Latin,
Cyrillic, Arabic, Han and the Latin languages' accents), markup, entities, CRLF/CR line ends,
bidi and zero-width characters and emoji sequences, and run through the command line in this
process (`tqcheck check --no-lm --format json`, then `tqcheck fix --no-lm`) with a per-file time
limit. Printed: how many files gave an internal error (exit 3 or an exception), a hang (over the
limit), an exit code outside {0, 1, 2}, output that is not valid JSON, or a finding whose `text`
is not `file[start:end]` or whose span (or a suggestion's) lies outside the file.

    python bench/fuzz.py [--files 2000] [--seed 14] [--timeout 20] [--keep DIR]

tests/test_hostile_properties.py draws from the same pieces with hypothesis.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = {
    "latin": ["the", "port", "strike", "ended", "Tuesday", "workers", "said", "the", "ships", "Nagorno"],
    "accented": ["café", "grève", "Straße", "año", "não", "été", "über", "coração", "Zürich", "niño"],
    "cyrillic": ["порт", "забастовка", "закончилась", "во", "вторник", "рабочие", "Москва", "а"],
    "arabic": ["الميناء", "الإضراب", "انتهى", "يوم", "الثلاثاء", "العمال", "قال"],
    "han": ["港口", "罢工", "周二", "结束", "工人", "表示", "船只", "北京"],
    "digits": ["2024", "3,5", "1.000", "٣٤", "12%", "$5", "10:30", "١٢"],
}
PUNCTUATION = [
    ".",
    ",",
    "!",
    "?",
    "…",
    "。",
    "，",
    "؟",
    "«",
    "»",
    "“",
    "”",
    "„",
    "(",
    ")",
    ";",
    ":",
    " - ",
    "—",
]
SPACES = [" ", " ", " ", "  ", "\u00a0", "\u3000", "\t"]
LINE_ENDS = ["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\r\r"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]
BIDI = ["\u202e", "\u202a", "\u202c", "\u200e", "\u200f", "\u2066", "\u2069", "\u061c"]
EMOJI = ["👩‍👩‍👧", "🇫🇷", "👍🏽", "1️⃣", "🏳️‍🌈", "❤️", "😀", "🧑🏿‍🚀"]
ODD = ["e\u0301", "\u0301", "ﬁ", "Ａ", "𝐀", "\ufffd", "Ã©", "â€™", "\x7f", "\x0c", "\u2028", "\u2029"]
RESIDUE = ["Google News Follow 1", "Leave a Reply", "Read more", "Share this article", "Advertisement"]
MARKDOWN = [
    "# ",
    "## ",
    "> ",
    "- ",
    "* ",
    "1. ",
    "**",
    "_",
    "`",
    "```\n",
    "[",
    "](http://x.org)",
    "![a](b.png)",
    "---\n",
    "===",
    "<!-- tqcheck: disable -->",
    "<!-- tqcheck: enable -->",
    "\\*",
    "<br>",
    "    ",
]
HTML = [
    "<p>",
    "</p>",
    "<h1>",
    "</h1>",
    "<h2>",
    "</h2>",
    "<br>",
    "<b>",
    "</b>",
    "<a href='x'>",
    "</a>",
    "<script>",
    "</script>",
    "<article>",
    "</article>",
    "<div>",
    "</div>",
    "<!-- c -->",
    "<li>",
    "<td>",
    "<",
    ">",
    "</",
]
ENTITIES = [
    "&eacute;",
    "&amp;",
    "&#233;",
    "&#xE9;",
    "&nbsp;",
    "&lt;",
    "&quot;",
    "&#8217;",
    "&bogus;",
    "&",
    "&#0;",
    "&#x110000;",
    "&#55296;",
]
PLAIN_PIECES = [
    *(w for words in WORDS.values() for w in words),
    *PUNCTUATION,
    *SPACES,
    *LINE_ENDS,
    *INVISIBLE,
    *BIDI,
    *EMOJI,
    *ODD,
    *RESIDUE,
]
FORMAT_PIECES = {"txt": PLAIN_PIECES, "md": PLAIN_PIECES + MARKDOWN, "html": PLAIN_PIECES + HTML + ENTITIES}


def generate(rng: random.Random, fmt: str) -> str:
    """One article: a few hundred pieces, words weighted up so that there are sentences to check."""
    pieces = FORMAT_PIECES[fmt]
    words = [w for group in WORDS.values() for w in group]
    script = rng.choice(list(WORDS))
    out: list[str] = []
    for _ in range(rng.randint(1, 300)):
        roll = rng.random()
        if roll < 0.45:
            out.append(rng.choice(WORDS[script]) + " ")
        elif roll < 0.55:
            out.append(rng.choice(words) + " ")
        elif roll < 0.58:  # a doubled word, a repeated phrase: something for the rules to fix
            out.append((rng.choice(WORDS[script]) + " ") * rng.randint(2, 4))
        else:
            out.append(rng.choice(pieces))
    return "".join(out)


def spans_hold(text: str, report: dict) -> list[str]:
    """What breaks the offset contract in one JSON report of `text`: a finding's `text` that is not
    `text[start:end]`, or a finding or suggestion span outside the file."""
    problems = []
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the decoded text
    for entry in report["files"]:
        for finding in entry["findings"]:
            start, end = finding["start"], finding["end"]
            if not 0 <= start <= end <= len(text) or text[start:end] != finding["text"]:
                problems.append(f"{finding['rule']} {start}:{end} {finding['text']!r} != {text[start:end]!r}")
            for suggestion in finding["suggestions"]:
                if not 0 <= suggestion["start"] <= suggestion["end"] <= len(text):
                    problems.append(f"{finding['rule']} suggestion {suggestion['start']}:{suggestion['end']}")
    return problems


class Timeout(Exception):
    pass


def run_cli(args: list[str], timeout: float) -> tuple[int | str, str, str]:
    """`tqcheck ARGS` in this process: exit code ("hang" past the limit), stdout, stderr."""
    from tqcheck import cli

    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True)

    def expire(signum, frame):
        raise Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        code: int | str = cli.run(args)
    except Timeout:
        code = "hang"
    except BaseException as error:  # what escapes the guarded entry is what we count
        code = f"escaped {type(error).__name__}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
            stream.detach()
        sys.stdout, sys.stderr = saved
    return code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=20, help="seconds per command")
    parser.add_argument("--keep", type=Path, help="copy failing files into this folder")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tqcheck-fuzz-") as folder:
        for number in range(args.files):
            fmt = rng.choice(("txt", "txt", "md", "html"))
            text = generate(rng, fmt)
            path = Path(folder) / f"case{number}.{fmt}"
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            lang = (
                ["--lang", rng.choice(("en", "fr", "de", "es", "pt", "ru", "ar", "zh"))]
                if rng.random() < 0.5
                else []
            )
            outcomes = []
            code, out, err = run_cli(["check", str(path), "--no-lm", "--format", "json", *lang], args.timeout)
            outcomes.append(("check", code, err))
            if code in (0, 1):
                try:
                    problems = spans_hold(text, json.loads(out))
                except (json.JSONDecodeError, KeyError) as error:
                    problems, code = [], f"invalid JSON ({error})"
                    outcomes.append(("check", code, out[:200]))
                if problems:
                    counts["offset mismatch"] += 1
                    examples.setdefault("offset mismatch", f"{path.name}: {problems[0]}")
            fixed = run_cli(["fix", str(path), "--no-lm", *lang], args.timeout)
            outcomes.append(("fix", fixed[0], fixed[2]))
            for command, result, message in outcomes:
                if result in (0, 1, 2):
                    continue
                kind = (
                    "hang"
                    if result == "hang"
                    else "internal error"
                    if result == 3 or str(result).startswith("escaped")
                    else str(result)
                )
                counts[f"{kind} ({command})"] += 1
                examples.setdefault(f"{kind} ({command})", f"{path.name}: {message.strip()[-300:]}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / path.name).write_bytes(path.read_bytes())
            counts["files"] += 1
    elapsed = time.perf_counter() - started
    print(f"files {counts.pop('files', 0)} (seed {args.seed}) in {elapsed:.0f} s")
    for kind in (
        "internal error (check)",
        "internal error (fix)",
        "hang (check)",
        "hang (fix)",
        "offset mismatch",
    ):
        print(f"{kind:<24} {counts.pop(kind, 0)}")
    for kind, count in sorted(counts.items()):
        print(f"{kind:<24} {count}")
    for kind, example in examples.items():
        print(f"  e.g. {kind}: {example}")


if __name__ == "__main__":
    main()
