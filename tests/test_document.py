"""The document model: blocks, sentences and word tokens of plain text in the eight languages,
Markdown and HTML reading (what is skipped, where findings land in the file), and language
detection."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import regex

from tqcheck.document import analyse, load_text, read_articles

LETTER = regex.compile(r"\p{L}")


def check_json(cli, *args: str, cwd: Path | None = None) -> dict:
    result = cli("check", *args, "--no-lm", "--format", "json", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# ---- plain text: blocks ----------------------------------------------------------------------

PLAIN = """Ceasefire holds after border clashes

Paris – AFP

Officials from both countries said on Wednesday that the ceasefire reached on Monday was holding.
The fighting ended on Tuesday evening after mediation by the foreign ministers of three neighbours.

Calls for restraint

The United Nations urged both sides to show restraint and to return to the negotiating table soon.
"""


def _blocks(doc) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, doc.text[b.start : b.end]) for b in doc.blocks]


def test_plain_text_blocks() -> None:
    doc = load_text(PLAIN, "en")
    lines = [line for line in PLAIN.splitlines() if line.strip()]
    assert _blocks(doc) == [
        ("heading", 1, lines[0]),  # the title is the first line
        ("dateline", 0, lines[1]),
        ("paragraph", 0, lines[2]),  # one paragraph per line, as MT output has it
        ("paragraph", 0, lines[3]),
        ("heading", 2, lines[4]),  # short, standalone, no final punctuation
        ("paragraph", 0, lines[5]),
    ]
    assert doc.title is doc.blocks[0]
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))


@pytest.mark.parametrize("dateline", ["Paris – AFP", "Madrid (EFE)", "Baku - AFP", "Moscow — Reuters"])
def test_datelines(dateline: str) -> None:
    text = PLAIN.replace("Paris – AFP", dateline)
    doc = load_text(text, "en")
    assert _blocks(doc)[1] == ("dateline", 0, dateline)


def test_zh_dateline_and_title() -> None:
    text = (
        "边境冲突后停火协议仍然有效\n\n北京——新华社\n\n官员周三表示，停火协议仍然有效。双方同意继续谈判。\n"
    )
    doc = load_text(text, "zh")
    assert [(b.kind, b.level) for b in doc.blocks] == [("heading", 1), ("dateline", 0), ("paragraph", 0)]


def test_long_standalone_sentence_is_a_paragraph() -> None:
    text = PLAIN.replace(
        "Calls for restraint", "The ministers of both countries will meet again in Moscow next week."
    )
    doc = load_text(text, "en")
    assert [b.kind for b in doc.blocks][4] == "paragraph"


def test_hard_wrapped_lines_are_one_paragraph() -> None:
    wrapped = (
        "Officials from both countries said on Wednesday that the\n"
        "ceasefire reached on Monday was holding, and that the talks\n"
        "would resume in Moscow next week.\n"
    )
    doc = load_text("Ceasefire holds\n\n" + wrapped, "en")
    assert _blocks(doc)[1] == ("paragraph", 0, wrapped.rstrip("\n"))


def test_short_one_sentence_paragraph_is_not_a_heading() -> None:
    text = PLAIN.replace("Calls for restraint", "Nobody was hurt in the fighting.")
    doc = load_text(text, "en")
    assert [b.kind for b in doc.blocks][4] == "paragraph"


# ---- plain text: sentences and tokens in eight languages -------------------------------------

SENTENCES = {
    "en": [
        "Ceasefire holds after border clashes",
        "Officials said on Wednesday that the ceasefire was holding.",
        "Dr. Smith met the minister in Geneva on Monday.",  # no break after an abbreviation
    ],
    "fr": [
        "Le cessez-le-feu tient après les affrontements",
        "Les responsables ont déclaré mercredi que le cessez-le-feu tenait.",
        "Les pourparlers reprendront lundi à Genève !",
    ],
    "de": [
        "Waffenruhe hält nach Gefechten an der Grenze",
        "Die Behörden erklärten am Mittwoch, die Waffenruhe halte.",
        "Die Gespräche werden am 3. März in Genf fortgesetzt.",  # an ordinal, not a sentence end
    ],
    "es": [
        "El alto el fuego se mantiene tras los enfrentamientos",
        "Las autoridades dijeron el miércoles que la tregua se mantenía.",
        "Las conversaciones se reanudarán el lunes en Ginebra.",
    ],
    "pt": [
        "Cessar-fogo se mantém após confrontos na fronteira",
        "As autoridades disseram na quarta-feira que a trégua se mantinha.",
        "As negociações serão retomadas na segunda-feira em Genebra.",
    ],
    "ru": [
        "Перемирие соблюдается после столкновений на границе",
        "Официальные лица заявили в среду, что перемирие соблюдается.",
        "Переговоры возобновятся в понедельник в Женеве.",
    ],
    "ar": [
        "وقف إطلاق النار صامد بعد الاشتباكات",
        "قال مسؤولون يوم الأربعاء إن وقف إطلاق النار لا يزال قائما.",
        "هل تستأنف المحادثات في جنيف يوم الاثنين؟",
    ],
    "zh": [
        "边境冲突后停火协议仍然有效",
        "官员周三表示，停火协议仍然有效。",
        "谈判将于周一在日内瓦恢复！",
    ],
}
# Words a reader expects as single word tokens.
WORDS = {
    "en": ["Dr.", "Geneva", "Wednesday"],
    "fr": ["cessez-le-feu", "Genève", "déclaré"],
    "de": ["Behörden", "März", "fortgesetzt"],
    "es": ["miércoles", "Ginebra", "mantenía"],
    "pt": ["quarta-feira", "negociações", "Genebra"],
    "ru": ["Официальные", "перемирие", "Женеве"],
    "ar": ["الأربعاء", "جنيف", "المحادثات"],
    "zh": ["日内瓦", "周三", "谈判"],
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_sentences_and_tokens(lang: str) -> None:
    title, first, second = SENTENCES[lang]
    joiner = "" if lang == "zh" else " "
    text = f"{title}\n\n{first}{joiner}{second}\n"
    doc = load_text(text, lang)
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph"]
    assert [doc.text[s.start : s.end] for s in doc.sentences] == SENTENCES[lang]
    for token in doc.tokens:
        assert doc.text[token.start : token.end] == token.text
        sentence = doc.sentences[token.sentence]
        assert sentence.start <= token.start and token.end <= sentence.end
    words = [t.text for t in doc.words]
    for word in WORDS[lang]:
        assert word in words, (word, words)
    # Every letter of the text is in exactly one word token; punctuation is never a word.
    assert sum(len(LETTER.findall(w)) for w in words) == len(LETTER.findall(text))
    assert all(LETTER.search(w) or w.isdigit() or regex.search(r"\p{N}", w) for w in words)
    assert doc.word_count == len(words)
    if lang == "zh":
        assert "".join(words) == "".join(LETTER.findall(text))


def test_chinese_keeps_words_of_other_scripts_whole() -> None:
    # jieba cuts Cyrillic, Arabic and accented Latin letters one by one; each such word is one token.
    text = "普京表示，Москва не согласна。外长表示，وزارة الخارجية将发表声明。巴黎的café很有名。\n"
    doc = load_text(text, "zh")
    words = [t.text for t in doc.tokens if t.is_word]
    assert {"Москва", "не", "согласна", "وزارة", "الخارجية", "café"} <= set(words)
    assert not any(len(w) == 1 and not regex.match(r"\p{Han}", w) for w in words)


def test_spanish_inverted_question_mark_opens_the_sentence() -> None:
    text = "Las autoridades dijeron que la tregua se mantenía. ¿Cuándo se reanudarán las conversaciones?\n"
    doc = load_text(text, "es")
    assert [doc.text[s.start : s.end] for s in doc.sentences] == [
        "Las autoridades dijeron que la tregua se mantenía.",
        "¿Cuándo se reanudarán las conversaciones?",
    ]


# ---- Markdown --------------------------------------------------------------------------------

MARKDOWN = """---
title: Leave a Reply
tags: the the news
---
# Port workers end strike

