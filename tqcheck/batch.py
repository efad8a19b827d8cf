"""`tqcheck batch`: an archive of articles in JSONL or Parquet shards, checked resumably.

    shards (a file, a folder or a glob; local or any fsspec URL)
      → chunks (a JSONL shard's byte ranges of `chunk_size` records, a Parquet row group)
      → Checker (settings and model loaded once; each record through runner.check_article,
        the path `tqcheck check` takes for a JSONL record, so findings are the same)
      → one output shard per input shard, written to a hidden partial file and renamed, then
        `_done/<shard>.json` (the input's size and mtime or etag, the run's signature).

A rerun skips the shards whose manifest matches and redoes the others from their start: after a
kill every record is in the output exactly once. The unit of resumption is the shard (not the
chunk): a shard's output is one file, and a half-written one is never visible.

In process the chunks are checked in order (in forked workers with `jobs` > 1, rules only); with
Ray they become a Ray Data dataset (one item per chunk) mapped by an actor pool whose actors load
the model once each, read their chunk themselves, and return its result lines in order, so the
driver writes and commits the shards as in process. Ray, pyarrow and the model are imported only
when used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from tqcheck.errors import ConfigError, InputError, TqcheckError
from tqcheck.options import RunOptions

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

    from tqcheck.config import Settings
    from tqcheck.document import RawDocument
    from tqcheck.lm import Scorer

SHARD_SUFFIXES = (".jsonl.gz", ".jsonl", ".parquet")
RESULTS_SUFFIX = ".results.jsonl"
DONE_FOLDER = "_done"
VERSION_KEYS = ("ETag", "etag", "md5Hash", "generation", "mtime", "LastModified", "last_modified", "created")
BATCH_EXTRA = "pip install 'tqcheck[batch]'"


@dataclass(frozen=True)
class RecordFields:
    """Which fields of a record hold what; the defaults are those `tqcheck check` reads in JSONL."""

    id: str = "id"
    text: str = "text"
    lang: str = "lang"
    source: str = "source"
    source_lang: str = "source_lang"


@dataclass(frozen=True)
class Shard:
    url: str  # the path in its file system (protocol included for remote ones)
    name: str  # relative to the input's root, as the output is named: 2024/01.jsonl
    kind: str  # jsonl, jsonl.gz, parquet
    identity: tuple[tuple[str, str], ...]  # size, mtime or etag: a changed input is redone

    @property
    def stem(self) -> str:
        return self.name[: -len(self.kind) - 1]


@dataclass(frozen=True)
class Chunk:
    """A piece of a shard that one worker reads and checks: the records starting in bytes
    [start, end) of a JSONL file (lines numbered from `first_line`), or a Parquet row group."""

    shard: int  # index into the shard list
    url: str
    kind: str
    name: str
    records: int
    start: int = 0
    end: int = -1
    first_line: int = 1
    row_group: int = -1
    first_row: int = 0


@dataclass
class BatchSummary:
    shards: int = 0
    skipped: int = 0  # done in an earlier run
    records: int = 0
    errors: int = 0  # records that could not be checked (an `error` record each)
    output: str = ""


# --- finding the shards -------------------------------------------------------------------------


def find_shards(input_url: str) -> tuple[AbstractFileSystem, list[Shard]]:
    """The shards named by a file, a folder (recursively) or a glob. Raises InputError."""
    from fsspec.core import url_to_fs

    try:
        fs, path = url_to_fs(input_url)
    except (ImportError, ValueError) as error:  # an unknown protocol, or its package missing
        raise InputError(f"cannot open: {error}", input_url) from None
    if any(ch in path for ch in "*?["):
        root = path[: min(path.find(ch) for ch in "*?[" if ch in path)].rpartition("/")[0]
        paths = [p for p in sorted(fs.glob(path)) if fs.isfile(p) and _kind(p)]
        if not paths:
            raise InputError("no .jsonl, .jsonl.gz or .parquet files match this pattern", input_url)
    elif fs.isdir(path):
        root = path.rstrip("/")
        paths = sorted(
            p
            for p in fs.find(path)
            if _kind(p) and not any(part.startswith((".", "_")) for part in _relative(p, root).split("/"))
        )
        if not paths:
            raise InputError("no .jsonl, .jsonl.gz or .parquet files in this folder", input_url)
    elif fs.isfile(path):
        if not _kind(path):
            wrong = "a results file of tqcheck batch" if path.endswith(RESULTS_SUFFIX) else "not a shard"
            raise InputError(f"{wrong}: a shard is .jsonl, .jsonl.gz or .parquet", input_url)
        root, paths = posixpath.dirname(path), [path]
    else:
        raise InputError("no such file or folder", input_url)
    shards = []
    for p in paths:
        info = fs.info(p)
        # its size and the first version stamp the file system gives (an object store's etag)
        stamp = next((key for key in VERSION_KEYS if info.get(key) is not None), None)
        identity = (("size", str(info.get("size"))),) + ((stamp, str(info[stamp])),) * (stamp is not None)
        url = fs.unstrip_protocol(p) if _protocol(fs) != "file" else p
        shards.append(Shard(url, _relative(p, root), _kind(p), identity))
    stems: dict[str, str] = {}
    for shard in shards:  # a.jsonl and a.parquet would both write a.results.jsonl
        if shard.stem in stems:
            raise InputError(f"{stems[shard.stem]} and {shard.name} would write the same results; rename one")
        stems[shard.stem] = shard.name
    return fs, shards


def _kind(path: str) -> str:
    """The shard's format from its name; "" for anything else, a results file of ours included
    (an output folder inside the input's is not read back as input)."""
    lower = path.lower()
    if lower.endswith(RESULTS_SUFFIX):
        return ""
    return next((suffix[1:] for suffix in SHARD_SUFFIXES if lower.endswith(suffix)), "")


def _relative(path: str, root: str) -> str:
    return path[len(root) :].lstrip("/") if root and path.startswith(root) else posixpath.basename(path)


def _protocol(fs: AbstractFileSystem) -> str:
    protocol = fs.protocol
    return protocol if isinstance(protocol, str) else protocol[0]


# --- planning chunks ----------------------------------------------------------------------------


def plan_chunks(
    fs: AbstractFileSystem, shards: list[Shard], indexes: list[int], chunk_size: int
) -> list[Chunk]:
    """Each shard's chunks, in order. A JSONL shard is scanned once for line starts (bytes only,
    no parsing), so that workers can seek to their chunk; a gzipped one is one chunk."""
    chunks: list[Chunk] = []
    for index in indexes:
        shard = shards[index]
        if shard.kind == "parquet":
            metadata = _parquet_file(fs, shard).metadata
            first_row = 0
            for group in range(metadata.num_row_groups):
                rows = metadata.row_group(group).num_rows
                chunks.append(
                    Chunk(
                        index, shard.url, shard.kind, shard.name, rows, row_group=group, first_row=first_row
                    )
                )
                first_row += rows
            if not metadata.num_row_groups:  # every shard has a chunk, so that an empty one is done too
                chunks.append(Chunk(index, shard.url, shard.kind, shard.name, 0))
            continue
        if shard.kind == "jsonl.gz":
            with fs.open(_path(shard), "rb", compression="gzip") as handle:
                count = sum(1 for line in handle if line.strip())
            chunks.append(Chunk(index, shard.url, shard.kind, shard.name, count))
            continue
        chunks.extend(_jsonl_chunks(fs, shard, index, chunk_size))
    return chunks


def _jsonl_chunks(fs: AbstractFileSystem, shard: Shard, index: int, chunk_size: int) -> Iterator[Chunk]:
    start, first_line, records, offset, made = 0, 1, 0, 0, False
    with fs.open(_path(shard), "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if records == chunk_size and line.strip():
                yield Chunk(index, shard.url, shard.kind, shard.name, records, start, offset, first_line)
                start, first_line, records, made = offset, number, 0, True
            records += bool(line.strip())
            offset += len(line)
    if records or not made:  # every shard has a chunk, so that an empty one is done too
        yield Chunk(index, shard.url, shard.kind, shard.name, records, start, offset, first_line)


def _path(shard: Shard | Chunk) -> str:
    return shard.url


def _parquet_file(fs: AbstractFileSystem, shard: Shard | Chunk) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(f"{shard.name}: reading Parquet needs pyarrow: {BATCH_EXTRA}") from None
    try:
        return pq.ParquetFile(fs.open(_path(shard), "rb"))
    except Exception as error:  # pyarrow's ArrowInvalid and friends: not a Parquet file
        raise InputError(f"not a readable Parquet file ({error})", shard.name) from None


# --- reading records ----------------------------------------------------------------------------


def read_chunk(fs: AbstractFileSystem, chunk: Chunk, batch_rows: int = 256) -> Iterator[tuple[int, Any]]:
    """The chunk's records as (number, record): the line number in a JSONL shard, the row number
    (from 1) in a Parquet one. A line that is not a JSON object comes as its error message."""
    if chunk.kind == "parquet":
        if chunk.row_group < 0:
            return
        parquet = _parquet_file(fs, chunk)
        number = chunk.first_row
        for batch in parquet.iter_batches(batch_size=batch_rows, row_groups=[chunk.row_group]):
            for row in batch.to_pylist():
                number += 1
                yield number, row
        return
    if chunk.kind == "jsonl.gz":
        with fs.open(_path(chunk), "rb", compression="gzip") as handle:
            yield from _lines(handle, 1, -1)
        return
    with fs.open(_path(chunk), "rb") as handle:
        handle.seek(chunk.start)
        yield from _lines(handle, chunk.first_line, chunk.end - chunk.start)


def _lines(handle: Any, number: int, length: int) -> Iterator[tuple[int, Any]]:
    read = 0
    for line in handle:
        if length >= 0 and read >= length:
            return
        read += len(line)
        if line.strip():
            yield number, _parse_line(line, number)
        number += 1


def _parse_line(line: bytes, number: int) -> Any:
    try:
        text = line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return f"line {number}: not UTF-8 (JSONL is UTF-8)"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return f"line {number}: invalid JSON ({error.msg})"
    except RecursionError:
        return f"line {number}: JSON nested too deeply"
    return record if isinstance(record, dict) else f"line {number}: a record must be a JSON object"


def raw_document(record: Any, number: int, shard: str, fields: RecordFields) -> tuple[str, RawDocument | str]:
    """(id, the record as an article) or (id, why it cannot be checked), with the checks of
    `tqcheck check`'s JSONL reader, one record at a time."""
    from tqcheck.document import Decoded, RawDocument
    from tqcheck.document.readers import has_lone_surrogate

    if not isinstance(record, dict):
        return str(number), str(record)
    record_id = str(record.get(fields.id, number))
    text = record.get(fields.text)
    if not isinstance(text, str):
        return record_id, f'line {number}: each record needs a "{fields.text}" string'
    for key in (fields.lang, fields.source, fields.source_lang):
        if record.get(key) is not None and not isinstance(record[key], str):
            return record_id, f'line {number}: "{key}" must be a string'
    for key in (fields.text, fields.source, fields.id):
        if isinstance(record.get(key), str) and has_lone_surrogate(record[key]):
            return "?", f'line {number}: "{key}" holds a lone surrogate escape (\\ud800-\\udfff)'
    raw = RawDocument(
        path=shard,
        source=text,
        format="txt",
        decoded=Decoded(text, "utf-8"),
        record_id=record_id,
        lang=record.get(fields.lang),
        source_text=record.get(fields.source),
        source_lang=record.get(fields.source_lang),
    )
    return record_id, raw


# --- checking -----------------------------------------------------------------------------------


class Checker:
    """Settings and the model, loaded once; checks chunks into result lines (JSON, no newline)."""

    def __init__(
        self,
        options: RunOptions,
        fields: RecordFields,
        scorer: Scorer | None = None,
        loader: Callable[[Settings], Scorer] | None = None,
    ) -> None:
        from tqcheck.config import settings_for

        self.fields = fields
        self.settings = settings_for(None, options)
        if scorer is None and self.settings.use_model:
            scorer = (loader or load_scorer)(self.settings)
        self.scorer = scorer
        self._fs: dict[str, AbstractFileSystem] = {}

    def fs_for(self, url: str) -> AbstractFileSystem:
        from fsspec.core import url_to_fs

        protocol = url.partition("://")[0] if "://" in url else "file"
        if protocol not in self._fs:
            self._fs[protocol] = url_to_fs(url)[0]
        return self._fs[protocol]

    def lines(self, chunk: Chunk) -> Iterator[str]:
        for number, record in read_chunk(self.fs_for(chunk.url), chunk):
            yield self.line(record, number, chunk.name)

    def line(self, record: Any, number: int, shard: str) -> str:
        return json.dumps(self.result(record, number, shard), ensure_ascii=False)

    def result(self, record: Any, number: int, shard: str) -> dict[str, Any]:
        from tqcheck.render.json_format import file_entry
        from tqcheck.runner import check_article

        record_id, raw = raw_document(record, number, shard, self.fields)
        if isinstance(raw, str):
            return {"id": record_id, "error": raw}
        try:
            report = check_article(raw, self.settings, self.scorer)
        except TqcheckError as error:
            return {"id": record_id, "error": error.message}
        entry = file_entry(report, self.settings)
        del entry["path"]
        findings = entry.pop("findings")
        counts = dict.fromkeys(("minor", "major", "critical"), 0)
        for finding in findings:
            counts[finding["severity"]] += 1
        return {**entry, "counts": counts, "findings": findings}


def load_scorer(settings: Settings) -> Scorer:
    from tqcheck.lm import scorer_for

    return scorer_for(settings)


def run_signature(settings: Settings, fields: RecordFields) -> str:
    """What produced a shard's results: the engine's signature over every language's data, the
    model asked for (by name: actors load their own), and how records are read."""
    from tqcheck.engine import signature
    from tqcheck.languages import SUPPORTED

    model = (settings.model or "embedded") if settings.use_model else None
    head = signature(
        settings.rules,
        model,
        settings.min_confidence,
        str(settings.qe_head) if settings.qe_head else None,
        languages=SUPPORTED,
        data_files=[settings.glossary] if settings.glossary else [],
    )
    reading = json.dumps([asdict(fields), settings.lang, settings.source_lang], sort_keys=True)
    return f"{head}|batch:{hashlib.sha256(reading.encode()).hexdigest()[:8]}"


# --- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RayOptions:
    address: str | None = None  # None: start a local instance
    actors: int = 1
    cpus_per_actor: float = 1.0
    local_cpus: int | None = None  # the local instance's size (None: Ray's default, all cores)


def run_batch(
    input_url: str,
    output_url: str,
    options: RunOptions,
    fields: RecordFields = RecordFields(),
    *,
    overwrite: bool = False,
    jobs: int = 1,
    chunk_size: int = 50,
    scorer: Scorer | None = None,
    loader: Callable[[Settings], Scorer] | None = None,
    ray: RayOptions | None = None,
    progress: bool | None = None,
    notes: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Check every record of the input's shards into `output_url`; skip the shards done already.
    `scorer`: a loaded model (else `loader(settings)`, or load_scorer, loads one when wanted).
    Raises TqcheckError (one line) for what the user can fix."""
    from fsspec.core import url_to_fs

    from tqcheck.config import settings_for
    from tqcheck.runner import with_progress

    if chunk_size < 1:
        raise ConfigError("--chunk-size must be at least 1")
    fs, shards = find_shards(input_url)
    if options.config is None and _protocol(fs) == "file":
        from pathlib import Path

        from tqcheck.config import find_config

        # as `tqcheck check` does for a file: the configuration found upwards from the input
        where = Path(url_to_fs(input_url)[1]).absolute()
        options = replace(options, config=find_config(where if where.is_dir() else where.parent))
    settings = settings_for(None, options)
    run_sig = run_signature(settings, fields)
    out_fs, out_root = url_to_fs(output_url)
    if out_fs.isfile(out_root):
        raise ConfigError(f"--output {output_url}: a file; the output is a folder")
    summary = BatchSummary(output=output_url)
    pending = []
    for index, shard in enumerate(shards):
        if not overwrite and _done(out_fs, out_root, shard, run_sig):
            summary.skipped += 1
        else:
            pending.append(index)
    if summary.skipped and notes is not None:
        notes(f"{summary.skipped} of {len(shards)} shard(s) already done in {output_url}, skipped")
    if not pending:
        return summary
    try:
        chunks = plan_chunks(fs, shards, pending, chunk_size)
    except OSError as error:
        raise InputError(f"cannot read: {error}", input_url) from None
    total = sum(chunk.records for chunk in chunks)
    if ray is not None:
        results = _ray_results(chunks, options, fields, settings, ray)
    else:
        checker = Checker(options, fields, scorer, loader)
        if checker.scorer is not None and jobs > 1 and notes is not None:
            notes(
                f"--jobs {jobs} does not apply with the language model: one loaded model checks the "
                "records in turn (--no-lm checks them in parallel; --ray spreads the model over actors)"
            )
        results = _local_results(checker, chunks, jobs)
    writer = _ShardWriter(out_fs, out_root, shards, chunks, run_sig, summary)
    try:
        for _ in with_progress(writer.consume(results), total, progress, "checking records"):
            pass
    finally:
        writer.discard()
        if ray is not None:
            _ray_shutdown()
    return summary


def _done(out_fs: AbstractFileSystem, root: str, shard: Shard, run_sig: str) -> bool:
    manifest = posixpath.join(root, DONE_FOLDER, shard.stem + ".json")
    try:
        with out_fs.open(manifest, "r", encoding="utf-8") as handle:
            done = json.load(handle)
    except (FileNotFoundError, ValueError):
        return False
    return (
        done.get("input") == shard.url
        and done.get("identity") == dict(shard.identity)
        and done.get("signature") == run_sig
        and out_fs.exists(posixpath.join(root, shard.stem + RESULTS_SUFFIX))
    )


def _local_results(checker: Checker, chunks: list[Chunk], jobs: int) -> Iterator[tuple[Chunk, Iterable[str]]]:
    if jobs <= 1 or checker.scorer is not None or len(chunks) < 2:
        for chunk in chunks:
            yield chunk, checker.lines(chunk)
        return
    from concurrent.futures import ProcessPoolExecutor

    from tqcheck.runner import _fork_context

    global _WORKER
    # The first chunk here: the language pipelines and word lists it loads (seconds per language)
    # are then shared by the forked workers instead of loaded again in each.
    yield chunks[0], list(checker.lines(chunks[0]))
    _WORKER = checker
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork_context()) as executor:
        yield from zip(chunks[1:], executor.map(_chunk_job, chunks[1:]), strict=True)


_WORKER: Checker | None = None


def _chunk_job(chunk: Chunk) -> list[str]:
    assert _WORKER is not None
    return list(_WORKER.lines(chunk))


class _ShardWriter:
    """Writes each shard's result lines to a hidden partial file as they come, in chunk order;
    after a shard's last chunk, renames it into place and then writes its manifest."""

    def __init__(
        self,
        fs: AbstractFileSystem,
        root: str,
        shards: list[Shard],
        chunks: list[Chunk],
        run_sig: str,
        summary: BatchSummary,
    ) -> None:
        self.fs, self.root, self.shards, self.run_sig, self.summary = fs, root, shards, run_sig, summary
        self.left: dict[int, int] = {}
        for chunk in chunks:
            self.left[chunk.shard] = self.left.get(chunk.shard, 0) + 1
        self.handle: Any = None
        self.partial = ""
        self.records = self.errors = 0

    def consume(self, results: Iterable[tuple[Chunk, Iterable[str]]]) -> Iterator[None]:
        for chunk, lines in results:
            if self.handle is None:
                self._open(self.shards[chunk.shard])
            for line in lines:
                self.handle.write(line + "\n")
                self.records += 1
                self.errors += '"error": ' in line and "error" in json.loads(line)
                yield None
            self.left[chunk.shard] -= 1
            if not self.left[chunk.shard]:
                self._commit(self.shards[chunk.shard])

    def _open(self, shard: Shard) -> None:
        folder, name = posixpath.split(posixpath.join(self.root, shard.stem + RESULTS_SUFFIX))
        self.fs.makedirs(folder, exist_ok=True)
        self.partial = posixpath.join(folder, f".{name}.partial")
        self.handle = self.fs.open(self.partial, "w", encoding="utf-8")
        self.records = self.errors = 0

    def _commit(self, shard: Shard) -> None:
        output = posixpath.join(self.root, shard.stem + RESULTS_SUFFIX)
        self.handle.close()
        self.handle = None
        self.fs.mv(self.partial, output)  # a rename on local disk: the shard appears whole or not at all
        manifest = {
            "input": shard.url,
            "identity": dict(shard.identity),
            "signature": self.run_sig,
            "records": self.records,
            "errors": self.errors,
            "output": shard.stem + RESULTS_SUFFIX,
        }
        path = posixpath.join(self.root, DONE_FOLDER, shard.stem + ".json")
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        with self.fs.open(path + ".partial", "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False, indent=1)
        self.fs.mv(path + ".partial", path)
        self.summary.shards += 1
        self.summary.records += self.records
        self.summary.errors += self.errors

    def discard(self) -> None:
        """After an error: the partial file goes (a rerun redoes its shard from the start)."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
            self.fs.rm(self.partial)


# --- Ray ----------------------------------------------------------------------------------------


class RayChecker:
    """A Ray Data actor: loads the settings and the model once, then checks one chunk per batch."""

    def __init__(self, options: RunOptions, fields: RecordFields) -> None:
        self.checker = Checker(options, fields)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"index": [], "lines": []}
        for index, item in zip(batch["index"], batch["chunk"], strict=True):
            chunk = Chunk(**json.loads(item))
            out["index"].append(int(index))
            out["lines"].append("\n".join(self.checker.lines(chunk)))
        return out


_STARTED_RAY = False


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(f"--ray needs Ray Data, an optional extra: {BATCH_EXTRA}") from None
    return ray


def _ray_results(
    chunks: list[Chunk],
    options: RunOptions,
    fields: RecordFields,
    settings: Settings,
    ray_options: RayOptions,
) -> Iterator[tuple[Chunk, Iterable[str]]]:
    global _STARTED_RAY
    if any(chunk.url.startswith("memory://") for chunk in chunks):
        raise ConfigError("--ray: a memory:// input lives in this process; Ray's workers cannot read it")
    ray = _import_ray()
    # Ray Data's info lines and its deprecation notes would bury ours; its errors still show
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if not ray.is_initialized():
        ray.init(
            address=ray_options.address,
            num_cpus=ray_options.local_cpus if ray_options.address is None else None,
            include_dashboard=False,
            log_to_driver=False,
            logging_level="ERROR",
        )
        _STARTED_RAY = True
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # the driver writes each shard in order
    context.enable_progress_bars = False  # ours counts records
    gpus = ray.cluster_resources().get("GPU", 0) if settings.use_model else 0
    items = [{"index": i, "chunk": json.dumps(asdict(chunk))} for i, chunk in enumerate(chunks)]
    dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
        RayChecker,
        fn_constructor_args=(options, fields),
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=ray_options.actors),
        num_cpus=ray_options.cpus_per_actor,
        num_gpus=1 if gpus else 0,
    )
    for row in dataset.iter_rows():
        lines = row["lines"]
        yield chunks[int(row["index"])], lines.split("\n") if lines else []


def _ray_shutdown() -> None:
    global _STARTED_RAY
    if _STARTED_RAY:
        import ray

        ray.shutdown()
        _STARTED_RAY = False
