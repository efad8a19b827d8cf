"""Checking many files: finding them, reading them, running the engine, with progress and jobs."""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqcheck.document import TEXT_SUFFIXES, Document, RawDocument, analyse, read_articles
from tqcheck.engine import FileReport, Report, check_document, signature
from tqcheck.errors import InputError, TqcheckError
from tqcheck.findings import Finding
from tqcheck.fixer import FixResult, fix_text
from tqcheck.options import RunOptions
from tqcheck.sources import DEFAULT_SOURCE_PATTERN, find_source, is_source_name, looked_for

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.lm import Scorer


def collect_paths(
    arguments: Iterable[str],
    source_pattern: str = DEFAULT_SOURCE_PATTERN,
    notes: list[str] | None = None,
) -> tuple[list[Path], list[str]]:
    """Expand files, directories (recursively, article suffixes only) and quoted globs. Files
    named as sources (`port.src.ar.txt`, tqcheck/sources.py) are not articles: directories and
    globs skip them, and a source named on the command line is skipped with a note in `notes`."""
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
                and not is_source_name(p, source_pattern)
            )
            if not found:
                errors.append(f"{argument}: no articles (.txt, .md, .html, .jsonl) in this directory")
            paths.extend(found)
        elif not path.exists() and any(ch in argument for ch in "*?["):
            matches = sorted(
                Path(p)
                for p in glob.glob(argument, recursive=True)
                if Path(p).is_file() and not is_source_name(Path(p), source_pattern)
            )
            if not matches:
                errors.append(f"{argument}: no files match this pattern")
            paths.extend(matches)
        elif is_source_name(path, source_pattern) and path.is_file():
            if notes is not None:
                notes.append(f"{path}: a source text (named {source_pattern}), not checked as an article")
        else:
            paths.append(path)
    unique = list(dict.fromkeys(paths))
    return unique, errors


def settings_for_path(path: Path, options: RunOptions) -> Settings:
    from tqcheck.config import settings_for

    return settings_for(path, options)


def read_source(path: Path | None, settings: Settings) -> RawDocument | None:
    if path is None:
        return None
    articles = read_articles(path, settings.encoding)
    if len(articles) != 1:
        raise InputError("a source file must hold one article", str(path))
    return articles[0]


@dataclass(frozen=True)
class Pairing:
    """An article's source text, the settings to check it with, and a note when none was found."""

    source: RawDocument | None
    settings: Settings
    source_path: Path | None = None
    note: str | None = None


def pair_source(article: Path, options: RunOptions, settings: Settings) -> Pairing:
    """The source of `article`: `--source FILE` as given; with `--source DIR` or
    `--source-pattern`, the file named by the pattern (its {lang} sets the source language
    unless --source-lang did). Raises TqcheckError (an unreadable or ambiguous source)."""
    pattern = options.source_pattern
    if options.source is not None and not options.source.is_dir():
        return Pairing(read_source(options.source, settings), settings, options.source)
    if options.source is None and pattern is None:
        return Pairing(None, settings)
    pattern = pattern or DEFAULT_SOURCE_PATTERN
    folder = options.source if options.source is not None else article.parent
    match = find_source(article, folder, pattern)
    if match is None:
        return Pairing(None, settings, note=f"no source text ({looked_for(article, folder, pattern)})")
    if match.lang and settings.source_lang is None:
        from tqcheck.languages import SOURCE_LANGUAGES, normalise_lang

        lang = normalise_lang(match.lang, f"the source language in {match.path.name}", SOURCE_LANGUAGES)
        settings = replace(settings, source_lang=lang)
    return Pairing(read_source(match.path, settings), settings, match.path)


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
        pairing = pair_source(path, options, settings)
    except TqcheckError as error:
        return [], [str(error)]
    settings, source_raw = pairing.settings, pairing.source
    for raw in articles:
        try:
            checked = check_article(raw, settings, scorer, source_raw, heat, pairing.source_path)
            if pairing.note and raw.source_text is None and raw.source.strip():
                checked.note = pairing.note
            reports.append(checked)
        except TqcheckError as error:
            errors.append(article_error(raw, error))
    return reports, errors


