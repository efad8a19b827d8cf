"""The Python API: check or fix a string the way `tqcheck check` and `tqcheck fix` check a file.

    import tqcheck

    result = tqcheck.check("The the report was published.", lang="en", model=False)
    for finding in result.findings:
        print(finding.rule, finding.line, finding.column, finding.message)
    fixed = tqcheck.fix("Prices rose  sharply .", lang="en", model=False).text

`model`: a loaded scorer (`tqcheck.load_model()`, or anything with the `tqcheck.lm.Scorer`
methods), a model id or folder, `None` for the embedded model (loaded once per process and kept),
or `False` for the rules alone. Nothing here reads a configuration file unless `config` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tqcheck.errors import ConfigError
from tqcheck.findings import Finding, Severity, mqm_score
from tqcheck.options import RunOptions

if TYPE_CHECKING:
    from tqcheck.config import Settings
    from tqcheck.document import Document, RawDocument
    from tqcheck.lm import Scorer

Format = Literal["txt", "md", "html"]

# Scorers loaded by name (None: the embedded model), kept for the life of the process: loading
# takes seconds, checking a string milliseconds.
_LOADED: dict[tuple[str | None, str], Scorer] = {}


@dataclass(frozen=True)
class CheckResult:
    """What `check` found in one text."""

    findings: tuple[Finding, ...]
    lang: str  # the language checked (the detected one when `lang` was None)
    words: int
    quality: float | None = None  # 0–100 from the model's quality-estimation head, if any

    @property
    def score(self) -> float:
        """MQM-style score, 0–100: 100 × (1 − severity-weighted findings per word)."""
        return mqm_score(list(self.findings), self.words)

    def failed(self, fail_on: str = "major") -> bool:
        """Whether a finding is at or above `fail_on` (minor, major, critical), as the CLI's exit code."""
        if fail_on == "never":
            return False
        return any(f.severity.rank >= Severity(fail_on).rank for f in self.findings)


@dataclass(frozen=True)
class FixResult:
    """What `fix` did to one text."""

    text: str  # the fixed text
    original: str
    applied: tuple[Finding, ...]  # the findings whose first suggestion was applied
    skipped: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original


def load_model(name: str | None = None, device: str = "auto", threads: int | None = None) -> Scorer:
    """Load a scorer once (the embedded Gemma 3 270M by default) and keep it for later calls."""
    key = (name, device)
    if key not in _LOADED:
        from tqcheck.lm import load_scorer

        _LOADED[key] = load_scorer(name, device=device, threads=threads)
    return _LOADED[key]


def check(
    text: str,
    lang: str | None = "en",
    *,
    source: str | None = None,
    source_lang: str | None = None,
    model: Scorer | str | Literal[False] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    format: Format = "txt",
    min_confidence: float | None = None,
    glossary: str | Path | None = None,
    config: str | Path | None = None,
    path: str = "<text>",
) -> CheckResult:
    """Check one article and return its findings, placed in `text` (offsets, 1-based line/column).

    `lang` None detects the language; `source` is the text it was translated from (enables the
    accuracy rules); `select`/`ignore` take codes, prefixes or names as `--select` does; `format`
    says how to read `text` (plain, Markdown, HTML). Raises `tqcheck.errors.TqcheckError` (a
    one-line message) on a bad option."""
    from tqcheck.runner import check_raw

    settings = _settings(lang, source_lang, select, ignore, min_confidence, glossary, config, model)
    scorer = _scorer(model, settings)
    report = check_raw(_raw(text, format, path), settings, scorer, _source(source, settings, path))
    return CheckResult(tuple(report.findings), report.lang, report.words, report.quality)


def fix(
    text: str,
    lang: str | None = "en",
    *,
    unsafe: bool = False,
    source: str | None = None,
    source_lang: str | None = None,
    model: Scorer | str | Literal[False] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    format: Format = "txt",
    min_confidence: float | None = None,
    glossary: str | Path | None = None,
    config: str | Path | None = None,
    path: str = "<text>",
) -> FixResult:
    """Apply the safe fixes (and the unsafe ones with `unsafe=True`) until none is left, as
    `tqcheck fix --write` does to a file; the options are `check`'s."""
    from tqcheck.runner import fix_raw

    settings = _settings(lang, source_lang, select, ignore, min_confidence, glossary, config, model)
    scorer = _scorer(model, settings)
    result = fix_raw(_raw(text, format, path), settings, scorer, _source(source, settings, path), unsafe)
    return FixResult(result.fixed, text, tuple(result.applied), tuple(result.skipped))


def _settings(
    lang: str | None,
    source_lang: str | None,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    min_confidence: float | None,
    glossary: str | Path | None,
    config: str | Path | None,
    model: object,
) -> Settings:
    from tqcheck.config import settings_for
    from tqcheck.languages import SOURCE_LANGUAGES, normalise_lang

    if isinstance(select, str) or isinstance(ignore, str):  # "TQ2" would select T, Q and 2
        raise ConfigError("select and ignore take a list of rule codes or names, not a string")
    options = RunOptions(
        lang=normalise_lang(lang) if lang else None,
        source_lang=normalise_lang(source_lang, "source_lang", SOURCE_LANGUAGES) if source_lang else None,
        use_model=False if model is False else None,
        model=model if isinstance(model, str) else None,
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        glossary=Path(glossary).resolve() if glossary is not None else None,
        min_confidence=min_confidence,
        config=Path(config) if config is not None else None,
    )
    return settings_for(None, options)


def _scorer(model: object, settings: Settings) -> Scorer | None:
    if model is False or not settings.use_model:
        return None
    if model is None or isinstance(model, str):
        return load_model(settings.model, settings.device, settings.threads)
    return model  # type: ignore[return-value]  # a loaded scorer


def _raw(text: str, format: str, path: str) -> RawDocument:
    from tqcheck.document import Decoded, RawDocument

    if format not in ("txt", "md", "html"):
        raise ConfigError(f"format must be txt, md or html, not {format!r}")
    return RawDocument(path, text, format, Decoded(text, "utf-8"))


def _source(source: str | None, settings: Settings, path: str) -> Document | None:
    if source is None or not source.strip():
        return None
    from tqcheck.document import analyse

    return analyse(_raw(source, "txt", path + " (source)"), settings.source_lang)


__all__ = ["CheckResult", "FixResult", "check", "fix", "load_model"]
