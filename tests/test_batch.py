"""`tqcheck batch` (issue 13, item 4): archive shards checked resumably, one result per record.

What a user relies on: the findings are `tqcheck check`'s for the same text, a bad record is an
error record and the batch goes on, a rerun skips what is done, a killed run finishes on rerun
with every record exactly once, and Ray gives the output of the in-process run."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPORA, ROOT, run_cli


def corpus_records(limit: int) -> list[dict]:
    """Paragraphs of the development articles (every language), with an id and the language;
    each translated paragraph that has a source paragraph beside it carries it too."""
    records: list[dict] = []
    for path in sorted((CORPORA / "dev").glob("*/*.txt")):
        if ".src." in path.name:
            continue
        sources = sorted(path.parent.glob(f"{path.stem}.src.*.txt"))
        source_paragraphs = sources[0].read_text(encoding="utf-8").split("\n\n") if sources else []
        for number, paragraph in enumerate(path.read_text(encoding="utf-8").split("\n\n")):
            if not paragraph.strip():
                continue
            record = {"id": f"{path.parent.name}/{path.stem}/{number}", "text": paragraph}
            if number % 3 == 0:
                record["lang"] = path.parent.name  # the others are detected
            if number < len(source_paragraphs) and number % 2 == 0:
                record["source"] = source_paragraphs[number]
                record["source_lang"] = sources[0].name.split(".src.")[1][:2]
            records.append(record)
            if len(records) == limit:
                return records
    return records


def write_shards(folder: Path, records: list[dict], shards: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-len(records) // shards)
    paths = []
    for index in range(shards):
        path = folder / f"part-{index:02d}.jsonl"
        lines = [json.dumps(r, ensure_ascii=False) for r in records[index * size : (index + 1) * size]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def results(folder: Path) -> dict[str, list[dict]]:
    """Each output shard's records, by the output's name."""
    return {
        str(p.relative_to(folder)): [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]
        for p in sorted(folder.rglob("*.results.jsonl"))
    }


def batch(*args: str) -> subprocess.CompletedProcess[str]:
    done = run_cli("batch", *args, "--no-lm")
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return corpus_records(60)


def test_findings_are_those_of_check_for_the_same_records(tmp_path: Path, records: list[dict]) -> None:
    shards = write_shards(tmp_path / "in", records, 3)
    batch(str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    out = results(tmp_path / "out")
    assert sorted(out) == [p.stem + ".results.jsonl" for p in shards]
    assert [r["id"] for rows in out.values() for r in rows] == [r["id"] for r in records]

    for shard in shards:
        checked = run_cli("check", str(shard), "--no-lm", "--format", "json")
        assert checked.returncode in (0, 1), checked.stderr
        expected = {entry["id"]: entry for entry in json.loads(checked.stdout)["files"]}
        for result in out[shard.stem + ".results.jsonl"]:
            entry = expected[result["id"]]
            # byte-identical findings, and the same language, words and score
            assert json.dumps(result["findings"], ensure_ascii=False) == json.dumps(
                entry["findings"], ensure_ascii=False
            )
            assert (result["lang"], result["words"], result["score"]) == (
                entry["lang"],
                entry["words"],
                entry["score"],
            )
            severities = [f["severity"] for f in result["findings"]]
            assert result["counts"] == {s: severities.count(s) for s in ("minor", "major", "critical")}
    assert any(r["findings"] for rows in out.values() for r in rows)  # the corpus has artifacts


def test_findings_are_those_of_the_python_api(tmp_path: Path, records: list[dict]) -> None:
    import tqcheck

    write_shards(tmp_path / "in", records[:12], 1)
    batch(str(tmp_path / "in" / "part-00.jsonl"), "-o", str(tmp_path / "out"))
    for record, result in zip(records[:12], results(tmp_path / "out")["part-00.results.jsonl"], strict=True):
        expected = tqcheck.check(
            record["text"],
            lang=record.get("lang"),
            source=record.get("source"),
            source_lang=record.get("source_lang"),
            model=False,
        )
        assert [(f["rule"], f["start"], f["end"], f["message"]) for f in result["findings"]] == [
            (f.rule, f.start, f.end, f.message) for f in expected.findings
        ]
        assert result["lang"] == expected.lang


def test_parquet_shards_give_the_results_of_the_same_jsonl(tmp_path: Path, records: list[dict]) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    rows = [{"id": r["id"], "body": r["text"], "lang": r.get("lang")} for r in records[:20]]
    table = pa.Table.from_pylist(rows)
    (tmp_path / "pq").mkdir()
    pq.write_table(table, tmp_path / "pq" / "news.parquet", row_group_size=7)  # three row groups
    write_shards(tmp_path / "js", [{**r, "text": r.pop("body")} for r in rows], 1)
    batch(str(tmp_path / "pq"), "-o", str(tmp_path / "out-pq"), "--text-field", "body")
    batch(str(tmp_path / "js"), "-o", str(tmp_path / "out-js"))
    assert (
        results(tmp_path / "out-pq")["news.results.jsonl"]
        == results(tmp_path / "out-js")["part-00.results.jsonl"]
    )


def test_an_fsspec_url_is_read_and_written(tmp_path: Path, records: list[dict]) -> None:
    import fsspec

    memory = fsspec.filesystem("memory")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:8])
    memory.pipe("/archive/2024/a.jsonl", lines.encode())
    memory.pipe("/archive/2025/a.jsonl", lines.encode())
    try:
        batch("memory://archive/*/*.jsonl", "-o", "memory://results")
        outputs = sorted(p for p in memory.find("/results") if p.endswith(".results.jsonl"))
        assert outputs == ["/results/2024/a.results.jsonl", "/results/2025/a.results.jsonl"]
        batch(str(_local_copy(tmp_path, lines)), "-o", str(tmp_path / "out"))
        expected = (tmp_path / "out" / "a.results.jsonl").read_bytes()
        assert all(memory.cat(p) == expected for p in outputs)
    finally:
        memory.rm("/archive", recursive=True)
        memory.rm("/results", recursive=True)


def _local_copy(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "a.jsonl"
    path.write_text(lines, encoding="utf-8")
    return path


def test_a_bad_record_is_an_error_record_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = "The the report was published on Monday."
    lines = [
        json.dumps({"id": "a", "text": good}),
        "{not json",
        json.dumps({"id": "b", "body": good}),
        json.dumps({"id": "c", "text": good, "lang": 7}),
        json.dumps({"id": "d", "text": good, "lang": "xx"}),
        json.dumps({"id": "e", "text": "   "}),
        json.dumps(["a list"]),
        json.dumps({"text": good}),
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = batch(str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    out = {r["id"]: r for r in results(tmp_path / "out")["mixed.results.jsonl"]}
    assert list(out) == ["a", "2", "b", "c", "d", "e", "7", "8"]  # no id: the line number, as check
    assert out["a"]["findings"] and "error" not in out["a"]
    assert "invalid JSON" in out["2"]["error"]
    assert '"text"' in out["b"]["error"]
    assert '"lang"' in out["c"]["error"]
    assert "xx" in out["d"]["error"]
    assert out["e"]["note"] == "empty, nothing to check" and out["e"]["findings"] == []
    assert "JSON object" in out["7"]["error"]
    assert out["8"]["findings"] == out["a"]["findings"]
    assert "5 could not be checked" in done.stderr
    assert json.loads((tmp_path / "out" / "_done" / "mixed.json").read_text())["errors"] == 5


def test_a_rerun_skips_done_shards_and_redoes_the_others(tmp_path: Path, records: list[dict]) -> None:
    shards = write_shards(tmp_path / "in", records[:30], 3)
    out = tmp_path / "out"
    batch(str(tmp_path / "in"), "-o", str(out))
    first = results(out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.results.jsonl")}

    # an unfinished shard (its manifest missing) and a changed input are redone; the rest are not
    (out / "_done" / "part-00.json").unlink()
    shards[2].write_text(
        shards[2].read_text(encoding="utf-8") + json.dumps({"id": "new", "text": "Hello."}) + "\n"
    )
    done = batch(str(tmp_path / "in"), "-o", str(out))
    assert "1 of 3 shard(s) already done" in done.stderr
    now = {p.name: p.stat().st_mtime_ns for p in out.glob("*.results.jsonl")}
    assert now["part-01.results.jsonl"] == stamps["part-01.results.jsonl"]
    assert now["part-00.results.jsonl"] != stamps["part-00.results.jsonl"]
    second = results(out)
    assert second["part-00.results.jsonl"] == first["part-00.results.jsonl"]
    assert [r["id"] for r in second["part-02.results.jsonl"]][-1] == "new"

    done = batch(str(tmp_path / "in"), "-o", str(out), "--overwrite")
    assert "already done" not in done.stderr
    assert all(p.stat().st_mtime_ns != now[p.name] for p in out.glob("*.results.jsonl"))
    # another run signature (other rules) is not "done" either
    other = run_cli("batch", str(tmp_path / "in"), "-o", str(out), "--no-lm", "--select", "TQ2")
    assert other.returncode == 0 and "already done" not in other.stderr


def test_a_killed_run_finishes_on_rerun_with_every_record_once(tmp_path: Path) -> None:
    records = corpus_records(120)
    write_shards(tmp_path / "in", records, 6)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "tqcheck", "batch", str(tmp_path / "in"), "-o", str(out), "--no-lm"]
    command += ["--chunk-size", "5"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not list((out / "_done").glob("*.json")):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "no shard finished in 300 s"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_at_kill = len(list((out / "_done").glob("*.json")))
    assert done_at_kill < 6  # killed midway, or this test could not fail

    rerun = batch(str(tmp_path / "in"), "-o", str(out))
    assert f"{done_at_kill} of 6 shard(s) already done" in rerun.stderr
    ids = [r["id"] for rows in results(out).values() for r in rows]
    assert sorted(ids) == sorted(r["id"] for r in records)
    assert len(ids) == len(set(ids))
    assert not [p for p in out.rglob("*") if p.name.endswith(".partial")]

    batch(str(tmp_path / "in"), "-o", str(tmp_path / "whole"))
    assert results(out) == results(tmp_path / "whole")


def test_an_output_folder_inside_the_input_is_not_read_back(tmp_path: Path, records: list[dict]) -> None:
    import gzip

    write_shards(tmp_path / "in", records[:6], 1)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[6:10])
    (tmp_path / "in" / "more.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    batch(str(tmp_path / "in"), "-o", str(tmp_path / "in" / "results"))
    again = batch(str(tmp_path / "in"), "-o", str(tmp_path / "in" / "results"))
    assert "2 of 2 shard(s) already done" in again.stderr
    out = results(tmp_path / "in" / "results")
    assert sorted(out) == ["more.results.jsonl", "part-00.results.jsonl"]
    assert [r["id"] for r in out["more.results.jsonl"]] == [r["id"] for r in records[6:10]]


def test_jobs_give_the_same_output(tmp_path: Path, records: list[dict]) -> None:
    write_shards(tmp_path / "in", records[:40], 2)
    batch(str(tmp_path / "in"), "-o", str(tmp_path / "one"), "--chunk-size", "7")
    batch(str(tmp_path / "in"), "-o", str(tmp_path / "two"), "--chunk-size", "7", "--jobs", "2")
    assert results(tmp_path / "one") == results(tmp_path / "two")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nowhere/"], "no such file or folder"),
        (["{tmp}/empty"], "no .jsonl"),
        (["{tmp}/empty", "--source", "x.txt"], "--source-field"),
        (["{tmp}/empty", "--ray-address", "auto"], "go with --ray"),
        (["{tmp}/empty", "--chunk-size", "0"], "--chunk-size"),
        (["{tmp}/twins"], "would write the same results"),
        (["{tmp}/twins/a.txt"], "a shard is .jsonl"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "twins").mkdir()
    for name in ("a.jsonl", "a.jsonl.gz", "a.txt"):
        (tmp_path / "twins" / name).write_bytes(b"")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = run_cli("batch", *args, "-o", str(tmp_path / "out"), "--no-lm")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr


def test_without_ray_or_pyarrow_the_error_names_the_extra(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps({"text": "Hello there."}) + "\n")
    (tmp_path / "in" / "b.parquet").write_bytes(b"PAR1")
    program = f"""