The strike at the port ended on **Tuesday** after an agreement on wages was reached
with the the union, [officials said](https://example.org/news).

```
Leave a Reply
the the code stays as it is
```

## new measures

The agreement raises wages by four percent over the next two years, the company said.

Leave a Reply
"""


@pytest.fixture(scope="module")
def markdown_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("md") / "article.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    return path


def test_markdown_blocks(markdown_file: Path) -> None:
    doc = analyse(read_articles(markdown_file)[0], "en")
    headings = [(b.level, doc.text[b.start : b.end]) for b in doc.blocks if b.is_heading]
    assert headings == [(1, "Port workers end strike"), (2, "new measures")]
    assert "title:" not in doc.text and "tags" not in doc.text  # front matter
    assert "code stays" not in doc.text  # fenced code
    assert "**" not in doc.text and "https://" not in doc.text
    assert "officials said" in doc.text  # a link's text stays
    assert doc.text.count("Leave a Reply") == 1
    # Every character of the analysed text comes from the same character of the file.
    mapping = doc.content_map
    for i, ch in enumerate(doc.text):
        if mapping.source_end[i] - mapping.source_start[i] == 1:
            assert MARKDOWN[mapping.source_start[i]] == ch


def test_markdown_findings_map_to_the_source(cli, markdown_file: Path) -> None:
    report = check_json(cli, str(markdown_file), "--lang", "en")
    findings = report["files"][0]["findings"]
    fence = (MARKDOWN.index("```"), MARKDOWN.rindex("```") + 3)
    front = (0, MARKDOWN.index("# Port"))
    for finding in findings:
        assert MARKDOWN[finding["start"] : finding["end"]] == finding["text"]
        line_start = MARKDOWN.rfind("\n", 0, finding["start"]) + 1
        assert finding["line"] == MARKDOWN.count("\n", 0, finding["start"]) + 1
        assert finding["column"] == finding["start"] - line_start + 1
        for lo, hi in (fence, front):
            assert not (lo < finding["end"] and finding["start"] < hi), finding
    by_rule = {(f["rule"], f["start"]) for f in findings}
    assert ("TQ202", MARKDOWN.index("the the union")) in by_rule
    assert ("TQ401", MARKDOWN.index("new measures")) in by_rule
    assert ("TQ101", MARKDOWN.rindex("Leave a Reply")) in by_rule
    heading = next(f for f in findings if f["rule"] == "TQ401")
    best = heading["suggestions"][0]
    fixed = MARKDOWN[: best["start"]] + best["replacement"] + MARKDOWN[best["end"] :]
    assert "\n## New measures\n" in fixed


def test_markdown_inline_code_and_images_are_not_doubled_spaces(cli, tmp_path: Path) -> None:
    path = tmp_path / "inline.md"
    path.write_text(
        "# Port strike ends\n\n"
        "Inline code such as `the the` is not prose, the editors noted on Wednesday after the strike.\n\n"
        "An image ![a photo](port.png) sits here, the editors noted on Wednesday after the strike.\n",
        encoding="utf-8",
    )
    report = check_json(cli, str(path), "--lang", "en")
    assert report["files"][0]["findings"] == []


# ---- HTML ------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html lang="en">
<head><title>Leave a Reply</title>
<style>p.the { color: red; } /* the the */</style>
<script>var prompt = "Leave a Reply"; // the the</script>
</head>
<body>
<nav><a href="/">Home</a> <a href="/comments">Leave a Reply</a></nav>
<header><p>Google News Follow 1</p></header>
<article>
<h1>Port workers end strike at Smith&nbsp;&amp;&nbsp;Sons</h1>
<p>The strike at the port ended on Tuesday after an agreement was reached
with the the union &mdash; the company&#8217;s first in ten years.</p>
<h2>caf&eacute; owners react</h2>
<p>The owners of the caf&eacute;s near the port said they were relieved that the strike had ended.</p>
<p>Leave a Reply</p>
</article>
<footer><p>Leave a Reply</p><p>Share on Facebook</p></footer>
<script>console.log("the the");</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def html_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "article.html"
    path.write_text(HTML, encoding="utf-8")
    return path


def _ranges(tag: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"<{tag}\b.*?</{tag}>", HTML, re.DOTALL)]


def test_html_text(html_file: Path) -> None:
    doc = analyse(read_articles(html_file)[0], "en")
    for skipped in ("color", "var prompt", "console.log", "Home", "Google News", "Share on Facebook"):
        assert skipped not in doc.text, skipped
    assert "Smith\xa0&\xa0Sons" in doc.text  # entities decoded
    assert "union — the company’s first" in doc.text
    assert "café owners react" in doc.text
    assert doc.text.count("Leave a Reply") == 1
    headings = [(b.level, doc.text[b.start : b.end]) for b in doc.blocks if b.is_heading]
    assert headings == [(1, "Port workers end strike at Smith\xa0&\xa0Sons"), (2, "café owners react")]


def test_html_findings_index_the_source(cli, html_file: Path) -> None:
    report = check_json(cli, str(html_file), "--lang", "en")
    findings = report["files"][0]["findings"]
    skipped = _ranges("script") + _ranges("style") + _ranges("nav") + _ranges("footer") + _ranges("head")
    for finding in findings:
        flagged = HTML[finding["start"] : finding["end"]]
        assert flagged == finding["text"], finding  # the file's characters, entities as written
        for lo, hi in skipped:
            assert not (lo < finding["end"] and finding["start"] < hi), (finding["text"], HTML[lo:hi])
    starts = {(f["rule"], f["start"], f["end"]) for f in findings}
    assert ("TQ202", HTML.index("the the union"), HTML.index("the the union") + 7) in starts
    heading = HTML.index("caf&eacute; owners react")
    assert ("TQ401", heading, heading + len("caf&eacute; owners react")) in starts
    residue = HTML.index("<p>Leave a Reply</p>\n</article>") + 3
    assert ("TQ101", residue, residue + len("Leave a Reply")) in starts
    assert sum(f["rule"] == "TQ101" for f in findings) == 1


# ---- language detection ----------------------------------------------------------------------

PARAGRAPHS = {
    "en": "The government announced on Tuesday that it would raise the minimum wage next year. "
    "Trade unions welcomed the decision but said the increase was too small for families.",
    "fr": "Le gouvernement a annoncé mardi qu'il augmenterait le salaire minimum l'année prochaine. "
    "Les syndicats ont salué la décision mais ont jugé la hausse insuffisante pour les familles.",
    "de": "Die Regierung kündigte am Dienstag an, den Mindestlohn im nächsten Jahr zu erhöhen. "
    "Die Gewerkschaften begrüßten die Entscheidung, hielten die Erhöhung aber für zu gering.",
    "es": "El Gobierno anunció el martes que subirá el salario mínimo el próximo año. "
    "Los sindicatos celebraron la decisión, pero dijeron que el aumento es insuficiente para las familias.",
    "pt": "O governo anunciou na terça-feira que vai aumentar o salário mínimo no próximo ano. "
    "Os sindicatos elogiaram a decisão, mas disseram que o aumento é insuficiente para as famílias.",
    "ru": "Правительство объявило во вторник, что повысит минимальную зарплату в следующем году. "
    "Профсоюзы приветствовали решение, но заявили, что повышение слишком мало для семей.",
    "ar": "أعلنت الحكومة يوم الثلاثاء أنها سترفع الحد الأدنى للأجور العام المقبل. "
    "ورحبت النقابات بالقرار لكنها قالت إن الزيادة غير كافية للأسر.",
    "zh": "政府周二宣布，明年将提高最低工资标准。工会对这一决定表示欢迎，但表示涨幅对家庭来说仍然太小。",
}


def test_language_detection(tmp_path: Path) -> None:
    # In process, as `check` reads a file without --lang (the CLI's JSON "lang" is this value).
    detected = {}
    for lang, paragraph in PARAGRAPHS.items():
        path = tmp_path / f"{lang}.txt"
        path.write_text(paragraph + "\n", encoding="utf-8")
        doc = analyse(read_articles(path)[0], None)
        assert doc.lang_detected
        detected[lang] = doc.lang
    assert detected == {lang: lang for lang in PARAGRAPHS}