def check_article(
    raw: RawDocument,
    settings: Settings,
    scorer: Scorer | None = None,
    source_raw: RawDocument | None = None,
    heat: bool = False,
    source_path: Path | None = None,
) -> FileReport:
    """One article of a file (or one record of `tqcheck batch`): an empty one is a note, else
    checked against its source (the record's own, or `source_raw`, read from `source_path`).
    Raises TqcheckError."""
    if not raw.source.strip():
        return FileReport(
            path=raw.path,
            lang=settings.lang or raw.lang or "und",
            words=0,
            findings=[],
            record_id=raw.record_id,
            note="empty, nothing to check",
        )
    source = _source_document(raw, source_raw, settings)
    checked = check_raw(raw, settings, scorer, source, heat)
    if source_path is not None and source is not None:
        checked.source_path = str(source_path)
    return checked


def article_error(raw: RawDocument, error: TqcheckError) -> str:
    """An article's error as one line naming the file (and the record)."""
    where = f"{raw.path}#{raw.record_id}" if raw.record_id else raw.path
    return f"{where}: {error.message}" if not error.path else str(error)


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


FileResult = tuple[list[FileReport], list[str]]


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
    if jobs > 1 and scorer is None and len(paths) > 1 and not keep_documents:
        done: dict[int, FileResult] = {}
        for index, result in with_progress(_in_parallel(paths, options, jobs), len(paths), progress):
            done[index] = result
        ordered: Iterable[FileResult] = (done[index] for index in range(len(paths)))
    else:
        ordered = with_progress((check_file(p, options, scorer, heat) for p in paths), len(paths), progress)
    for reports, errors in ordered:
        report.files.extend(reports)
        report.errors.extend(errors)
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


def _in_parallel(paths: list[Path], options: RunOptions, jobs: int) -> Iterator[tuple[int, FileResult]]:
    """Each file's result with its index, as the workers finish them.

    Each language's first check in a process loads its pipeline, word lists and lexicons (a tenth
    of a second to seconds per language), which is most of what a folder of short articles costs.
    So the files go to the workers in runs of one language (each worker loads only the languages
    it is given, in parallel with the other), not one by one (where every worker would load every
    language). The language of each file is guessed from its start here; a wrong guess costs a
    worker one more language to load, never a different result. What every language shares
    (spaCy, wordfreq, the rules) is imported before the workers fork, once for all of them.
    """
    from concurrent.futures import as_completed

    _import_shared()
    chunks = _language_runs(paths, _language_hints(paths, options), jobs)
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=_fork_context()) as executor:
        futures = [executor.submit(_check_chunk, [(i, paths[i]) for i in chunk], options) for chunk in chunks]
        for future in as_completed(futures):
            yield from future.result()


def _check_chunk(chunk: list[tuple[int, Path]], options: RunOptions) -> list[tuple[int, FileResult]]:
    return [(index, _check_file_job((path, options))) for index, path in chunk]


def _import_shared() -> None:
    """Import what the checks of every language use, so that forked workers inherit it."""
    import tqcheck.rules  # noqa: F401
    from tqcheck.document.segment import _import_spacy
    from tqcheck.wordlists import wordfreq_module

    wordfreq_module()
    _import_spacy()


# The characters of an article that its language is guessed from, to group files by language:
# a guess, so a short sample is enough.
HINT_SAMPLE = 1000


def _language_hints(paths: list[Path], options: RunOptions) -> list[str]:
    """Each file's target language: as configured, else identified from the start of its text
    ("" when unreadable or empty: the worker reports it)."""
    from tqcheck.languages import detect_language

    hints = []
    for path in paths:
        try:
            settings = settings_for_path(path, options)
            if settings.lang:
                hints.append(settings.lang)
                continue
            articles = read_articles(path, settings.encoding)
        except TqcheckError:
            hints.append("")
            continue
        text = articles[0].source[:HINT_SAMPLE] if articles else ""
        hints.append(articles[0].lang or detect_language(text) if text.strip() else "")
    return hints


