"""`fix --write` integrity over seeded random articles (issue 15): counts, never asserts.

Each file is built from corpus paragraphs of one of the eight languages, then roughed up the way
machine-translated, scraped text is: doubled words and spaces, page residue, lowercase headings
with periods, foreign sentences, look-alike letters, bidi and zero-width marks, emoji, entities,
Markdown or HTML markup, CRLF/CR line endings and legacy encodings with or without a BOM. For
each file `fix --write` runs in process (rules only, `--lang` given) and is audited:

  outside-spans   the written bytes differ from the original bytes outside the edited spans
  undecodable     the written file does not decode strictly in the encoding it was read with
  second-run      a second `fix` run on the written file still changes it
  new-finding     a finding in a span a fix wrote, of a rule that had none there before: split
                  into `within` (the finding lies inside the written text: the fix wrote it) and
                  `around` (it spans text beyond the edit, which the fix made readable: a
                  sentence now identified as foreign, a residue line whose letters were repaired)

    python bench/fuzz_fix.py [--files 2000] [--seed 0] [--jobs 2] [--show 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.document import Decoded, RawDocument, analyse  # noqa: E402
from tqcheck.engine import check_document  # noqa: E402
from tqcheck.errors import TqcheckError  # noqa: E402
from tqcheck.findings import Finding, Suggestion  # noqa: E402
from tqcheck.fixer import write_atomically  # noqa: E402
from tqcheck.options import RunOptions  # noqa: E402
from tqcheck.runner import fix_file, settings_for_path  # noqa: E402

LANGS = ("en", "fr", "de", "es", "pt", "ru", "ar", "zh")
LEGACY = {"en": "cp1252", "fr": "cp1252", "de": "cp1252", "es": "cp1252", "pt": "cp1252", "ru": "cp1251"}
LEGACY.update(ar="cp1256", zh="gb18030")
MARKS = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202b", "\u202c", "\u2066", "\u2069", "\ufeff"]
EMOJI = ["😀", "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "❤️", "🔥"]
RESIDUE = ["Google News Follow 1", "Share on Facebook", "Read more:", "Follow us on Twitter", "Comments (3)"]
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с"}
ENTITIES = ["&amp;", "&nbsp;", "&#8217;", "&eacute;", "&lt;", "&quot;"]


def _paragraphs(lang: str) -> list[str]:
    folder = ROOT / "corpora" / "dev" / lang
    lines: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        if ".src." not in path.name:
            lines.extend(
                line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            )
    return lines


POOL = {lang: _paragraphs(lang) for lang in LANGS}


def _roughen(rng: random.Random, text: str, lang: str) -> str:
    """One paragraph with a few of the artefacts MT and scrapers leave."""
    words = text.split(" ")
    for _ in range(rng.randint(0, 5)):
        i = rng.randrange(len(words))
        kind = rng.choice(("double", "space", "mark", "emoji", "homoglyph", "punct", "quote"))
        if kind == "double":
            words.insert(i, words[i])
        elif kind == "space":
            words[i] += " " * rng.randint(1, 3)
        elif kind == "mark":
            cut = rng.randint(0, len(words[i]))
            words[i] = words[i][:cut] + rng.choice(MARKS) + words[i][cut:]
        elif kind == "emoji":
            words.insert(i, rng.choice(EMOJI))
        elif kind == "homoglyph":
            words[i] = "".join(HOMOGLYPHS.get(c, c) if rng.random() < 0.5 else c for c in words[i])
        elif kind == "punct":
            words[i] += rng.choice([" ,", " .", " :", "!!", " ?", ";"])
        else:
            words[i] = rng.choice(['"', "«", "„", "“"]) + words[i] + rng.choice(['"', "»", "“", "”"])
    out = " ".join(words)
    if rng.random() < 0.1:
        other = rng.choice([x for x in LANGS if x != lang])
        out += " " + rng.choice(POOL[other])
    return out


def _heading(rng: random.Random, text: str) -> str:
    text = " ".join(text.split()[:8])
    if rng.random() < 0.4:
        text = text[:1].lower() + text[1:]
    if rng.random() < 0.4:
        text += "."
    return text


def generate(seed: int) -> tuple[str, bytes, str]:
    """A file name (its suffix is its format), its bytes and its language, from one seed."""
    rng = random.Random(seed)
    lang = rng.choice(LANGS)
    fmt = rng.choice(("txt", "txt", "md", "html"))
    title = _heading(rng, rng.choice(POOL[lang]))
    body = [_roughen(rng, rng.choice(POOL[lang]), lang) for _ in range(rng.randint(2, 8))]
    if rng.random() < 0.3:
        body.insert(rng.randint(0, len(body)), rng.choice(RESIDUE))
    if fmt == "txt":
        blocks = [title, *body]
    elif fmt == "md":
        blocks = [f"# {title}"]
        for paragraph in body:
            roll = rng.random()
            if roll < 0.15:
                blocks.append(f"## {_heading(rng, paragraph)}")
            words = paragraph.split(" ")
            if roll > 0.6 and len(words) > 3:
                i = rng.randrange(len(words) - 1)
                mark = rng.choice(("**", "_", "`"))
                words[i] = f"{mark}{words[i]}{mark}"
                if rng.random() < 0.5:
                    words[i + 1] = f"[{words[i + 1]}](https://example.org/{seed})"
            blocks.append(" ".join(words))
    else:
        blocks = ["<!DOCTYPE html>", "<html><body>", f"<h1>{html.escape(title)}</h1>"]
        for paragraph in body:
            escaped = html.escape(paragraph, quote=False)
            words = escaped.split(" ")
            if len(words) > 3 and rng.random() < 0.5:
                i = rng.randrange(len(words))
                words[i] = f"<b>{words[i]}</b>" if rng.random() < 0.5 else f'<a href="/x">{words[i]}</a>'
            if rng.random() < 0.4:
                words.insert(rng.randrange(len(words)), rng.choice(ENTITIES))
            blocks.append(f"<p>{' '.join(words)}</p>")
        blocks.append("</body></html>")
    text = "\n\n".join(blocks) + "\n"
    newline = rng.choice(("\n", "\n", "\r\n", "\r", "stray"))
    if newline == "stray":
        cut = rng.randrange(len(text))
        text = text[:cut] + "\r" + text[cut:]
    elif newline != "\n":
        text = text.replace("\n", newline)
    encoding, bom = "utf-8", b""
    roll = rng.random()
    if roll < 0.15:
        bom = b"\xef\xbb\xbf"
    elif roll < 0.25:
        encoding, bom = "utf-16-le", b"\xff\xfe"
    elif roll < 0.4 and lang in LEGACY:
        encoding = LEGACY[lang]
    try:
        data = bom + text.encode(encoding)
    except UnicodeEncodeError:  # an emoji or mark the code page lacks
        data = text.encode("utf-8")
    return f"fuzz-{seed:05d}-{lang}.{fmt}", data, lang


@dataclass
class Audit:
    name: str
    problems: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    fixed: bool = False


def _splice(text: str, edits: list[Suggestion]) -> str:
    parts, cursor = [], 0
    for edit in edits:
        parts += [text[cursor : edit.start], edit.replacement]
        cursor = edit.end
    return "".join(parts) + text[cursor:]


def _splice_bytes(data: bytes, text: str, edits: list[Suggestion], encoding: str, bom: bytes) -> bytes:
    """The bytes with each edited character span replaced by its encoded replacement, the rest kept."""
    parts, cursor = [], 0
    for edit in edits:
        start = len(bom) + len(text[: edit.start].encode(encoding))
        end = len(bom) + len(text[: edit.end].encode(encoding))
        parts += [data[cursor:start], edit.replacement.encode(encoding)]
        cursor = end
    return b"".join(parts) + data[cursor:]


def _move(point: int, edits: list[Suggestion]) -> int:
    """A position of the text before the edits, in the text after them."""
    shift = 0
    for edit in edits:
        if edit.end <= point and not (edit.start == edit.end == point):
            shift += len(edit.replacement) - (edit.end - edit.start)
        elif edit.start < point:
            return edit.start + shift
    return point + shift


def _written_spans(origin: list[int], deletions: list[int], length: int) -> list[tuple[int, int, int, int]]:
    """Spans a fix wrote (runs of written characters, and empty spans where text was deleted),
    each with the span of the original text it stands for."""
    spans, i = [], 0
    while i < len(origin):
        if origin[i] < 0:
            j = i
            while j < len(origin) and origin[j] < 0:
                j += 1
            spans.append((i, j, *_in_original(origin, i, j, length)))
            i = j
        else:
            i += 1
    for point in sorted(set(deletions)):
        if not any(s <= point <= e for s, e, _, _ in spans):
            spans.append((point, point, *_in_original(origin, point, point, length)))
    return spans


def _check(path: Path, text: str, lang: str) -> list[Finding]:
    settings = settings_for_path(path, RunOptions(lang=lang, use_model=False))
    fmt = {".md": "md", ".html": "html"}.get(path.suffix, "txt")
    raw = RawDocument(str(path), text, fmt, Decoded(text, "utf-8"))
    return check_document(analyse(raw, settings.lang), settings).findings


def audit(seed: int, folder: str) -> Audit:
    name, data, lang = generate(seed)
    path = Path(folder) / name
    path.write_bytes(data)
    result_audit = Audit(name)
    options = RunOptions(lang=lang, use_model=False)
    try:
        result = fix_file(path, options, None, unsafe=False)
    except TqcheckError as error:
        result_audit.details.append(f"not fixed: {error}")
        return result_audit
    if not result.changed:
        return result_audit
    result_audit.fixed = True
    decoded = result.decoded
    encoding, bom = decoded.encoding, decoded.bom
    # Replay the passes in text and in bytes, starting from the original bytes.
    text, expected = result.original, data
    deletions: list[int] = []
    origin = list(range(len(text)))  # each character's index in the original text, -1 if written
    for edits in result.passes:
        for edit in edits:
            if text[edit.start - 1 : edit.start + 1] == "\r\n" or text[edit.end - 1 : edit.end + 1] == "\r\n":
                result_audit.details.append(f"an edit at {edit.start} cuts a CRLF in two")
        expected = _splice_bytes(expected, text, edits, encoding, bom)
        deletions = [_move(p, edits) for p in deletions]
        deletions += [_move(e.start, edits) for e in edits if not e.replacement]
        origin = _splice_origin(origin, edits)
        text = _splice(text, edits)
    write_atomically(path, result.fixed, decoded)
    written = path.read_bytes()
    if written != expected:
        result_audit.problems.append("outside-spans")
        result_audit.details.append(f"written bytes differ from the original outside the edits ({encoding})")
    try:
        back = written[len(bom) :].decode(encoding) if written.startswith(bom) else None
    except UnicodeDecodeError:
        back = None
    if back != result.fixed:
        result_audit.problems.append("undecodable")
    try:
        again = fix_file(path, options, None, unsafe=False)
        if again.changed:
            result_audit.problems.append("second-run")
            rules = sorted({f.rule for f in again.applied})
            result_audit.details.append(f"second run applies {rules}")
    except TqcheckError as error:
        result_audit.problems.append("second-run")
        result_audit.details.append(f"second run fails: {error}")
    before = _check(path, result.original, lang)
    after = _check(path, result.fixed, lang)
    for finding in after:
        for start, end, lo, hi in _written_spans(origin, deletions, len(result.original)):
            inside = (
                finding.start < end and finding.end > start
                if end > start
                else finding.start <= start <= finding.end
            )
            if not inside:
                continue
            if any(b.rule == finding.rule and b.start <= hi and b.end >= lo for b in before):
                continue
            within = start <= finding.start and finding.end <= end
            result_audit.problems += ["new-finding", "new-finding within" if within else "new-finding around"]
            result_audit.details.append(
                f"{'within' if within else 'around'} {finding.rule} {finding.start}-{finding.end} {result.fixed[finding.start : finding.end]!r} "
                f"after writing {result.fixed[start:end]!r} over "
                f"{result.original[lo:hi]!r}"
            )
            break
    return result_audit


def _in_original(origin: list[int], start: int, end: int, length: int) -> tuple[int, int]:
    """The original text's span around [start, end) of the current text."""
    before = next((origin[i] + 1 for i in range(start - 1, -1, -1) if origin[i] >= 0), 0)
    after = next((origin[i] for i in range(end, len(origin)) if origin[i] >= 0), length)
    return before, max(before, after)


