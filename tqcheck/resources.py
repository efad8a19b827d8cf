"""Per-language data (tqcheck/data/<lang>/, data/common/, data/pairs/<src>-<tgt>/), loaded once.

A language is a folder with a locale.toml: the package's own, or one under a folder named in
TQCHECK_DATA_PATH (os.pathsep-separated, searched first), so a language is added without code.

Logic lives in the rules; what a rule looks for in a language lives here as data:
  locale.toml      scripts, casing, quotes, spacing, number format, inflection affixes (locale_schema)
  residue.toml     page-furniture patterns and widget words (share/follow/comment...)
  confusions.tsv   words MT renders in the wrong sense, with alternatives and deciding context
  cues.toml        named sets of context words ("conflict") that confusion entries refer to
  doubles.txt      words that may legitimately stand twice in a row (and where)
  lm.toml          thresholds of the model rules, calibrated per model on clean articles
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import regex

from tqcheck.errors import ConfigError
from tqcheck.locale_schema import Locale, parse_locale

DATA = resources.files("tqcheck") / "data"
MODEL_CONTEXT = "model"
DATA_PATH_ENV = "TQCHECK_DATA_PATH"
# Folders under a data root that are not languages.
NOT_LANGUAGES = frozenset({"common", "pairs", "qe", "schema"})
# A lexicon entry whose measured precision (`tqcheck eval --lexicon-precision`) is below this on at
# least MEASURED_MIN_N findings is demoted to model-only: without a model it stays quiet.
MEASURED_MIN_PRECISION = 0.5
MEASURED_MIN_N = 5


def data_path_setting() -> str:
    return os.environ.get(DATA_PATH_ENV, "")


@cache
def _roots(setting: str) -> tuple[Traversable, ...]:
    roots: list[Traversable] = []
    for part in setting.split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part).expanduser()
        if not path.is_dir():
            raise ConfigError(f"{DATA_PATH_ENV}: {part!r} is not a folder")
        roots.append(path)
    return (*roots, DATA)


def data_roots() -> tuple[Traversable, ...]:
    """The folders languages are read from: TQCHECK_DATA_PATH's, then the package's."""
    return _roots(data_path_setting())


@cache
def _languages(setting: str) -> dict[str, Traversable]:
    found: dict[str, Traversable] = {}
    for root in _roots(setting):
        for folder in sorted(root.iterdir(), key=lambda c: c.name):
            if folder.name in found or folder.name in NOT_LANGUAGES or not folder.is_dir():
                continue
            if (folder / "locale.toml").is_file():
                found[folder.name] = folder
    return dict(sorted(found.items()))


def language_folders() -> dict[str, Traversable]:
    """{code: folder} of every language with a locale.toml, first root first. Listing them reads
    no locale file: a process that checks English parses English's only."""
    return _languages(data_path_setting())


def supported_languages() -> dict[str, str]:
    """{code: English name} of the target languages: one per data folder, in code order."""
    return {code: locale_of(code).name for code in language_folders()}


@cache
def _locale(folder: Traversable, setting: str) -> Locale:
    where = _where(folder / "locale.toml")
    return parse_locale(_parse_toml(folder.joinpath("locale.toml").read_text(encoding="utf-8"), where), where)


def _where(node: Traversable) -> str:
    """A data file as messages name it: data/<lang>/x for the package's, the full path otherwise."""
    text = str(node)
    package = str(DATA)
    return "data" + text[len(package) :] if text.startswith(package) else text


def _node(*parts: str) -> Traversable | None:
    """The file data/<parts>: a language's from its folder, a pair's from the first root holding it."""
    if parts[0] == "pairs":
        for root in data_roots():
            node = root.joinpath(*parts)
            if node.is_file():
                return node
        return None
    if parts[0] != "common":
        folder = language_folders().get(parts[0])
        if folder is not None:
            node = folder.joinpath(*parts[1:])
            return node if node.is_file() else None
    node = DATA.joinpath(*parts)
    return node if node.is_file() else None


# The tables of named things TQ603 and TQ201 read: file name -> the name of its id column.
NAME_TABLES = {"places": "place", "bodies": "body", "people": "person"}


