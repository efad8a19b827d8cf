"""The `tqcheck` command line. Parses options, calls the rest, sets the exit code; no logic here.

Exit codes: 0 no finding at or above --fail-on; 1 a finding at or above it; 2 a usage or input
error (one line on stderr, never a traceback).

Longer than 400 lines on purpose: each command's options and help text stand beside it, where a
reader of `--help` output looks for them; the shared options are defined once (SHARED_OPTIONS).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer
from typer.core import TyperArgument, TyperCommand

from tqcheck import __version__
from tqcheck.errors import ConfigError, TqcheckError
from tqcheck.options import RunOptions

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.lm import Scorer

app = typer.Typer(
    name="tqcheck",
    help="Find machine-translation artifacts in articles, fix them safely, report on them.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion and --show-completion, as typer users expect
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class PlainCommand(TyperCommand):
    """typer's command with the usage and errors users of ruff or git expect: an argument shown
    by its metavar alone (`FILE...`, not `{FILE}...` and `FILE <list[str]>`), and a bad option
    one line in plain words (not pydantic's "Value error, …") that the caller prints, exit 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for param in self.params:
            if isinstance(param, TyperArgument) and param.metavar:
                shown = param.metavar + ("..." if param.nargs != 1 else "")
                usage = shown if param.required else f"[{shown}]"
                # typer >= 0.25 draws these two itself; older ones read the metavar alone
                param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
                param._usage_display_name = lambda usage=usage: usage  # type: ignore[method-assign]

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
        try:
            return super().parse_args(ctx, args)
        except typer.BadParameter as error:
            if not error.message:  # a missing argument or option: click words it well
                raise self._usage(error.format_message()) from None
            name = error.param.opts[0] if error.param is not None and error.param.opts else "value"
            if isinstance(error.param, TyperArgument) and error.param.metavar:
                name = error.param.metavar
            raise self._usage(f"{name}: {plain_words(error.message)}") from None
        except USAGE_ERROR as error:
            raise self._usage(error.format_message()) from None

    def _usage(self, message: str) -> ConfigError:
        return ConfigError(f"{message.rstrip('.')} (see tqcheck {self.name} --help)")


# click's UsageError, which typer >= 0.25 vendors without exporting it (BadParameter derives from it)
USAGE_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

# pydantic's wording, as typer >= 0.25 reports a bad value, in a user's words
PLAIN_WORDS = (
    (r"^Value error, ", ""),
    (r"Input should be a valid integer.*", "expects a whole number"),
    (r"Input should be a valid number.*", "expects a number"),
    (r"Input should be greater than or equal to (\S+)", r"must be at least \1"),
    (r"Input should be less than or equal to (\S+)", r"must be at most \1"),
    (r"Input should be greater than (\S+)", r"must be more than \1"),
)


def plain_words(message: str) -> str:
    import re

    for pattern, words in PLAIN_WORDS:
        message = re.sub(pattern, words, message)
    return message


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


class FailOn(StrEnum):
    minor = "minor"
    major = "major"
    critical = "critical"
    never = "never"


class Device(StrEnum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


def fail(message: str) -> NoReturn:
    typer.echo(f"tqcheck: error: {message}", err=True)
    raise typer.Exit(2)


def require_text_or_json(output_format: str) -> None:
    """The commands that print either a table or JSON refuse any other --format."""
    if output_format not in ("text", "json"):
        fail(f"--format must be text or json, not {output_format!r}")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tqcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """tqcheck: a multilingual translation-quality checker for machine-translated articles."""


# ---- shared options -------------------------------------------------------------------------
Files = Annotated[
    list[str],
    typer.Argument(
        help="Articles (.txt, .md, .html, .jsonl), directories or globs; - reads standard input.",
        metavar="FILE",
        show_default=False,
    ),
]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        "-l",
        metavar="LANG",
        help="Target language, one `tqcheck languages` lists (en, fr, de, es, pt, ru, ar, zh, and any "
        "in TQCHECK_DATA_PATH); detected when not given.",
    ),
]
SourceFile = Annotated[
    Path | None,
    typer.Option(
        "--source",
        metavar="FILE|DIR",
        help="The source text the article was translated from; a folder: each article's source is "
        "found there by --source-pattern.",
    ),
]
SourcePattern = Annotated[
    str | None,
    typer.Option(
        "--source-pattern",
        metavar="PATTERN",
        help="How a source is named from its article (default {stem}.src.{lang}{suffix}: "
        "port.txt → port.src.ar.txt); alone, sources are looked for beside each article.",
    ),
]
SourceLang = Annotated[
    str | None,
    typer.Option(
        "--source-lang", metavar="LANG", help="Language of the source; enables the language pair's lexicon."
    ),
]
NoLM = Annotated[bool, typer.Option("--no-lm", help="Do not load the language model (fast, rules only).")]
Model = Annotated[
    str | None,
    typer.Option(
        "--model",
        envvar="TQCHECK_MODEL",
        metavar="MODEL",
        help="Hugging Face causal LM id or local directory (default: embedded Gemma 3 270M).",
    ),
]
DeviceOpt = Annotated[Device | None, typer.Option("--device", help="Where the model runs.")]
BatchSize = Annotated[
    int | None, typer.Option("--batch-size", min=1, metavar="N", help="Texts scored per model call.")
]
Threads = Annotated[
    int | None, typer.Option("--threads", min=1, metavar="N", help="CPU threads for the model.")
]
Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="RULES",
        help="Only these rules (code, prefix or name; comma-separated or repeated): --select TQ2,TQ101.",
    ),
]
Ignore = Annotated[
    list[str] | None,
    typer.Option("--ignore", metavar="RULES", help="Skip these rules (comma-separated or repeated)."),
]
Config = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Configuration file (default: tqcheck.toml or pyproject.toml found upwards).",
    ),
]
Encoding = Annotated[
    str | None, typer.Option("--encoding", metavar="NAME", help="Text encoding (default: detected).")
]
MinConfidence = Annotated[
    float | None,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        metavar="X",
        help="Offer only suggestions at least this confident (default 0: all); fix applies the safe ones.",
    ),
]
GlossaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary", metavar="FILE", help="Term base (CSV/TSV: lang, preferred, forbidden) to enforce."
    ),
]
Jobs = Annotated[
    int,
    typer.Option("--jobs", "-j", min=0, metavar="N", help="Parallel processes (rules only); 0: all cores."),
]


