"""`fix --write` over generated articles (issue 15): whatever the text, the written file decodes in
its own encoding, every byte outside the edited spans is the original's, and a second run changes
nothing. bench/fuzz_fix.py runs the same audit over thousands of seeded files and counts."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The audit's own splicing, independent of the fixer's: the expected bytes and text after edits.
from bench.fuzz_fix import _splice, _splice_bytes
from tqcheck.fixer import write_atomically
from tqcheck.options import RunOptions
from tqcheck.runner import fix_file

# Words and marks of the eight languages, with what MT and scrapers leave: doubled words, spaces
# before punctuation, look-alike letters, bidi and zero-width marks, emoji, entities, residue.
VOCABULARY = {
    "en": ["The", "port", "reopened", "on", "Tuesday", "the", "union", "said", "Nagorno", "Karabakh"],
    "fr": ["Le", "port", "a", "rouvert", "mardi", "grève", "à", "l’issue", "«", "»", "Genève"],
    "de": ["Der", "Hafen", "wurde", "am", "Dienstag", "geöffnet", "„", "“", "Streik", "für"],
    "es": ["El", "puerto", "reabrió", "el", "martes", "¿", "¡", "huelga", "años", "señal"],
    "pt": ["O", "porto", "reabriu", "na", "terça-feira", "greve", "os", "boats", "ação", "não"],
    "ru": ["Порт", "возобновил", "работу", "во", "вторник", "забастовки", "«", "»", "Москвa"],
    "ar": ["أعيد", "فتح", "الميناء", "يوم", "الثلاثاء", "إضراب", "طويل", "،", "٣", "؟"],
    "zh": ["港口", "在", "长时间", "罢工", "后", "于", "周二", "重新", "开放", "，", "。"],
}
EXTRAS = [
    ".",
    ",",
    " ,",
    "  ",
    "!!",
    "?",
    ":",
    '"',
    "(",
    ")",
    "\u200b",
    "\u200f",
    "\u202b",
    "😀",
    "👨\u200d👩\u200d👧",
]
EXTRAS += ["а", "Share on Facebook", "Read more:", "&amp;", "&nbsp;", "â€œ", "\u00a0", "1,5", "10 %"]
ENCODINGS = {
    "en": "cp1252",
    "fr": "cp1252",
    "de": "cp1252",
    "es": "cp1252",
    "pt": "cp1252",
    "ru": "cp1251",
    "ar": "cp1256",
    "zh": "gb18030",
}


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, str, bytes, str | None]:
    """(language, file suffix, file bytes, the code page a user names with --encoding or None).

    A legacy code page is named, as a user of a short legacy file does: a few bytes of GB18030 or
    cp1256 cannot be told apart by detection (the decoding tests cover that), and this test is
    about what `fix` writes once the text is decoded."""
    lang = draw(st.sampled_from(sorted(VOCABULARY)))
    words = st.sampled_from(VOCABULARY[lang] + EXTRAS)
    paragraphs = draw(st.lists(st.lists(words, min_size=1, max_size=14), min_size=1, max_size=5))
    suffix = draw(st.sampled_from(["txt", "md", "html"]))
    lines = [" ".join(p) for p in paragraphs]
    if suffix == "md":
        lines[0] = "# " + lines[0]
    elif suffix == "html":
        lines = [
            "<html><body>",
            f"<h1>{lines[0]}</h1>",
            *(f"<p>{line}</p>" for line in lines[1:]),
            "</body></html>",
        ]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + newline
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", ENCODINGS[lang]]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        encoding, data = "utf-8", text.encode("utf-8")
    return lang, suffix, data, encoding if encoding == ENCODINGS[lang] else None


@given(articles())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fix_write_keeps_every_byte_outside_its_edits_and_settles_in_one_run(
    tmp_path: Path, article: tuple[str, str, bytes, str | None]
) -> None:
    lang, suffix, data, named_encoding = article
    path = tmp_path / f"article.{suffix}"
    path.write_bytes(data)
    options = RunOptions(lang=lang, use_model=False, encoding=named_encoding)
    result = fix_file(path, options, None, unsafe=False)
    if not result.changed:
        return
    encoding, bom = result.decoded.encoding, result.decoded.bom
    # The bytes the edits predict: the original file, each pass's spans replaced, nothing else.
    text, expected = result.original, data
    for edits in result.passes:
        expected = _splice_bytes(expected, text, edits, encoding, bom)
        text = _splice(text, edits)
    assert text == result.fixed
    write_atomically(path, result.fixed, result.decoded)
    written = path.read_bytes()
    assert written == expected
    assert written.startswith(bom) and written[len(bom) :].decode(encoding) == result.fixed
    assert not fix_file(path, options, None, unsafe=False).changed