def data_digest(languages: Iterable[str], extra: Iterable[Path] = ()) -> str:
    """A digest of the data files a run over these target languages reads (their folders, the
    shared data, the language pairs into them) and of `extra` files (a glossary): the run
    signature changes when any of them does."""
    wanted = set(languages)
    digest = hashlib.sha256()

    def walk(node: Traversable, name: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            path = f"{name}/{child.name}"
            if child.is_dir():
                walk(child, path)
            elif child.is_file() and not child.name.endswith((".pyc", ".npz", ".md")):
                digest.update(path.encode() + b"\0" + child.read_bytes())

    folders = {"common": DATA / "common", **language_folders()}
    for name in sorted(wanted & set(folders) | {"common"}):
        walk(folders[name], name)
    # TQ603 reads every language's names of places and bodies, not only the target's.
    for name in sorted(set(folders) - wanted - {"common"}):
        for kind in NAME_TABLES:
            node = folders[name] / f"{kind}.tsv"
            if node.is_file():
                digest.update(f"{name}/{kind}.tsv".encode() + b"\0" + node.read_bytes())
    for root in data_roots():
        pairs = root / "pairs"
        if not pairs.is_dir():
            continue
        for pair in sorted(pairs.iterdir(), key=lambda c: c.name):
            if pair.is_dir() and pair.name.rpartition("-")[2] in wanted:
                walk(pair, f"pairs/{pair.name}")
    for path in extra:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


def _read(*parts: str) -> str | None:
    node = _node(*parts)
    return node.read_text(encoding="utf-8") if node is not None else None


def _where_of(*parts: str) -> str:
    node = _node(*parts)
    return _where(node) if node is not None else "data/" + "/".join(parts)


def _data_lines(text: str | None) -> list[str]:
    """Lines of a list file, without comments and blank lines."""
    if not text:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _doubles(lines: list[str]) -> dict[str, str]:
    """doubles.txt: a word that may stand twice, and optionally the marks of which one must open
    its clause at most one word before ("die ,": "die Frau, die die Rede hielt", "die Partei, für
    die die Wähler stimmten"; '' = anywhere)."""
    doubles = {}
    for line in lines:
        word, _, marks = line.partition(" ")
        doubles[word.lower()] = marks.strip()
    return doubles


def _tsv_rows(text: str | None, where: str) -> list[dict[str, str]]:
    """The rows of a TSV file under its header line, comment lines skipped; each row carries its
    line number in the file under the key "#line"."""
    if not text:
        return []
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if not line.startswith("#")]
    reader = csv.reader(
        io.StringIO("\n".join(line for _, line in numbered)), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    lines = iter(numbered)
    header: list[str] | None = None
    rows = []
    for values in reader:
        number, _ = next(lines)
        if header is None:
            header = [v.strip() for v in values]
            continue
        if not values:
            continue
        if len(values) != len(header):
            raise ConfigError(f"{where}: line {number} has {len(values)} columns, the header {len(header)}")
        row = {key: value.strip() for key, value in zip(header, values, strict=True)}
        row["#line"] = str(number)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Confusion:
    """One form of a lexicon entry: MT wrote `wrong` where the context calls for one of `alternatives`.

    A row of a confusions.tsv is an entry with all its forms ("accident|accidents"); each form is a
    Confusion of its own, with the alternatives of that form ("incidents|clashes").
    """

    wrong: str
    alternatives: tuple[str, ...]
    context: str  # name of a cue set ("" = always wrong)
    heading_only: bool
    severity: str
    category: str
    note: str
    example: str
    source_lang: str | None = None  # set for entries from a language-pair lexicon
    source_word: str = ""
    threshold: float = 0.0  # log-prob gain a model must see before the finding is confirmed
    cues: frozenset[str] = frozenset()  # the words of the `context` cue set
    lemma: str = ""  # the entry's first form: what the measured precision is kept under
    forms: tuple[str, ...] = ()  # every form of the entry
    quiet: str = ""  # a sentence where the word is right: the rule must stay quiet on it
    where: str = ""  # file:line of the entry
    precision: float | None = None  # measured on the dev gold corpus (tqcheck eval --lexicon-precision)
    measured: int = 0  # findings that measurement is over
    spaced: bool = True  # the target language separates words with spaces

    @property
    def demoted(self) -> bool:
        """Measured to be wrong more often than right: only a model's verdict may report it."""
        return (
            self.precision is not None
            and self.measured >= MEASURED_MIN_N
            and self.precision < MEASURED_MIN_PRECISION
            and not _IGNORE_MEASURED
        )

    @property
    def model_only(self) -> bool:
        return self.context == MODEL_CONTEXT or self.demoted

    @property
    def pattern(self) -> regex.Pattern[str]:
        return _word_pattern(self.wrong, self.spaced)


# Set while precision is being measured, so that a demoted entry is measured again as it stands.
_IGNORE_MEASURED = False


@cache
def _word_pattern(phrase: str, spaced: bool = True) -> regex.Pattern[str]:
    """Whole words, case-insensitively. Scripts written without spaces (Chinese) have no letter
    boundary to test; the rule checks their matches against the segmenter's word boundaries."""
    words = [regex.escape(w) for w in phrase.split()]
    body = r"\s+".join(words)
    if not spaced:
        return regex.compile(body)
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}\p{{N}}]){body}(?![\p{{L}}\p{{M}}\p{{N}}])", regex.IGNORECASE)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _confusions(
    rows: list[dict[str, str]],
    where: str,
    cues: dict[str, frozenset[str]],
    source_lang: str | None = None,
    spaced: bool = True,
) -> list[Confusion]:
    entries = []
    for row in rows:
        line = f"{where}:{row['#line']}"
        forms = _split(row.get("forms", row.get("wrong", "")))
        # Alternatives per form, ";"-separated in the order of the forms; one group serves every form.
        groups = [_split(group) for group in row.get("alternatives", "").split(";")]
        if not forms or not all(groups):
            raise ConfigError(f"{line}: an entry needs its forms and alternatives")
        if len(groups) not in (1, len(forms)):
            raise ConfigError(
                f"{line}: {len(forms)} forms but {len(groups)} ';'-separated alternative groups; give one or {len(forms)}"
            )
        context = row.get("context", "")
        # "model": the wrong form has a common right sense too, so only a model's verdict decides.
        if context and context != MODEL_CONTEXT and context not in cues:
            raise ConfigError(f"{line}: {forms[0]!r} names unknown cue set {context!r}")
        if (row.get("scope") or "any") not in ("any", "heading"):
            raise ConfigError(f"{line}: {forms[0]!r} has scope {row.get('scope')!r}; use any or heading")
        if "example" in row and row["example"].count("[[") != 1:
            raise ConfigError(f"{line}: {forms[0]!r}: the example must mark one span with [[...]]")
        quiet = row.get("quiet", "")
        if not quiet:
            raise ConfigError(f"{line}: {forms[0]!r} needs a 'quiet' sentence, where the word is right")
        try:
            threshold = float(row.get("threshold") or 0.0)
            precision = float(row["precision"]) if row.get("precision") else None
            measured = int(row.get("n") or 0)
        except ValueError as error:
            raise ConfigError(f"{line}: {forms[0]!r}: {error}") from None
        for index, form in enumerate(forms):
            entries.append(
                Confusion(
                    wrong=form,
                    alternatives=groups[index if len(groups) > 1 else 0],
                    context=context,
                    heading_only=row.get("scope") == "heading",
                    severity=row.get("severity") or "minor",
                    category=row.get("category") or "accuracy",
                    note=row.get("note", ""),
                    example=row.get("example", ""),
                    source_lang=source_lang,
                    source_word=row.get("source", ""),
                    threshold=threshold,
                    cues=cues.get(context, frozenset()),
                    lemma=forms[0],
                    forms=forms,
                    quiet=quiet,
                    where=line,
                    precision=precision,
                    measured=measured,
                    spaced=spaced,
                )
            )
    return entries