# The options every checking command takes, defined once: `shared_options` adds them to a command's
# signature and hands the command one RunOptions (tqcheck/options.py) built from them.
SHARED_OPTIONS: dict[str, tuple[object, object]] = {
    "lang": (Lang, None),
    "source": (SourceFile, None),
    "source_lang": (SourceLang, None),
    "source_pattern": (SourcePattern, None),
    "no_lm": (NoLM, False),
    "model": (Model, None),
    "device": (DeviceOpt, None),
    "batch_size": (BatchSize, None),
    "threads": (Threads, None),
    "select": (Select, None),
    "ignore": (Ignore, None),
    "glossary": (GlossaryOpt, None),
    "config": (Config, None),
    "encoding": (Encoding, None),
    "min_confidence": (MinConfidence, None),
}


def shared_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the shared options; it receives them as `options: RunOptions`."""
    own = inspect.signature(command, eval_str=True)  # typer reads the annotations as objects
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, (annotation, default) in SHARED_OPTIONS.items()
    ]
    kept = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY) if p.default is not p.empty else p
        for p in own.parameters.values()
        if p.name != "options"
    ]

    @functools.wraps(command)
    def wrapper(**values: object) -> None:
        shared = {name: values.pop(name) for name in SHARED_OPTIONS}
        command(options=run_options(**shared), **values)  # type: ignore[arg-type]

    wrapper.__signature__ = own.replace(parameters=kept + extra)  # type: ignore[attr-defined]
    return wrapper


def run_options(
    lang: str | None = None,
    source: Path | None = None,
    source_lang: str | None = None,
    source_pattern: str | None = None,
    no_lm: bool = False,
    model: str | None = None,
    device: Device | None = None,
    batch_size: int | None = None,
    threads: int | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    glossary: Path | None = None,
    config: Path | None = None,
    encoding: str | None = None,
    min_confidence: float | None = None,
    fail_on: FailOn | None = None,
) -> RunOptions:
    """The command line's values, validated (language codes, the glossary file) and typed."""
    from tqcheck.languages import SOURCE_LANGUAGES, normalise_lang
    from tqcheck.sources import check_pattern

    return RunOptions(
        lang=normalise_lang(lang) if lang else None,
        source=source,
        source_pattern=check_pattern(source_pattern) if source_pattern is not None else None,
        source_lang=normalise_lang(source_lang, "--source-lang", SOURCE_LANGUAGES) if source_lang else None,
        use_model=False if no_lm else None,
        model=model,
        device=str(device) if device else None,
        batch_size=batch_size,
        threads=threads,
        select=_rule_list(select),
        ignore=_rule_list(ignore),
        glossary=_glossary_path(glossary),
        encoding=encoding,
        min_confidence=min_confidence,
        fail_on=str(fail_on) if fail_on else None,
        config=config,
    )