def _language_runs(paths: list[Path], hints: list[str], jobs: int) -> list[list[int]]:
    """The file indices cut into runs of one language each, in the order the workers take them.

    A language with at most a worker's share of the files is one run, so one worker loads it;
    those come first, the costliest first (its files, and what loading the language costs), so
    that no worker is left with a long run at the end while the others wait. A language with
    more than that is loaded by several workers whatever the order, so its files are cut into
    short runs that come last and keep every worker busy to the end.
    """
    share = -(-len(paths) // jobs)
    short = max(1, -(-len(paths) // (jobs * 8)))
    by_language: dict[str, list[int]] = {}
    for index, hint in enumerate(hints):
        by_language.setdefault(hint, []).append(index)
    load = {hint: _load_cost(hint) for hint in by_language}
    whole = sorted(
        (indices for indices in by_language.values() if len(indices) <= share),
        key=lambda indices: len(indices) + load[hints[indices[0]]],
        reverse=True,
    )
    cut = [
        indices[start : start + short]
        for indices in by_language.values()
        if len(indices) > share
        for start in range(0, len(indices), short)
    ]
    return whole + cut


# What loading a language costs a worker, in files' worth of checking (about 12 ms a file): its
# pipeline, word lists and lexicons take 0.1 to 0.2 s; a language with a word segmenter of its
# own takes more (Chinese: jieba's dictionaries, its tagger and pypinyin, 1.2 s, and 23 ms a file).
LOAD_COST_FILES = 10
SEGMENTER_LOAD_COST_FILES = 100


def _load_cost(lang: str) -> int:
    from tqcheck.resources import locale_of

    if not lang:
        return 0
    try:
        segmented = bool(locale_of(lang).segmenter)
    except TqcheckError:  # a language without data: the worker reports it
        return 0
    return SEGMENTER_LOAD_COST_FILES if segmented else LOAD_COST_FILES


def _fork_context() -> Any:
    """Workers forked from this process, where the platform can: they inherit its loaded data."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork") if "fork" in methods else None


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


def check_raw(
    raw: RawDocument,
    settings: Settings,
    scorer: Scorer | None = None,
    source: Document | None = None,
    heat: bool = False,
) -> FileReport:
    """Check one article (a file's, standard input's or the API's string)."""
    doc = analyse(raw, settings.lang)
    return check_document(doc, settings, scorer=scorer, source=source, want_heat=heat)


def fix_raw(
    raw: RawDocument, settings: Settings, scorer: Scorer | None, source: Document | None, unsafe: bool
) -> FixResult:
    """The fixes of one article, re-checking after each pass until none applies (`fix`, the API)."""

    def check(text: str) -> list[Finding]:
        if not text.strip():
            return []
        return check_raw(
            RawDocument(raw.path, text, raw.format, raw.decoded), settings, scorer, source
        ).findings

    return fix_text(raw.path, raw.source, raw.decoded, raw.format, check, unsafe)


def fix_file(path: Path, options: RunOptions, scorer: Scorer | None, unsafe: bool) -> FixResult:
    """Work out the fixes for one file (re-checking after each pass). Raises TqcheckError."""
    settings = settings_for_path(path, options)
    articles = read_articles(path, settings.encoding)
    raw = articles[0] if articles else None
    if raw is None or raw.format == "jsonl" or raw.record_id is not None:
        raise InputError("fix works on .txt, .md and .html files, not on JSONL records", str(path))
    pairing = pair_source(path, options, settings)
    source = _source_document(raw, pairing.source, pairing.settings)
    return fix_raw(raw, pairing.settings, scorer, source, unsafe)


# Standard input is read as the file its --stdin-filename names: that suffix picks the format.
STDIN_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def check_stdin(
    data: bytes, name: str | None, options: RunOptions, scorer: Scorer | None, settings: Settings
) -> Report:
    """`check -`: the article read from standard input, checked as if it were the file `name`."""
    from tqcheck.document import decode_bytes

    shown = name or "-"
    file_format = STDIN_FORMATS.get(Path(name).suffix.lower(), "txt") if name else "txt"
    decoded = decode_bytes(data, shown, settings.encoding)
    report = Report()
    source = None
    if options.source is not None or options.source_pattern is not None:
        pairing = pair_source(Path(shown), options, settings)
        settings = pairing.settings
        source = _source_document(RawDocument(shown, "", file_format, decoded), pairing.source, settings)
    if decoded.text.strip():
        raw = RawDocument(shown, decoded.text, file_format, decoded)
        report.files.append(check_raw(raw, settings, scorer, source))
    return report