def check_duplicates(*tables: list[Confusion]) -> None:
    """The same form with the same context and scope twice, in one file or in two loaded together,
    is a ConfigError naming both places: which row wins would depend on the loading order."""
    seen: dict[tuple[str, str, bool], Confusion] = {}
    for table in tables:
        for entry in table:
            key = (entry.wrong.casefold(), entry.context, entry.heading_only)
            first = seen.setdefault(key, entry)
            if first is not entry:
                raise ConfigError(
                    f"{entry.where}: the entry {entry.wrong!r} (context {entry.context or '-'}) is already in {first.where}"
                )


def _cue_sets(*parts: str) -> dict[str, frozenset[str]]:
    table = _load_toml(*parts)
    for name, words in table.items():
        if not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
            raise ConfigError(f"cue set {name!r} must be a list of words", _where_of(*parts))
    return {name: frozenset(w.casefold() for w in words) for name, words in table.items()}


@dataclass
class LanguageData:
    lang: str
    locale: dict[str, Any]  # locale.toml as written (validated against `spec`'s schema)
    # Residue patterns as (source, flags): matched as one alternation (`joined_pattern`), which
    # loading compiles once to validate them, and one by one only beside other flags.
    residue_patterns: tuple[tuple[str, int], ...]
    inline_labels: list[regex.Pattern[str]]
    widget_words: frozenset[str]
    widget_connectors: frozenset[str]
    brands: frozenset[str]
    confusions: list[Confusion]
    cues: dict[str, frozenset[str]]
    doubles: dict[str, str]  # word -> marks one of which must open its clause ('' = anywhere)
    lm: dict[str, Any]  # model calibration (lm.toml)
    spec: Locale  # the typed locale, defaults filled in

    @property
    def scripts(self) -> list[str]:
        return list(self.spec.scripts)

    @property
    def cased(self) -> bool:
        return self.spec.cased

    @property
    def spaced(self) -> bool:
        return self.spec.spaced


