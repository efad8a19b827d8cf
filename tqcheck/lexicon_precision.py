"""Measured precision of the lexicon entries (`tqcheck eval GOLD --lexicon-precision`).

Every entry's findings on a gold corpus are counted, and those that overlap a gold span; the
share is written into the `precision` and `n` columns of the entry's row in its confusions.tsv,
and nothing else in the file changes. The loader demotes an entry measured below
MEASURED_MIN_PRECISION on at least MEASURED_MIN_N findings to model-only (tqcheck.resources).
Measure on the dev corpus only: the held-out test corpus is refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tqcheck import resources
from tqcheck.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tqcheck.config import Settings
    from tqcheck.evaluate import GoldRecord
    from tqcheck.lm import Scorer

RULE = "TQ301"  # literal-sense, the rule that reports lexicon entries


@dataclass
class Measured:
    where: str  # file:line of the entry
    lemma: str
    n: int = 0
    hits: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.n if self.n else None


def refuse_held_out(gold: Path) -> None:
    """The held-out test corpus is never used to tune anything, lexicon severities included."""
    parts = gold.resolve().parts
    if "test" in parts and "corpora" in parts:
        raise ConfigError("lexicon precision is measured on the dev corpus, never on corpora/test", str(gold))


@contextmanager
def _measuring() -> Iterator[None]:
    """Entries demoted by an earlier measurement report again while they are measured."""
    resources._IGNORE_MEASURED = True
    try:
        yield
    finally:
        resources._IGNORE_MEASURED = False


def measure(
    records: Iterable[GoldRecord], settings: Settings, scorer: Scorer | None = None
) -> list[Measured]:
    """Findings and gold-overlapping findings of every lexicon entry of the records' languages."""
    from dataclasses import replace

    from tqcheck.evaluate import _overlaps, check_record
    from tqcheck.runner import with_progress

    records = list(records)
    table: dict[str, Measured] = {}
    forms: dict[tuple[str, str | None], list[resources.Confusion]] = defaultdict(list)

    def entries(lang: str, source: str | None) -> None:
        lexicon = (
            resources.pair_confusions(source, lang) if source else resources.language_data(lang).confusions
        )
        for entry in lexicon:
            table.setdefault(entry.where, Measured(entry.where, entry.lemma))
            forms[(entry.wrong, f"{source}-{lang}" if source else None)].append(entry)

    settings = replace(settings, select=(RULE,))
    with _measuring():
        for record in records:
            entries(record.lang, None)
            if record.source_lang and (record.source_lang, record.lang) in resources.available_pairs():
                entries(record.lang, record.source_lang)
        for record in with_progress(iter(records), len(records), None, "measuring lexicon precision"):
            for finding in check_record(record, settings, scorer):
                if finding.rule != RULE or finding.evidence is None or not finding.evidence.entry:
                    continue
                matched = forms.get((finding.evidence.entry, finding.evidence.pair))
                if not matched:
                    continue
                counts = table[matched[0].where]
                counts.n += 1
                counts.hits += any(
                    _overlaps(finding.start, finding.end, g["start"], g["end"]) for g in record.spans
                )
    return sorted(table.values(), key=lambda m: m.where)


def write(measured: list[Measured]) -> list[Path]:
    """Rewrite the `precision` and `n` cells of the measured rows; returns the files changed."""
    by_file: dict[str, dict[int, Measured]] = defaultdict(dict)
    for item in measured:
        name, _, line = item.where.rpartition(":")
        by_file[name][int(line)] = item
    changed = []
    for name, rows in sorted(by_file.items()):
        path = _path_of(name)
        lines = path.read_text(encoding="utf-8").split("\n")
        header: list[str] | None = None
        for index, line in enumerate(lines, start=1):
            if line.startswith("#") or not line.strip():
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if "precision" not in header or "n" not in header:
                    raise ConfigError("no 'precision' and 'n' columns to write the measurement in", name)
                continue
            item = rows.get(index)
            if item is None:
                continue
            precision = item.precision
            cells[header.index("precision")] = "" if precision is None else f"{precision:.2f}"
            cells[header.index("n")] = str(item.n)
            lines[index - 1] = "\t".join(cells)
        text = "\n".join(lines)
        if text != path.read_text(encoding="utf-8"):
            try:
                path.write_text(text, encoding="utf-8")
            except OSError as error:
                raise ConfigError(f"cannot write the measured precision: {error.strerror}", name) from None
            changed.append(path)
    resources.clear_caches()
    return changed


def _path_of(where: str) -> Path:
    """The file a data file name (data/fr/confusions.tsv, or a TQCHECK_DATA_PATH path) stands for."""
    if where.startswith("data/"):
        return Path(str(resources.DATA.joinpath(*where.split("/")[1:])))
    return Path(where)