def _rule_list(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select TQ2,TQ101 --select split-entity`: commas and repetition both list rules."""
    names = tuple(name.strip() for value in values or () for name in value.split(",") if name.strip())
    return names or None


def _jobs(jobs: int) -> int:
    return (os.cpu_count() or 1) if jobs == 0 else jobs


def _glossary_path(glossary: Path | None) -> Path | None:
    if glossary is None:
        return None
    if not glossary.is_file():
        fail(f"{glossary}: no such glossary file")
    return glossary.resolve()


def _prepare(
    paths_arg: list[str], options: RunOptions, quiet: bool = False
) -> tuple[list[Path], list[str], Settings, Scorer | None]:
    """What check, fix and report share: the files, the first file's settings, the model if wanted."""
    from tqcheck.config import settings_for
    from tqcheck.runner import collect_paths
    from tqcheck.sources import DEFAULT_SOURCE_PATTERN

    notes: list[str] = []
    paths, errors = collect_paths(paths_arg, options.source_pattern or DEFAULT_SOURCE_PATTERN, notes)
    for note in [] if quiet else notes:
        typer.echo(f"tqcheck: note: {note}", err=True)
    if options.source is not None and not options.source.is_dir() and len(paths) > 1:
        fail(
            f"--source {options.source}: one source file pairs with one article, and {len(paths)} were "
            "given; name sources like the article (port.txt → port.src.ar.txt) and give --source DIR "
            "or --source-pattern"
        )
    settings = settings_for(paths[0] if paths else None, options)
    scorer = _load_model(settings) if paths and settings.use_model else None
    return paths, errors, settings, scorer


def _tell(report, quiet: bool = False) -> None:
    """Errors and notes go to stderr, one line each (--quiet: errors only)."""
    for message in report.errors:
        typer.echo(f"tqcheck: error: {message}", err=True)
    if quiet:
        return
    for file_report in report.files:
        if file_report.note:
            typer.echo(f"tqcheck: note: {file_report.path}: {file_report.note}", err=True)


FORMATS_HELP = "text, json, jsonl, sarif, github, markdown"


def _formats(values: list[str], output: Path | None) -> list[tuple[str, Path | None]]:
    """`--format github --format sarif=tq.sarif`: each format with the file it goes to; the one
    without `=FILE` goes to --output or standard output. One run, one check, several outputs."""
    chosen: list[tuple[str, Path | None]] = []
    for value in values or ["text"]:
        name, _, target = value.partition("=")
        if name not in OutputFormat.__members__:
            fail(f"--format: unknown format {name!r}; choose from {FORMATS_HELP}")
        if _ and not target:
            fail(f"--format {value}: name the file after '='")
        chosen.append((name, Path(target) if target else None))
    to_stdout = [name for name, target in chosen if target is None]
    if len(to_stdout) > 1:
        fail(
            f"--format: only one format can go to {'--output' if output else 'standard output'}; "
            "give the others a file (--format sarif=tq.sarif)"
        )
    return [(name, target or output) for name, target in chosen]


StdinFilename = Annotated[
    str | None,
    typer.Option(
        "--stdin-filename",
        metavar="NAME",
        help="With - : the name the text read from standard input stands for (its suffix picks the format).",
    ),
]


@app.command(cls=PlainCommand)
@shared_options
def check(
    files: Files,
    options: RunOptions,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT[=FILE]",
            help=f"Output format ({FORMATS_HELP}); repeat it with =FILE to write several from one run.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "--output-file", "-o", metavar="FILE", help="Write the output to this file."
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Lowest severity that makes the exit code 1 (default: major)."),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when findings reach --fail-on (errors still 2).")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the findings: no summary, no notes.")
    ] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print how many findings each rule made, instead of them.")
    ] = False,
    show_source: Annotated[
        bool,
        typer.Option("--show-source", help="Text format: show each finding's line with a caret under it."),
    ] = False,
    jobs: Jobs = 1,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Only the articles git says changed since REV (from where it and HEAD meet, "
            "uncommitted and untracked files included): --changed-since origin/main.",
        ),
    ] = None,
    stdin_filename: StdinFilename = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", metavar="FILE", help="Report only findings not recorded in this baseline file."
        ),
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline",
            help="Record today's findings in the --baseline file instead of reporting them.",
        ),
    ] = False,
) -> None:
    """Check articles and report machine-translation artifacts.

    Examples:

    \b
      tqcheck check docs/ --no-lm
      tqcheck check a.md -f github -f sarif=tq.sarif
      cat a.txt | tqcheck check - --stdin-filename a.txt
      tqcheck check docs/ --source-pattern '{stem}.src.{lang}{suffix}'
      tqcheck check docs/ --changed-since origin/main
    """
    from tqcheck.render import render
    from tqcheck.runner import run_check

    if fail_on is not None:
        options = replace(options, fail_on=str(fail_on))
    outputs = _formats(output_format or [], output)
    if "-" in files:
        if changed_since is not None:
            fail("--changed-since lists files from git; it cannot be combined with - (standard input)")
        report, settings = _check_stdin(files, options, stdin_filename)
    else:
        if changed_since is not None:
            files = _changed(files, changed_since, options, quiet)
        paths, errors, settings, scorer = _prepare(files, options, quiet)
        if scorer is not None and _jobs(jobs) > 1 and len(paths) > 1 and not quiet:
            typer.echo(
                f"tqcheck: note: --jobs {jobs} does not apply with the language model: one loaded model "
                "checks the files in turn (--no-lm checks them in parallel)",
                err=True,
            )
        report = run_check(paths, options, scorer=scorer, jobs=_jobs(jobs))
        report.errors[:0] = errors
    _tell(report, quiet)
    if baseline is not None:
        from tqcheck.baseline import apply_baseline, write_baseline

        if update_baseline:
            write_baseline(baseline, report)
            typer.echo(f"tqcheck: recorded {len(report.findings)} finding(s) in {baseline}", err=True)
            raise typer.Exit(2 if report.errors else 0)
        report.hidden = apply_baseline(baseline, report)
        if report.hidden and not quiet:
            typer.echo(f"tqcheck: {report.hidden} finding(s) hidden by the baseline {baseline}", err=True)
    view = {"quiet": quiet, "show_source": show_source}
    for name, target in outputs:
        if statistics and target is None:
            _statistics(report, sys.stdout)
        elif target is not None:
            with _open_output(target) as out:
                render(name, report, out, settings, **view)
        else:
            render(name, report, sys.stdout, settings, **view)
    code = exit_code(report, settings.fail_on)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


@app.command(cls=PlainCommand)
@shared_options
def batch(
    input_url: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="A shard (.jsonl, .jsonl.gz, .parquet), a folder of them or a quoted glob; "
            "a local path or an fsspec URL (s3://…, gs://…, memory://…).",
            show_default=False,
        ),
    ],
    options: RunOptions,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The results folder: <shard>.results.jsonl per input shard, and _done/ (what is finished).",
            show_default=False,
        ),
    ],
    id_field: Annotated[str, typer.Option("--id-field", metavar="NAME", help="The record's id.")] = "id",
    text_field: Annotated[
        str, typer.Option("--text-field", metavar="NAME", help="The article's text.")
    ] = "text",
    lang_field: Annotated[
        str, typer.Option("--lang-field", metavar="NAME", help="The article's language (--lang wins).")
    ] = "lang",
    source_field: Annotated[
        str, typer.Option("--source-field", metavar="NAME", help="The text it was translated from.")
    ] = "source",
    source_lang_field: Annotated[
        str, typer.Option("--source-lang-field", metavar="NAME", help="The source text's language.")
    ] = "source_lang",
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Redo every shard, also those an earlier run finished.")
    ] = False,
    chunk_size: Annotated[
        int,
        typer.Option("--chunk-size", min=1, metavar="N", help="Records per unit of work (JSONL)."),
    ] = 50,
    jobs: Jobs = 1,
    ray: Annotated[
        bool, typer.Option("--ray", help="Run on Ray Data (pip install 'tqcheck[batch]').")
    ] = False,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            metavar="ADDRESS",
            help="A running Ray cluster (auto, ray://host:10001); default: start a local one.",
        ),
    ] = None,
    ray_actors: Annotated[
        int,
        typer.Option("--ray-actors", min=1, metavar="N", help="Checker actors (each loads the model once)."),
    ] = 1,
    ray_cpus_per_actor: Annotated[
        float, typer.Option("--ray-cpus-per-actor", min=0.01, metavar="N", help="CPUs each actor reserves.")
    ] = 1.0,
    ray_cpus: Annotated[
        int | None,
        typer.Option("--ray-cpus", min=1, metavar="N", help="CPUs of the local Ray instance (default: all)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary, no notes.")] = False,
) -> None:
    """Check an archive of records resumably: one result record per article.

    Each input shard gets OUTPUT/<shard>.results.jsonl: per record its id, lang, words, score,
    counts and the findings exactly as `check --format json` writes them, or an `error`. A shard
    is written whole (renamed into place) and then recorded in OUTPUT/_done/; a rerun skips the
    shards done, so after a crash or a kill it finishes the rest and every record is there once.

    Examples:

    \b
      tqcheck batch archive/ -o results/ --no-lm --jobs 2
      tqcheck batch 'archive/2024-*.parquet' -o results/ --text-field body
      tqcheck batch s3://bucket/shards/ -o results/ --ray --ray-actors 4
      tqcheck batch archive/ -o results/ --ray --ray-address auto
    """
    from tqcheck.batch import RayOptions, RecordFields, run_batch

    if options.source is not None or options.source_pattern is not None:
        fail(
            "--source and --source-pattern pair files; in batch each record carries its source (--source-field)"
        )
    if (ray_address is not None or ray_cpus is not None) and not ray:
        fail("--ray-address and --ray-cpus go with --ray")
    fields = RecordFields(id_field, text_field, lang_field, source_field, source_lang_field)

    def note(message: str) -> None:
        if not quiet:
            typer.echo(f"tqcheck: note: {message}", err=True)

    ray_options = RayOptions(ray_address, ray_actors, ray_cpus_per_actor, ray_cpus) if ray else None
    summary = run_batch(
        input_url,
        output,
        options,
        fields,
        overwrite=overwrite,
        jobs=_jobs(jobs),
        chunk_size=chunk_size,
        loader=_load_model,
        ray=ray_options,
        notes=note,
    )
    if not quiet:
        typer.echo(
            f"tqcheck: batch: {summary.shards} shard(s) checked"
            + (f" ({summary.skipped} skipped, done before)" if summary.skipped else "")
            + f"; {summary.records} record(s), {summary.errors} could not be checked "
            f'(an "error" each) → {output}',
            err=True,
        )


def _changed(files: list[str], rev: str, options: RunOptions, quiet: bool) -> list[str]:
    """--changed-since: the articles among `files` that git lists as changed since `rev`."""
    from tqcheck.changed import changed_articles
    from tqcheck.sources import DEFAULT_SOURCE_PATTERN

    changed = changed_articles(files, rev, options.source_pattern or DEFAULT_SOURCE_PATTERN)
    if not changed and not quiet:
        typer.echo(f"tqcheck: note: no article changed since {rev}", err=True)
    return [str(path) for path in changed]


def _check_stdin(files: list[str], options: RunOptions, name: str | None):
    """`-`: the article on standard input, checked as if it were the file `--stdin-filename`."""
    from tqcheck.config import settings_for
    from tqcheck.runner import check_stdin

    if files != ["-"]:
        fail("- (standard input) cannot be combined with other files")
    settings = settings_for(Path(name) if name else None, options)
    scorer = _load_model(settings) if settings.use_model else None
    return check_stdin(_read_stdin(name or "-"), name, options, scorer, settings), settings


def _read_stdin(shown: str) -> bytes:
    """Standard input, up to the input limit (`tqcheck check - < /dev/zero` must end)."""
    from tqcheck.document.readers import read_bounded

    return read_bounded(sys.stdin.buffer, shown)


def _statistics(report, out) -> None:
    """ruff's --statistics: one line per rule, most frequent first."""
    from collections import Counter

    counts = Counter((f.rule, f.name) for f in report.findings)
    for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:>5}  {code}  {name}\n")


@contextlib.contextmanager
def _open_output(path: Path) -> Iterator[TextIO]:
    """An output file; failing to open, write or close it (a full disk) is one line, exit 2."""
    try:
        with path.open("w", encoding="utf-8") as out:
            yield out
    except OSError as error:
        fail(f"{path}: cannot write: {error.strerror or error}")


def exit_code(report, fail_on: str) -> int:
    from tqcheck.findings import Severity

    if report.errors:
        return 2
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in report.findings) else 0


@app.command(cls=PlainCommand)
@shared_options
def fix(
    files: Files,
    options: RunOptions,
    write: Annotated[
        bool, typer.Option("--write", "-w", help="Apply the fixes to the files (default: print a diff).")
    ] = False,
    unsafe: Annotated[
        bool, typer.Option("--unsafe", help="Also apply unsafe fixes (low confidence, model proposals).")
    ] = False,
) -> None:
    """Apply safe fixes: a unified diff by default, the files rewritten with --write.

    Exit code: 0 when nothing is left to fix (or --write applied it), 1 when a diff was printed,
    2 on an input error.

    Examples:

    \b
      tqcheck fix a.txt --no-lm > a.patch
      tqcheck fix docs/ --write
      tqcheck fix a.md --write --unsafe
    """
    from tqcheck.fixer import write_atomically
    from tqcheck.runner import fix_file

    paths, errors, _, scorer = _prepare(files, options)
    changed = 0
    for path in paths:
        try:
            result = fix_file(path, options, scorer, unsafe)
            if result.changed and write:
                write_atomically(path, result.fixed, result.decoded)
        except TqcheckError as error:
            errors.append(str(error))
            continue
        for note in result.skipped:
            typer.echo(f"tqcheck: note: {path}: skipped {note}", err=True)
        if not result.changed:
            continue
        changed += 1
        if write:
            typer.echo(f"{path}: applied {len(result.applied)} fix(es)", err=True)
        else:
            sys.stdout.write(result.diff())
    for message in errors:
        typer.echo(f"tqcheck: error: {message}", err=True)
    if not write and changed:
        typer.echo(f"tqcheck: {changed} file(s) would change; run with --write to apply", err=True)
    raise typer.Exit(2 if errors else (1 if changed and not write else 0))


@app.command(cls=PlainCommand)
@shared_options
def report(
    files: Files,
    options: RunOptions,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="The report: .html (self-contained) or .md."),
    ],
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding is at or above this severity (default: exit 0 once written).",
        ),
    ] = None,
) -> None:
    """Write a correction report a person reads: the article with every finding highlighted.

    Examples:

    \b
      tqcheck report a.txt -o report.html
      tqcheck report docs/ -o pr-comment.md --fail-on major
    """
    from tqcheck.runner import run_check

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        fail(f"{output}: the report must end in .html or .md")
    paths, errors, settings, scorer = _prepare(files, options)
    result = run_check(paths, options, scorer=scorer, keep_documents=True, heat=True)
    result.errors[:0] = errors
    _tell(result)
    if not result.files:  # nothing was read: no report to write
        raise typer.Exit(2)
    with _open_output(output) as out:
        if suffix in (".md", ".markdown"):
            from tqcheck.render.markdown import render as render_markdown

            render_markdown(result, out, settings)
        else:
            from tqcheck.render.html import render as render_html

            render_html(result, out, settings)
    typer.echo(f"tqcheck: wrote {output}", err=True)
    # The report is written either way; the gate lets one run both publish it and fail the job.
    raise typer.Exit(exit_code(result, str(fail_on)) if fail_on is not None else (2 if result.errors else 0))


@app.command(cls=PlainCommand)
def compare(
    hypothesis: Annotated[
        Path,
        typer.Argument(
            metavar="HYPOTHESIS", help="The translation to score: one segment per line.", show_default=False
        ),
    ],
    ref: Annotated[
        list[Path],
        typer.Option("--ref", "-r", metavar="FILE", help="A reference translation (repeatable)."),
    ],
    segments: Annotated[bool, typer.Option("--segments", help="Also score each segment.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", "-l", metavar="LANG", help="Target language (zh picks sacrebleu's zh tokenizer)."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")
    ] = "table",
    encoding: Annotated[
        str, typer.Option("--encoding", metavar="NAME", help="Encoding of the files.")
    ] = "utf-8",
) -> None:
    """BLEU, chrF and TER against one or more references (sacrebleu, with its signatures).

    Examples:

    \b
      tqcheck compare mt.txt -r ref.txt
      tqcheck compare mt.txt -r a.txt -r b.txt --segments -f json
    """
    from tqcheck.metric import compare as run_compare
    from tqcheck.metric import read_segments, render

    if output_format not in ("table", "json"):
        fail(f"--format must be table or json, not {output_format!r}")
    hypotheses = read_segments(hypothesis, encoding)
    references = [read_segments(path, encoding) for path in ref]
    render(run_compare(hypotheses, references, lang, segments), sys.stdout, output_format)


@app.command(cls=PlainCommand)
def rules(
    code: Annotated[
        str | None, typer.Argument(metavar="RULE", help="A rule code (TQ201) or name (split-entity).")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")
    ] = "text",
) -> None:
    """List every rule, or print one rule's documentation and examples.

    Examples:

    \b
      tqcheck rules
      tqcheck rules TQ201
      tqcheck rules split-entity -f json
    """
    from tqcheck.render.rules_doc import render_rule, render_table

    require_text_or_json(output_format)

    if code is None:
        render_table(sys.stdout, output_format)
    else:
        from tqcheck.rules import lookup

        render_rule(lookup(code), sys.stdout, output_format)


@app.command(cls=PlainCommand)
def languages(
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")
    ] = "text",
) -> None:
    """List the target languages: one per data folder (the package's and TQCHECK_DATA_PATH's).

    Examples:

    \b
      tqcheck languages
      TQCHECK_DATA_PATH=~/tqcheck-data tqcheck languages -f json
    """
    import json

    from tqcheck.resources import language_folders, locale_of, supported_languages

    require_text_or_json(output_format)
    rows = []
    for code, name in supported_languages().items():
        spec, folder = locale_of(code), language_folders()[code]
        rows.append(
            {
                "code": code,
                "name": name,
                "scripts": spec.scripts,
                "direction": spec.direction,
                "spaced": spec.spaced,
                "folder": str(folder),
            }
        )
    if output_format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for row in rows:
        typer.echo(
            f"{row['code']:<4} {row['name']:<12} {'/'.join(row['scripts']):<10} {row['direction']}  {row['folder']}"
        )


@app.command("eval", cls=PlainCommand)
def eval_command(
    gold: Annotated[
        Path,
        typer.Argument(
            metavar="GOLD",
            show_default=False,
            help="Annotated records (JSONL: id, lang, text, source?, spans), a WMT MQM span file (.tsv) "
            "or an MLQE-PE post-editing folder.",
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")
    ] = "text",
    no_lm: NoLM = False,
    model: Model = None,
    device: DeviceOpt = None,
    select: Select = None,
    ignore: Ignore = None,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", "-l", metavar="LANG", help="Only records in these languages (repeatable)."),
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Also list missed spans and false alarms.")
    ] = False,
    with_source: Annotated[
        bool, typer.Option("--with-source", help="Only records that carry a source text (accuracy checks).")
    ] = False,
    no_source: Annotated[
        bool, typer.Option("--no-source", help="WMT/MLQE-PE: judge the translations without their sources.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, metavar="N", help="WMT/MLQE-PE: only the first N segments."),
    ] = None,
    lexicon_precision: Annotated[
        bool,
        typer.Option(
            "--lexicon-precision",
            help="Measure each lexicon entry's precision on these records and write it into the "
            "precision and n columns of its confusions.tsv (dev corpus only).",
        ),
    ] = False,
) -> None:
    """Precision, recall and fix accuracy of the checker against gold spans.

    Examples:

    \b
      tqcheck eval corpora/dev/gold.jsonl --no-lm
      tqcheck eval 2022_en-de_dev_processed.tsv --select TQ306 --limit 300
      tqcheck eval corpora/dev/gold.jsonl --no-lm --lexicon-precision
    """
    import json

    from tqcheck.config import settings_for
    from tqcheck.evaluate import evaluate, read_gold, render_text

    require_text_or_json(output_format)
    settings = settings_for(None, run_options(select=select, ignore=ignore, model=model, device=device))
    if gold.is_dir() or gold.suffix.lower() == ".tsv":
        _eval_qe(gold, settings, no_lm, no_source, limit, output_format)
        return
    records = read_gold(gold)
    if lang:
        records = [r for r in records if r.lang in set(lang)]
    if with_source:
        records = [r for r in records if r.source]
    scorer = _load_model(settings) if settings.use_model and not no_lm else None
    if lexicon_precision:
        _measure_lexicons(gold, records, settings, scorer, output_format)
        return
    evaluation = evaluate(records, settings, scorer)
    if output_format == "json":
        json.dump(evaluation.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    render_text(evaluation, sys.stdout)
    if details:
        for item in evaluation.missed:
            typer.echo(f"missed  {item['id']}: {item['category']} “{item['text']}”")
        for item in evaluation.false_alarms:
            typer.echo(f"extra   {item['id']}: {item['rule']} {item['severity']} “{item['text']}”")


def _measure_lexicons(gold: Path, records, settings, scorer, output_format: str) -> None:
    import json

    from tqcheck.lexicon_precision import measure, refuse_held_out, write

    refuse_held_out(gold)
    measured = measure(records, settings, scorer)
    changed = write(measured)
    found = [m for m in measured if m.n]
    if output_format == "json":
        rows = [{"entry": m.where, "lemma": m.lemma, "n": m.n, "precision": m.precision} for m in found]
        json.dump(
            {"entries": rows, "files": [str(p) for p in changed]}, sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return
    for m in found:
        typer.echo(f"{m.precision:5.2f} {m.n:4d}  {m.lemma}  ({m.where})")
    typer.echo(f"{len(found)} of {len(measured)} entries reported; {len(changed)} lexicon files updated")


def _eval_qe(
    path: Path, settings, no_lm: bool, no_source: bool, limit: int | None, output_format: str
) -> None:
    import json

    from tqcheck.evaluate import qe_evaluation, render_qe_text
    from tqcheck.qe_data import read_qe

    segments = read_qe(path, limit)
    if not segments:
        fail(f"{path}: no segments")
    scorer = _load_model(settings) if settings.use_model and not no_lm else None
    result = qe_evaluation(segments, settings, scorer, with_source=not no_source)
    if output_format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    render_qe_text(result, sys.stdout)


def _load_model(settings):
    from tqcheck.lm import scorer_for

    def load():
        return scorer_for(settings)

    if not sys.stderr.isatty():  # no spinner in logs and pipes
        return load()
    from rich.console import Console

    # Loading takes seconds to a minute (a first run converts the model): say what is happening.
    with Console(stderr=True).status("tqcheck: loading the language model…", spinner="dots"):
        return load()


@app.command(cls=PlainCommand)
def score(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="An article (.txt, .md, .html).", show_default=False)
    ],
    lang: Lang = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")
    ] = "table",
    top: Annotated[
        int,
        typer.Option("--top", min=1, metavar="N", help="How many surprising words and phrases to list."),
    ] = 10,
    model: Model = None,
    device: DeviceOpt = None,
    threads: Threads = None,
    encoding: Encoding = None,
) -> None:
    """Language-model surprisal: per-sentence perplexity and the most surprising words.

    Examples:

    \b
      tqcheck score article.txt
      tqcheck score article.md --top 20 -f json
    """
    from tqcheck.config import settings_for
    from tqcheck.document import analyse, read_articles
    from tqcheck.surprisal import render_score, surprisal_report

    if output_format not in ("table", "json"):
        fail(f"--format must be table or json, not {output_format!r}")
    options = run_options(lang=lang, model=model, encoding=encoding, device=device, threads=threads)
    settings = settings_for(file if file.exists() else None, options)
    articles = read_articles(file, settings.encoding)
    if len(articles) != 1:
        fail(f"{file}: `score` takes one article; this file holds {len(articles)}")
    if not articles[0].source.strip():
        typer.echo(f"tqcheck: note: {file}: empty, nothing to score", err=True)
        raise typer.Exit(0)
    doc = analyse(articles[0], settings.lang)
    report = surprisal_report(doc, _load_model(settings), settings, top)
    render_score(report, sys.stdout, output_format)


class SchemaName(StrEnum):
    output = "output"
    config = "config"


@app.command(cls=PlainCommand)
def schema(
    which: Annotated[
        SchemaName,
        typer.Argument(
            metavar="output|config", help="The JSON output, or the configuration.", show_default=False
        ),
    ] = SchemaName.output,
) -> None:
    """Print the JSON Schema of `check --format json` (output) or of the configuration (config).

    The same files are in the repository as docs/schema/output.schema.json and config.schema.json.

    Examples:

    \b
      tqcheck schema > tqcheck-output.schema.json
      tqcheck schema config
    """
    from importlib import resources

    schema_file = resources.files("tqcheck") / "data" / "schema" / f"{which.value}.schema.json"
    sys.stdout.write(schema_file.read_text(encoding="utf-8"))


@app.command(cls=PlainCommand)
def server(
    lang: Lang = None,
    lm: Annotated[
        bool,
        typer.Option(
            "--lm/--no-lm",
            help="Load the language model once at start and use it for every check (default: rules only).",
        ),
    ] = False,
    model: Model = None,
    device: DeviceOpt = None,
    select: Select = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Findings at or above it are shown as errors.")
    ] = FailOn.major,
) -> None:
    """Language server over stdio for editors (diagnostics and quick fixes); needs tqcheck[server].

    Examples:

    \b
      tqcheck server
      tqcheck server --lm --lang fr (editor settings: README, "In editors")
    """
    from importlib.util import find_spec

    if find_spec("pygls") is None:
        fail("the language server needs pygls: pip install 'tqcheck[server]'")
    from tqcheck.config import settings_for
    from tqcheck.server import serve

    options = run_options(lang=lang, model=model, device=device, select=select)
    settings = settings_for(None, options)
    scorer = _load_model(settings) if lm else None
    serve(options.lang, scorer, options.select, str(fail_on))


def run(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv) and return its exit code: user errors
    become one line and exit code 2, bugs one line and exit code 3."""
    try:
        try:
            app(args=argv, prog_name="tqcheck", standalone_mode=True)
            code: int = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if not sys.stdout.closed:  # the language server closes it when the client leaves
            sys.stdout.flush()  # a full disk under standard output shows here, not after exit
        return code
    except TqcheckError as error:
        typer.echo(f"tqcheck: error: {error}", err=True)
        return 2
    except KeyboardInterrupt:
        typer.echo("tqcheck: interrupted", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except (OSError, MemoryError) as error:  # the system's refusal, not a bug: one line, exit 2
        typer.echo(f"tqcheck: error: {_system_error(error)}", err=True)
        return 2
    except Exception as error:  # a bug: one line unless the user asks for the traceback
        if os.environ.get("TQCHECK_DEBUG"):
            raise
        typer.echo(
            f"tqcheck: internal error: {type(error).__name__}: {error} (set TQCHECK_DEBUG=1 for details)",
            err=True,
        )
        return 3
    return 0


def _system_error(error: OSError | MemoryError) -> str:
    if isinstance(error, MemoryError):
        return "out of memory (an input too large? TQCHECK_MAX_INPUT_MB bounds each file)"
    from tqcheck.document.readers import display_name

    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{display_name(os.fsdecode(error.filename))}: {reason}"
    return f"cannot write the output: {reason}"


def main() -> None:
    """Entry point of the `tqcheck` command."""
    sys.exit(run())


if __name__ == "__main__":
    main()