def _parse_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: {error}") from error


def _load_toml(*parts: str) -> dict[str, Any]:
    text = _read(*parts)
    if text is None:
        return {}
    return _parse_toml(text, _where_of(*parts))


def _checked_keys(table: dict[str, Any], kinds: dict[str, type], where: str) -> dict[str, Any]:
    """A small TOML file's table, with an unknown key or a value of the wrong type as a ConfigError."""
    for key, value in table.items():
        if key not in kinds:
            raise ConfigError(f"unknown key {key!r}; known: {', '.join(kinds)}", where)
        if not isinstance(value, kinds[key]):
            raise ConfigError(f"{key!r} must be a {kinds[key].__name__}", where)
    return table


RESIDUE_KEYS = {"patterns": list, "inline_labels": list, "widget_words": list, "widget_connectors": list}
COMMON_RESIDUE_KEYS = {"patterns": list, "brands": list}
LM_KEYS = {"surprisal": dict}


RESIDUE_FLAGS = regex.IGNORECASE | regex.VERSION1


@lru_cache(maxsize=32)
def joined_pattern(patterns: tuple[str, ...], flags: int) -> regex.Pattern[str] | None:
    """Patterns as one alternation with their flags, compiled once per set; None where they cannot
    be joined (a pattern with global inline flags), to try them one by one."""
    try:
        return regex.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", flags)
    except regex.error:
        return None


def _residue_patterns(patterns: list[str], where: str) -> tuple[tuple[str, int], ...]:
    """The residue patterns, validated by compiling them joined, as matching will (the compiled
    alternation stays in `joined_pattern`'s cache); one by one only where that fails, to name the
    bad one. Compiling each as well cost about 40 ms per language at start-up."""
    sources = tuple(patterns)
    if joined_pattern(sources, RESIDUE_FLAGS) is None:
        _compile_patterns(patterns, where)  # a ConfigError naming the bad pattern, if one is
    return tuple((source, RESIDUE_FLAGS) for source in sources)


