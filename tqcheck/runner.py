"""Checking many files: finding them, reading them, running the engine, with progress and jobs."""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqcheck.document import TEXT_SUFFIXES, Document, RawDocument, analyse, read_articles
from tqcheck.engine import FileReport, Report, check_document, signature
from tqcheck.errors import InputError, TqcheckError
from tqcheck.findings import Finding
from tqcheck.fixer import FixResult, fix_text
from tqcheck.options import RunOptions

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.lm import Scorer


def collect_paths(arguments: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Expand files, directories (recursively, article suffixes only) and quoted globs."""
    paths: list[Path] = []
    errors: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in TEXT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                errors.append(f"{argument}: no articles (.txt, .md, .html, .jsonl) in this directory")
            paths.extend(found)
        elif not path.exists() and any(ch in argument for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            if not matches:
                errors.append(f"{argument}: no files match this pattern")
            paths.extend(matches)
        else:
            paths.append(path)
    unique = list(dict.fromkeys(paths))
    return unique, errors


def settings_for_path(path: Path, options: RunOptions) -> Settings:
    from tqcheck.config import settings_for

    return settings_for(path, options)


def read_source(options: RunOptions, settings: Settings) -> RawDocument | None:
    if options.source is None:
        return None
    articles = read_articles(options.source, settings.encoding)
    if len(articles) != 1:
        raise InputError("a source file must hold one article", str(options.source))
    return articles[0]


def check_file(
    path: Path, options: RunOptions, scorer: Scorer | None = None, heat: bool = False
) -> tuple[list[FileReport], list[str]]:
    """Check every article in one file. Errors come back as one-line messages, never raised.
    `heat`: also keep every token's surprisal (the HTML report's heat map)."""
    reports: list[FileReport] = []
    errors: list[str] = []
    try:
        settings = settings_for_path(path, options)
        articles = read_articles(path, settings.encoding)
        source_raw = read_source(options, settings)
    except TqcheckError as error:
        return [], [str(error)]
    for raw in articles:
        if not raw.source.strip():
            reports.append(
                FileReport(
                    path=raw.path,
                    lang=settings.lang or raw.lang or "und",
                    words=0,
                    findings=[],
                    record_id=raw.record_id,
                    note="empty, nothing to check",
                )
            )
            continue
        try:
            doc = analyse(raw, settings.lang)
            source = _source_document(raw, source_raw, settings)
            reports.append(check_document(doc, settings, scorer=scorer, source=source, want_heat=heat))
        except TqcheckError as error:
            where = f"{raw.path}#{raw.record_id}" if raw.record_id else raw.path
            errors.append(f"{where}: {error.message}" if not error.path else str(error))
    return reports, errors


def _source_document(raw: RawDocument, source_raw: RawDocument | None, settings: Settings) -> Document | None:
    if raw.source_text is not None:
        source_raw = RawDocument(raw.path + " (source)", raw.source_text, "txt", raw.decoded)
        lang = settings.source_lang or raw.source_lang
    else:
        lang = settings.source_lang
    if source_raw is None or not source_raw.source.strip():
        return None
    return analyse(source_raw, lang)


def _check_file_job(args: tuple[Path, RunOptions]) -> tuple[list[FileReport], list[str]]:
    reports, errors = check_file(*args)
    for report in reports:
        report.doc = None  # documents stay in the worker; findings carry what renderers need
    return reports, errors


def run_check(
    paths: list[Path],
    options: RunOptions,
    scorer: Scorer | None = None,
    jobs: int = 1,
    progress: bool | None = None,
    keep_documents: bool = False,
    heat: bool = False,
) -> Report:
    """Check files in order (in parallel with jobs > 1, without a model), with a progress bar."""
    report = Report()
    results: Iterator[tuple[list[FileReport], list[str]]]
    executor = None
    if jobs > 1 and scorer is None and len(paths) > 1 and not keep_documents:
        executor = ProcessPoolExecutor(max_workers=jobs)
        results = executor.map(_check_file_job, [(p, options) for p in paths], chunksize=4)
    else:
        results = (check_file(p, options, scorer, heat) for p in paths)
    try:
        for reports, errors in with_progress(results, len(paths), progress):
            report.files.extend(reports)
            report.errors.extend(errors)
    finally:
        if executor is not None:
            executor.shutdown()
    first = settings_for_path(paths[0], options) if paths else None
    if first is not None:
        heads = getattr(scorer, "qe_heads", None)
        report.signature = signature(
            first.rules,
            getattr(scorer, "name", None),
            first.min_confidence,
            getattr(scorer, "weights_digest", None),
            heads.digest if heads else None,
            languages={f.lang for f in report.files},
            data_files=[first.glossary] if first.glossary else [],
        )
    return report


def with_progress(
    items: Iterator[Any], total: int, enabled: bool | None, label: str = "checking"
) -> Iterator[Any]:
    """Yield `items`, with a progress bar on stderr when it is a terminal (or when `enabled`)."""
    show = sys.stderr.isatty() and total > 1 if enabled is None else enabled
    if not show:
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # On stderr, so that the report on stdout can be piped while the bar shows.
    console = Console(stderr=True)
    with Progress(
        *columns, console=console, transient=True, redirect_stdout=False, redirect_stderr=False
    ) as bar:
        task = bar.add_task("check", total=total)
        for item in items:
            yield item
            bar.advance(task)


def fix_file(path: Path, options: RunOptions, scorer: Scorer | None, unsafe: bool) -> FixResult:
    """Work out the fixes for one file (re-checking after each pass). Raises TqcheckError."""
    settings = settings_for_path(path, options)
    articles = read_articles(path, settings.encoding)
    raw = articles[0] if articles else None
    if raw is None or raw.format == "jsonl" or raw.record_id is not None:
        raise InputError("fix works on .txt, .md and .html files, not on JSONL records", str(path))
    source_raw = read_source(options, settings)
    source = _source_document(raw, source_raw, settings)

    def check(text: str) -> list[Finding]:
        if not text.strip():
            return []
        doc = analyse(RawDocument(raw.path, text, raw.format, raw.decoded), settings.lang)
        return check_document(doc, settings, scorer=scorer, source=source).findings

    return fix_text(raw.path, raw.source, raw.decoded, raw.format, check, unsafe)
