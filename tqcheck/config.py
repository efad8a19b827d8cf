"""Settings: defaults, then `[tool.tqcheck]` in pyproject.toml or a tqcheck.toml, then the command line.

The configuration file is found by walking up from the checked file's folder; the first
`tqcheck.toml`, or `pyproject.toml` with a `[tool.tqcheck]` table, wins.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqcheck.errors import ConfigError
from tqcheck.findings import Severity
from tqcheck.languages import SOURCE_LANGUAGES, normalise_lang
from tqcheck.options import RunOptions

if TYPE_CHECKING:
    from tqcheck.glossary import Glossary
    from tqcheck.rule import Rule

FAIL_ON = ("minor", "major", "critical", "never")
# Suggestions below this confidence are not offered; 0 offers all (confidence only ranks: whether
# `fix` applies one is its applicability, set by the rule).
DEFAULT_MIN_CONFIDENCE = 0.0


@dataclass(frozen=True)
class Settings:
    lang: str | None = None
    source_lang: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "major"
    model: str | None = None
    use_model: bool = True
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    thresholds: dict[str, float] = field(default_factory=dict)
    extra_residue: tuple[str, ...] = ()
    glossary: Path | None = None
    device: str = "auto"
    precision: str = "auto"
    batch_size: int = 8
    threads: int | None = None
    encoding: str | None = None
    qe_head: Path | None = None  # a quality-estimation head file instead of the shipped one
    config_path: Path | None = None

    @cached_property
    def rules(self) -> list[type[Rule]]:
        from tqcheck.rules import select

        return select(list(self.select) if self.select else None, list(self.ignore))

    def load_glossary(self) -> Glossary | None:
        if self.glossary is None:
            return None
        from tqcheck.glossary import load_glossary

        return load_glossary(self.glossary)


# Keys of the configuration file, as written there (kebab-case), and the Settings field they set.
FILE_KEYS = {
    "lang": "lang",
    "source-lang": "source_lang",
    "select": "select",
    "ignore": "ignore",
    "severity": "severity",
    "fail-on": "fail_on",
    "model": "model",
    "lm": "use_model",
    "min-confidence": "min_confidence",
    "thresholds": "thresholds",
    "residue": "extra_residue",
    "glossary": "glossary",
    "qe-head": "qe_head",
    "device": "device",
    "precision": "precision",
    "batch-size": "batch_size",
    "threads": "threads",
    "encoding": "encoding",
}


def _expect(value: Any, kind: type | tuple[type, ...], key: str, where: Path) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: key '{key}' must be a {names}")
    return value


def _check_pattern(pattern: str, key: str, where: Path) -> None:
    """A residue pattern is a regular expression (the `regex` module's syntax); say which one is not."""
    import regex

    try:
        regex.compile(pattern)
    except (regex.error, RecursionError, OverflowError) as error:
        raise ConfigError(
            f"{where}: key '{key}': {pattern!r} is not a valid regular expression ({error})"
        ) from None


def parse_table(table: dict[str, Any], where: Path) -> dict[str, Any]:
    """Validate a [tool.tqcheck] table into Settings fields; unknown keys are errors."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in FILE_KEYS:
            raise ConfigError(
                f"{where}: unknown key '{key}' in tqcheck configuration; known keys: {', '.join(FILE_KEYS)}"
            )
        name = FILE_KEYS[key]
        if name in ("lang", "source_lang"):
            allowed = SOURCE_LANGUAGES if name == "source_lang" else None
            code = _expect(value, str, key, where)
            values[name] = (
                normalise_lang(code, f"'{key}' in {where}")
                if allowed is None
                else normalise_lang(code, f"'{key}' in {where}", allowed)
            )
        elif name in ("select", "ignore", "extra_residue"):
            items = _expect(value, list, key, where)
            values[name] = tuple(_expect(item, str, key, where) for item in items)
            if name == "extra_residue":
                for pattern in values[name]:
                    _check_pattern(pattern, key, where)
        elif name == "severity":
            table_value = _expect(value, dict, key, where)
            values[name] = {}
            for code, level in table_value.items():
                if not isinstance(level, str) or level not in ("minor", "major", "critical"):
                    raise ConfigError(f"{where}: key 'severity.{code}' must be minor, major or critical")
                values[name][code.upper()] = Severity(level)
        elif name == "fail_on":
            if value not in FAIL_ON:
                raise ConfigError(f"{where}: key 'fail-on' must be one of {', '.join(FAIL_ON)}")
            values[name] = value
        elif name == "use_model":
            values[name] = _expect(value, bool, key, where)
        elif name == "min_confidence":
            number = float(_expect(value, (int, float), key, where))
            if not 0.0 <= number <= 1.0:
                raise ConfigError(f"{where}: key 'min-confidence' must be between 0 and 1")
            values[name] = number
        elif name == "thresholds":
            table_value = _expect(value, dict, key, where)
            values[name] = {
                k: float(_expect(v, (int, float), f"thresholds.{k}", where)) for k, v in table_value.items()
            }
        elif name in ("glossary", "qe_head"):
            values[name] = (where.parent / _expect(value, str, key, where)).resolve()
        elif name in ("batch_size", "threads"):
            number = _expect(value, int, key, where)
            if number < 1:
                raise ConfigError(f"{where}: key '{key}' must be at least 1")
            values[name] = number
        else:
            values[name] = _expect(value, str, key, where)
    return values


def read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("tqcheck") if isinstance(tool, dict) else None
        if table is None:
            return {}
        return parse_table(_expect(table, dict, "tool.tqcheck", path), path)
    return parse_table(data, path)


@lru_cache(maxsize=256)
def find_config(folder: Path) -> Path | None:
    for directory in (folder, *folder.parents):
        candidate = directory / "tqcheck.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
                if isinstance(tool, dict) and "tqcheck" in tool:
                    return pyproject
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
    return None


def settings_for(path: Path | None, options: RunOptions | None = None) -> Settings:
    """Settings for checking `path`: its configuration file (or the options' `config`), then the
    options given on the command line."""
    options = options or RunOptions()
    config_path = options.config
    if config_path is None and path is not None:
        config_path = find_config(_folder_of(path))
    values: dict[str, Any] = {}
    if config_path is not None:
        if not config_path.is_file():
            raise ConfigError(f"{config_path}: no such configuration file")
        values = read_config(config_path)
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in values.items() if k in known}, config_path=config_path)
    settings = options.apply(settings)
    try:
        settings.rules  # noqa: B018 - validates select/ignore now, as a one-line error
    except ConfigError as error:
        from_file = [key for key in ("select", "ignore") if key in values and getattr(options, key) is None]
        if from_file and config_path is not None:
            raise ConfigError(f"{config_path}: key '{from_file[0]}': {error}") from None
        raise
    if settings.glossary is not None and "glossary" in values and options.glossary is None:
        try:  # read now, so that an error names the configuration that asked for the glossary
            settings.load_glossary()
        except ConfigError as error:
            raise ConfigError(f"{config_path}: key 'glossary': {error}") from None
    return settings


def _folder_of(path: Path) -> Path:
    """The folder a configuration is looked for from; a symlink loop resolves no further."""
    try:
        return path.resolve().parent
    except (OSError, RuntimeError):
        return path.absolute().parent
