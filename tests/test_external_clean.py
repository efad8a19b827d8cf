"""The external clean corpus (corpora/external): the built files are well formed and match the
counts in SOURCES.md, and build.py makes paragraphs and splits as documented.

The corpus is third-party CC BY-SA data that is built, not committed; its checks skip when it is
absent. Its false-alarm figures are a benchmark (bench/clean_external.py), not tested here.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPORA, ROOT

from tqcheck.languages import SUPPORTED

BUILD = CORPORA / "external" / "build.py"
SOURCES = CORPORA / "external" / "SOURCES.md"
# Where the built corpus may be: in the checkout, or laid in shared/ beside it.
CORPUS_DIRS = (CORPORA / "external", ROOT.parent / "shared" / "corpora" / "external")
ROW = re.compile(
    r"^\| (?P<lang>[a-z]{2}) \| `[^`]+` \| (?P<records>\d+) \| (?P<dev>\d+) \| (?P<test>\d+) \| "
    r"(?P<documents>\d+) \| (?P<sentences>\d+) \| (?P<bytes>\d+) \| `(?P<sha256>[0-9a-f]+)` \|$",
    re.MULTILINE,
)


def documented() -> dict[str, dict[str, str]]:
    return {m["lang"]: m.groupdict() for m in ROW.finditer(SOURCES.read_text(encoding="utf-8"))}


def test_sources_document_every_language() -> None:
    assert set(documented()) == set(SUPPORTED)


def find_corpus() -> Path | None:
    return next((d for d in CORPUS_DIRS if all((d / f"{lang}.jsonl").is_file() for lang in SUPPORTED)), None)


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[dict]]:
    folder = find_corpus()
    if folder is None:
        pytest.skip("the external corpus is not built (python corpora/external/build.py NTREX)")
    return {
        lang: [
            json.loads(line) for line in (folder / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        for lang in SUPPORTED
    }


def test_records_are_well_formed(corpus: dict[str, list[dict]]) -> None:
    ids: Counter[str] = Counter()
    for lang, records in corpus.items():
        assert records, lang
        for record in records:
            assert {"id", "lang", "text", "doc", "split", "lines"} <= record.keys(), record
            assert record["lang"] == lang
            assert record["split"] in ("dev", "test")
            assert isinstance(record["text"], str) and record["text"].strip(), record["id"]
            assert record["doc"] and record["id"].startswith(f"ntrex-{lang}-{record['doc']}-p")
            first, last = record["lines"]
            assert 3 <= last - first + 1 <= 5, record["id"]
            ids[record["id"]] += 1
    assert [i for i, n in ids.items() if n > 1] == []


def test_splits_are_by_document_in_every_language(corpus: dict[str, list[dict]]) -> None:
    # A document is dev or test in every language at once, so no test article leaks through another.
    split_of: dict[str, set[str]] = {}
    for records in corpus.values():
        for record in records:
            split_of.setdefault(record["doc"], set()).add(record["split"])
    assert all(len(s) == 1 for s in split_of.values())
    for lang, records in corpus.items():
        assert {r["split"] for r in records} == {"dev", "test"}, lang


def test_files_match_the_counts_in_sources(corpus: dict[str, list[dict]]) -> None:
    folder = find_corpus()
    assert folder is not None
    for lang, row in documented().items():
        records = corpus[lang]
        data = (folder / f"{lang}.jsonl").read_bytes()
        assert int(row["records"]) == len(records), lang
        assert int(row["dev"]) == sum(r["split"] == "dev" for r in records), lang
        assert int(row["test"]) == sum(r["split"] == "test" for r in records), lang
        assert int(row["documents"]) == len({r["doc"] for r in records}), lang
        assert int(row["bytes"]) == len(data), lang
        assert hashlib.sha256(data).hexdigest().startswith(row["sha256"]), f"{lang}: not the measured file"


def test_build_makes_documented_paragraphs(tmp_path: Path) -> None:
    # A small folder in NTREX's layout (CRLF endings, as NTREX has): three documents of 4, 7 and
    # 12 lines give paragraphs of 4 | 4 + 3 | 4 + 4 + 4 lines.
    sizes = {"a.1": 4, "b.2": 7, "c.3": 12}
    doc_ids = [doc for doc, n in sizes.items() for _ in range(n)]
    source = tmp_path / "ntrex"
    (source / "NTREX-128").mkdir(parents=True)
    (source / "DOCUMENT_IDS.tsv").write_bytes("".join(f"{d}\r\n" for d in doc_ids).encode())
    for name in ("src.eng", *(f"ref.{c}" for c in ("fra", "deu", "spa", "por", "rus", "arb", "zho-CN"))):
        lines = [f"{name} sentence {i}." for i in range(1, len(doc_ids) + 1)]
        (source / "NTREX-128" / f"newstest2019-{name}.txt").write_bytes("\r\n".join([*lines, ""]).encode())
    sources = tmp_path / "SOURCES.md"
    sources.write_text("<!-- counts:begin (written by build.py) -->\n<!-- counts:end -->\n", encoding="utf-8")
    out = tmp_path / "out"

    def build() -> dict[str, bytes]:
        command = [sys.executable, str(BUILD), str(source), "--out", str(out), "--sources", str(sources)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    first = build()
    assert build() == first  # deterministic
    assert sorted(first) == sorted(f"{lang}.jsonl" for lang in SUPPORTED)
    records = [json.loads(line) for line in first["en.jsonl"].decode().splitlines()]
    assert [(r["doc"], r["lines"]) for r in records] == [
        ("a.1", [1, 4]),
        ("b.2", [5, 8]),
        ("b.2", [9, 11]),
        ("c.3", [12, 15]),
        ("c.3", [16, 19]),
        ("c.3", [20, 23]),
    ]
    # The headline stands above the first paragraph; later paragraphs are plain sentences.
    assert (
        records[0]["text"]
        == "src.eng sentence 1.\n\nsrc.eng sentence 2. src.eng sentence 3. src.eng sentence 4."
    )
    assert "\n" not in records[2]["text"] and "\r" not in records[2]["text"]
    zh = json.loads(first["zh.jsonl"].decode().splitlines()[2])
    assert zh["text"] == "".join(f"ref.zho-CN sentence {i}." for i in range(9, 12))  # no spaces
    assert {r["split"] for r in records} == {"dev", "test"}
    rows = [m.groupdict() for m in ROW.finditer(sources.read_text(encoding="utf-8"))]
    assert sorted(row["lang"] for row in rows) == sorted(SUPPORTED)
    assert all(row["records"] == "6" for row in rows)