import contextlib, io, json, sys
sys.modules["ray"] = None  # as if not installed
sys.modules["pyarrow"] = sys.modules["pyarrow.parquet"] = None
from tqcheck.cli import run
outcome = []
for args in (["{tmp_path}/in/a.jsonl", "--ray"], ["{tmp_path}/in/b.parquet"]):
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        code = run(["batch", *args, "-o", "{tmp_path}/out", "--no-lm"])
    outcome.append([code, errors.getvalue()])
print(json.dumps(outcome))
"""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    for code, message in json.loads(done.stdout):
        assert code == 2
        assert message.count("\n") == 1 and "pip install 'tqcheck[batch]'" in message, message


def test_a_rules_only_batch_imports_neither_torch_nor_ray(tmp_path: Path) -> None:
    write_shards(tmp_path / "in", corpus_records(3), 1)
    program = f"""
import json, sys
from tqcheck.cli import run
code = run(["batch", "{tmp_path}/in", "-o", "{tmp_path}/out", "--no-lm", "-q"])
print(json.dumps([code, sorted(m for m in ("torch", "transformers", "ray") if m in sys.modules)]))
"""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [0, []]


# --- Ray: skipped only where Ray is not installed (CI installs the `batch` extra) ----------------

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray is not installed (pip install 'tqcheck[batch]')"
)


@pytest.fixture(scope="module")
def local_ray():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@needs_ray
def test_ray_gives_the_output_of_the_in_process_run(tmp_path: Path, local_ray) -> None:
    from tqcheck.batch import RayOptions, run_batch
    from tqcheck.options import RunOptions

    records = corpus_records(300)
    assert len(records) >= 200
    write_shards(tmp_path / "in", records, 3)
    options = RunOptions(use_model=False)
    run_batch(str(tmp_path / "in"), str(tmp_path / "local"), options, chunk_size=25, progress=False)
    summary = run_batch(
        str(tmp_path / "in"),
        str(tmp_path / "ray"),
        options,
        chunk_size=25,
        ray=RayOptions(actors=2),
        progress=False,
    )
    assert (summary.shards, summary.records) == (3, len(records))
    assert results(tmp_path / "ray") == results(tmp_path / "local")
    assert sorted(p.name for p in (tmp_path / "ray" / "_done").iterdir()) == [
        f"part-{i:02d}.json" for i in range(3)
    ]
    # the same manifest: the in-process run resumes a Ray run (and the other way round)
    again = run_batch(str(tmp_path / "in"), str(tmp_path / "ray"), options, progress=False)
    assert (again.skipped, again.shards) == (3, 0)


@pytest.mark.model
def test_with_the_model_findings_and_quality_are_those_of_check(tmp_path: Path) -> None:
    records = [r for r in corpus_records(200) if r["id"].startswith("en/mt-")][:3]
    write_shards(tmp_path / "in", records, 1)
    done = run_cli("batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    checked = run_cli("check", str(tmp_path / "in" / "part-00.jsonl"), "--format", "json")
    assert checked.returncode in (0, 1), checked.stderr
    expected = json.loads(checked.stdout)["files"]
    got = results(tmp_path / "out")["part-00.results.jsonl"]
    assert [r["id"] for r in got] == [e["id"] for e in expected] == [r["id"] for r in records]
    for result, entry in zip(got, expected, strict=True):
        assert json.dumps(result["findings"]) == json.dumps(entry["findings"])
        assert result["quality"] == entry["quality"]
    manifest = json.loads((tmp_path / "out" / "_done" / "part-00.json").read_text())
    assert "model:embedded" in manifest["signature"]