def _compile_patterns(patterns: list[str], where: str) -> list[regex.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(regex.compile(pattern, RESIDUE_FLAGS))
        except regex.error as error:
            raise ConfigError(f"{where}: bad pattern {pattern!r}: {error}") from error
    return compiled


def locale_of(lang: str) -> Locale:
    """A language's typed locale; a source-only language without a data folder gets the defaults
    (spaced words, spaCy's pipeline of that code)."""
    folder = language_folders().get(lang)
    if folder is None:
        return Locale(name=lang, scripts=[], cased=True)
    return _locale(folder, data_path_setting())


def language_data(lang: str) -> LanguageData:
    """Every data file of a target language, validated; an unknown language is a ConfigError."""
    return _language_data(lang, data_path_setting())


@cache
def _language_data(lang: str, setting: str) -> LanguageData:
    folders = language_folders()
    if lang not in folders:
        raise ConfigError(f"no data folder for language {lang!r}; known: {', '.join(folders)}")
    spec = _locale(folders[lang], setting)
    common = _checked_keys(
        _load_toml("common", "residue.toml"), COMMON_RESIDUE_KEYS, "data/common/residue.toml"
    )
    locale = _load_toml(lang, "locale.toml")
    residue = _checked_keys(_load_toml(lang, "residue.toml"), RESIDUE_KEYS, _where_of(lang, "residue.toml"))
    where = _where(folders[lang])
    patterns = _residue_patterns(list(residue.get("patterns", [])) + list(common.get("patterns", [])), where)
    inline_labels = _compile_patterns(list(residue.get("inline_labels", [])), where)
    widgets = frozenset(w.casefold() for w in residue.get("widget_words", []))
    connectors = frozenset(w.casefold() for w in residue.get("widget_connectors", []))
    brands = frozenset(w.casefold() for w in common.get("brands", []))
    cues = _cue_sets(lang, "cues.toml")
    table = _where_of(lang, "confusions.tsv")
    confusions = _confusions(_tsv_rows(_read(lang, "confusions.tsv"), table), table, cues, spaced=spec.spaced)
    check_duplicates(confusions)
    doubles = _doubles(_data_lines(_read(lang, "doubles.txt")))
    lm = _checked_keys(_load_toml(lang, "lm.toml"), LM_KEYS, _where_of(lang, "lm.toml"))
    return LanguageData(
        lang,
        locale,
        patterns,
        inline_labels,
        widgets,
        connectors,
        brands,
        confusions,
        cues,
        doubles,
        lm,
        spec,
    )


def name_table(lang: str, kind: str) -> dict[str, tuple[str, ...]]:
    """{id: the forms the language's news writes the thing in, most usual first} from
    <lang>/<kind>.tsv (`places`: towns, countries, seas; `bodies`: organisations and public
    bodies; `people`: people in the news, surname first), forms separated by `|`; {} without the file. An id or a form given twice is a
    ConfigError naming the file and line."""
    return _name_table(lang, kind, data_path_setting())


@cache
def _name_table(lang: str, kind: str, setting: str) -> dict[str, tuple[str, ...]]:
    key = NAME_TABLES[kind]
    where = _where_of(lang, f"{kind}.tsv")
    table: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}
    header = None
    # Read line by line rather than through `_tsv_rows`: every check reads all the languages'
    # tables (thousands of rows), and two plain columns need no CSV dialect.
    for number, line in enumerate((_read(lang, f"{kind}.tsv") or "").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        values = [value.strip() for value in line.split("\t")]
        if header is None:
            header = values
            if header != [key, "forms"]:
                raise ConfigError(f"{where}: the columns must be `{key}` and `forms`")
            continue
        if len(values) != 2:
            raise ConfigError(f"{where}: line {number} has {len(values)} columns, the header 2")
        name, forms = values[0], tuple(form.strip() for form in values[1].split("|"))
        if not name or not all(forms):
            raise ConfigError(f"{where}: line {number} has an empty {key} or form")
        if name in table:
            raise ConfigError(f"{where}: line {number}: {key} {name!r} is listed twice")
        for form in forms:
            if form in seen:
                raise ConfigError(f"{where}: line {number}: {form!r} is also a form of {seen[form]!r}")
            seen[form] = name
        table[name] = forms
    return table


def pair_confusions(source_lang: str, target_lang: str) -> list[Confusion]:
    """The confusion lexicon of a language pair (data/pairs/<src>-<tgt>/confusions.tsv).

    Its cue sets are the target language's, plus any the pair defines in its own cues.toml. An
    entry that the target language's lexicon already has is a ConfigError.
    """
    return _pair_confusions(source_lang, target_lang, data_path_setting())


@cache
def _pair_confusions(source_lang: str, target_lang: str, setting: str) -> list[Confusion]:
    pair = f"{source_lang}-{target_lang}"
    where = _where_of("pairs", pair, "confusions.tsv")
    target = language_data(target_lang)
    cues = {**target.cues, **_cue_sets("pairs", pair, "cues.toml")}
    rows = _tsv_rows(_read("pairs", pair, "confusions.tsv"), where)
    entries = _confusions(rows, where, cues, source_lang, spaced=target.spaced)
    check_duplicates(target.confusions, entries)
    return entries


def available_pairs() -> list[tuple[str, str]]:
    found = set()
    for root in data_roots():
        pairs_dir = root / "pairs"
        if not pairs_dir.is_dir():
            continue
        for node in pairs_dir.iterdir():
            if node.is_dir() and "-" in node.name:
                src, tgt = node.name.split("-", 1)
                found.add((src, tgt))
    return sorted(found)


def clear_caches() -> None:
    """Forget every loaded language (after the data files were rewritten)."""
    for function in (_roots, _languages, _locale, _language_data, _pair_confusions, _name_table, homoglyphs):
        function.cache_clear()


@cache
def homoglyphs() -> dict[str, dict[str, str]]:
    """Look-alike letters by the script they impersonate: {"Latin": {"а": "a", ...}, ...}."""
    table: dict[str, dict[str, str]] = {}
    for row in _tsv_rows(_read("common", "homoglyphs.tsv"), "data/common/homoglyphs.tsv"):
        table.setdefault(row["target_script"], {})[row["char"]] = row["replacement"]
    return table