def _splice_origin(origin: list[int], edits: list[Suggestion]) -> list[int]:
    parts: list[int] = []
    cursor = 0
    for edit in edits:
        parts += origin[cursor : edit.start] + [-1] * len(edit.replacement)
        cursor = edit.end
    return parts + origin[cursor:]


def _work(args: tuple[int, str]) -> Audit:
    seed, folder = args
    return audit(seed, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", type=int, default=5, help="examples to print per problem")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tqcheck-fuzz-") as folder:
        seeds = [(args.seed + i, folder) for i in range(args.files)]
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            audits = pool.map(_work, seeds, chunksize=8)
    counts = Counter(problem for a in audits for problem in set(a.problems))
    fixed = sum(a.fixed for a in audits)
    print(f"files {len(audits)}  changed by fix {fixed}")
    for problem in ("outside-spans", "undecodable", "second-run", "new-finding within", "new-finding around"):
        print(f"{problem:<14} {counts.get(problem, 0):5d}")
        shown = [a for a in audits if problem in a.problems][: args.show]
        for a in shown:
            print(f"    {a.name}: {'; '.join(a.details)[:400]}")
    print(f"new-finding (either) {counts.get('new-finding', 0)}")
    rules = Counter(d.split()[1] for a in audits for d in a.details if d.startswith(("within", "around")))
    print("new findings by rule:", dict(rules.most_common()))
    errors = [a for a in audits if a.details and not a.problems and a.details[0].startswith("not fixed")]
    print(f"not fixable (input errors) {len(errors)}")


if __name__ == "__main__":
    main()
