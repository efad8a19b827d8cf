"""A language is a data folder: one built in a temporary folder (no code change) is listed, checked
and detected; its data files are validated at load; lexicon entries are unique and measurable."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from tqcheck.errors import ConfigError

LOCALE = """# Italian conventions, a minimal language for the tests.
name = "Italian"
scripts = ["Latin"]
cased = true
quotes = [["«", "»"], ["“", "”"]]
decimal = ","
thousands = "."
"""
RESIDUE = """widget_words = ["condividi", "segui", "commenta"]
widget_connectors = ["su", "e", "ci"]
patterns = ['''leggi\\s+anche:?.*''']
"""
HEADER = (
    "forms\talternatives\tcontext\tscope\tseverity\tcategory\tthreshold\tnote\texample\tquiet\tprecision\tn\n"
)
ENTRY = (
    "libreria nazionale|librerie nazionali\tbiblioteca nazionale ; biblioteche nazionali\t\tany\tminor\taccuracy"
    "\t0.0\tA «libreria» is a bookshop.\tI manoscritti sono alla [[libreria nazionale]] di Baghdad."
    "\tLa biblioteca nazionale ha riaperto lunedì dopo i lavori.\t\t\n"
)
ARTICLE = """Sciopero al porto di Genova

I manoscritti antichi sono stati trasferiti alla libreria nazionale di Baghdad dopo la guerra, ha detto il direttore.

Il sindacato ha detto che lo sciopero continuerà fino a venerdì, e il il governo non ha ancora risposto alle richieste dei lavoratori del porto.

Il ministro ha parlato di una "crisi grave" durante la conferenza stampa di martedì a Roma.

Condividi su Facebook
"""


def make_language(root: Path, locale: str = LOCALE, entries: str = ENTRY) -> Path:
    folder = root / "it"
    folder.mkdir(parents=True)
    (folder / "locale.toml").write_text(locale, encoding="utf-8")
    (folder / "residue.toml").write_text(RESIDUE, encoding="utf-8")
    (folder / "confusions.tsv").write_text(HEADER + entries, encoding="utf-8")
    return folder


@pytest.fixture
def italian(tmp_path: Path) -> dict[str, str]:
    make_language(tmp_path / "data")
    (tmp_path / "articolo.txt").write_text(ARTICLE, encoding="utf-8")
    return {"TQCHECK_DATA_PATH": str(tmp_path / "data")}


def findings(result) -> dict[str, list[str]]:
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)["files"][0]
    found: dict[str, list[str]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["rule"], []).append(finding["text"])
    return found


@pytest.mark.parametrize("how", ["--lang it", "detected"])
def test_a_language_from_a_data_folder_checks_an_article(
    italian: dict[str, str], tmp_path: Path, how: str
) -> None:
    lang = ["--lang", "it"] if how != "detected" else []
    result = run_cli(
        "check", str(tmp_path / "articolo.txt"), "--no-lm", "--format", "json", *lang, env=italian
    )
    assert json.loads(result.stdout)["files"][0]["lang"] == "it"
    found = findings(result)
    assert found.get("TQ301") == ["libreria nazionale"]  # the lexicon entry
    assert found.get("TQ202") == ["il il"]  # the repeated word
    assert found.get("TQ101") == ["Condividi su Facebook"]  # the share widget
    assert any("crisi grave" in text for text in found.get("TQ504", [])), found  # "…" where «…» is the style


def test_the_new_language_is_listed(italian: dict[str, str]) -> None:
    result = run_cli("languages", "--format", "json", env=italian)
    assert result.returncode == 0, result.stderr
    assert {"code": "it", "name": "Italian"}.items() <= next(
        r for r in json.loads(result.stdout) if r["code"] == "it"
    ).items()
    rules = run_cli("rules", env=italian)
    # TQ502 runs in the languages written with spaces: Italian now, not Chinese.
    row = next(line for line in rules.stdout.splitlines() if line.startswith("TQ502"))
    assert " it " in f"{row} " and " zh " not in f"{row} "
    assert "it" not in run_cli("languages").stdout.split()  # only while its folder is on the path


def test_without_the_data_folder_italian_is_refused(tmp_path: Path) -> None:
    (tmp_path / "articolo.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_cli("check", str(tmp_path / "articolo.txt"), "--no-lm", "--lang", "it")
    assert result.returncode == 2 and "unknown language 'it'" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("quotes =", "quotse ="), "unknown key 'quotse'"),
        (("cased = true", 'cased = "yes"'), "'cased' must be bool"),
        (('name = "Italian"\n', ""), "missing required key 'name'"),
        (("scripts", "direction = 'sideways'\nscripts"), "'direction' must be 'ltr' or 'rtl'"),
        (("scripts", "final_letter_variants = [['ة', 'هه']]\nscripts"), "a pair of single letters"),
    ],
)
def test_a_bad_locale_is_a_one_line_error(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    make_language(tmp_path / "data", LOCALE.replace(*change))
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    env = {"TQCHECK_DATA_PATH": str(tmp_path / "data")}
    result = run_cli("check", str(tmp_path / "a.txt"), "--no-lm", "--lang", "en", env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "it/locale.toml" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def check_article_in_italian(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`tqcheck check` of ARTICLE with --lang it, the language read from tmp_path/data."""
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return run_cli(
        "check",
        str(tmp_path / "a.txt"),
        "--no-lm",
        "--lang",
        "it",
        env={"TQCHECK_DATA_PATH": str(tmp_path / "data")},
    )


def test_an_unknown_residue_key_is_an_error(tmp_path: Path) -> None:
    folder = make_language(tmp_path / "data")
    (folder / "residue.toml").write_text(RESIDUE + 'widget_word = ["x"]\n', encoding="utf-8")
    result = check_article_in_italian(tmp_path)
    assert (
        result.returncode == 2
        and "unknown key 'widget_word'" in result.stderr
        and "residue.toml" in result.stderr
    )


def test_a_bad_residue_pattern_is_named_in_a_one_line_error(tmp_path: Path) -> None:
    # The patterns are validated by compiling them joined; the bad one is still named.
    folder = make_language(tmp_path / "data")
    broken = RESIDUE.replace("patterns = [", "patterns = ['''segui(noi''', ")
    (folder / "residue.toml").write_text(broken, encoding="utf-8")
    result = check_article_in_italian(tmp_path)
    assert result.returncode == 2 and "bad pattern 'segui(noi'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_same_entry_twice_in_one_file_names_both_lines(tmp_path: Path) -> None:
    again = (
        ENTRY.replace("libreria nazionale|librerie nazionali", "librerie nazionali")
        .replace(" ; biblioteche nazionali", "")
        .replace("biblioteca nazionale\t", "biblioteche nazionali\t", 1)
        .replace("[[libreria nazionale]]", "[[librerie nazionali]]")
    )
    make_language(tmp_path / "data", entries=ENTRY + again)
    result = check_article_in_italian(tmp_path)
    assert result.returncode == 2, result.stderr
    assert "it/confusions.tsv:3" in result.stderr and "it/confusions.tsv:2" in result.stderr, result.stderr
    assert "'librerie nazionali'" in result.stderr


def test_a_pair_entry_that_repeats_the_target_language_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tqcheck.resources import pair_confusions

    make_language(tmp_path / "data")
    pair = tmp_path / "data" / "pairs" / "en-it"
    pair.mkdir(parents=True)
    row = ENTRY.replace("\tA «libreria»", "\tlibrary\tA «libreria»").replace(
        "libreria nazionale|librerie nazionali", "Librerie nazionali"
    )
    row = row.replace("biblioteca nazionale ; ", "").replace(
        "[[libreria nazionale]]", "[[librerie nazionali]]"
    )
    (pair / "confusions.tsv").write_text(
        HEADER.replace("threshold\t", "threshold\tsource\t") + row, encoding="utf-8"
    )
    monkeypatch.setenv("TQCHECK_DATA_PATH", str(tmp_path / "data"))
    with pytest.raises(ConfigError) as error:
        pair_confusions("en", "it")
    message = str(error.value)
    assert "pairs/en-it/confusions.tsv:2" in message and "it/confusions.tsv:2" in message, message


def test_forms_and_alternatives_line_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck.resources import language_data

    make_language(tmp_path / "data")
    monkeypatch.setenv("TQCHECK_DATA_PATH", str(tmp_path / "data"))
    forms = {entry.wrong: entry.alternatives for entry in language_data("it").confusions}
    assert forms == {
        "libreria nazionale": ("biblioteca nazionale",),
        "librerie nazionali": ("biblioteche nazionali",),
    }
    make_language(tmp_path / "other", entries=ENTRY.replace(" ; biblioteche nazionali", " ; a ; b"))
    monkeypatch.setenv("TQCHECK_DATA_PATH", str(tmp_path / "other"))
    with pytest.raises(ConfigError, match="2 forms but 3"):
        language_data("it")


def test_every_entry_needs_a_quiet_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck.resources import language_data

    make_language(
        tmp_path / "data",
        entries=ENTRY.replace("La biblioteca nazionale ha riaperto lunedì dopo i lavori.", ""),
    )
    monkeypatch.setenv("TQCHECK_DATA_PATH", str(tmp_path / "data"))
    with pytest.raises(ConfigError, match="needs a 'quiet' sentence"):
        language_data("it")


def _gold(tmp_path: Path, folder: str = "gold") -> Path:
    """Two records with the entry: the first marks it as an error, the second does not."""
    text = "I manoscritti sono stati trasferiti alla libreria nazionale di Baghdad."
    start = text.index("libreria nazionale")
    records = [
        {
            "id": "a",
            "lang": "it",
            "text": text,
            "spans": [{"start": start, "end": start + 18, "category": "accuracy"}],
        },
        {"id": "b", "lang": "it", "text": text.replace("Baghdad", "Roma"), "spans": [], "clean": True},
    ]
    path = tmp_path / folder / "gold.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_lexicon_precision_is_measured_into_its_column(tmp_path: Path) -> None:
    folder = make_language(tmp_path / "data")
    before = (folder / "confusions.tsv").read_text(encoding="utf-8")
    env = {"TQCHECK_DATA_PATH": str(tmp_path / "data")}
    result = run_cli(
        "eval", str(_gold(tmp_path)), "--no-lm", "--lexicon-precision", "--format", "json", env=env
    )
    assert result.returncode == 0, result.stderr
    (measured,) = json.loads(result.stdout)["entries"]
    assert (measured["lemma"], measured["n"], measured["precision"]) == ("libreria nazionale", 2, 0.5)
    after = (folder / "confusions.tsv").read_text(encoding="utf-8")
    # Only the precision and n cells of the entry's row change.
    assert after == before.replace("\t\t\n", "\t0.50\t2\n")


def test_an_entry_measured_as_mostly_wrong_stays_quiet_without_a_model(tmp_path: Path) -> None:
    make_language(tmp_path / "data", entries=ENTRY.replace("\t\t\n", "\t0.20\t10\n"))
    (tmp_path / "articolo.txt").write_text(ARTICLE, encoding="utf-8")
    env = {"TQCHECK_DATA_PATH": str(tmp_path / "data")}
    found = findings(
        run_cli(
            "check", str(tmp_path / "articolo.txt"), "--no-lm", "--format", "json", "--lang", "it", env=env
        )
    )
    assert "TQ301" not in found and found.get("TQ202") == ["il il"]


def test_lexicon_precision_refuses_the_held_out_corpus(tmp_path: Path) -> None:
    make_language(tmp_path / "data")
    gold = _gold(tmp_path, "corpora/test")
    env = {"TQCHECK_DATA_PATH": str(tmp_path / "data")}
    result = run_cli("eval", str(gold), "--no-lm", "--lexicon-precision", env=env)
    assert result.returncode == 2 and "never on corpora/test" in result.stderr, result.stderr


PLACES = "# Italian place names, for the tests.\nplace\tforms\nmoscow\tMosca\nmunich\tMonaco di Baviera\n"


def test_a_new_languages_place_names_meet_the_other_languages_forms(tmp_path: Path) -> None:
    folder = make_language(tmp_path / "data")
    (folder / "places.tsv").write_text(PLACES, encoding="utf-8")
    (tmp_path / "a.txt").write_text(
        "La delegazione è arrivata a Mosca martedì. Da Moscow partirà per Minsk. "
        "A Monaco di Baviera il sindaco ha parlato ai giornalisti.\n",
        encoding="utf-8",
    )
    result = run_cli(
        "check",
        str(tmp_path / "a.txt"),
        "--no-lm",
        "--format",
        "json",
        "--lang",
        "it",
        env={"TQCHECK_DATA_PATH": str(tmp_path / "data")},
    )
    # The English form comes from en/places.tsv: no Italian file lists "Moscow".
    assert findings(result).get("TQ603") == ["Moscow"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("moscow\tMosca\nmoscow\tMosca\n", "it/places.tsv: line 4: place 'moscow' is listed twice"),
        ("moscow\tMosca\nrome\tMosca\n", "it/places.tsv: line 4: 'Mosca' is also a form of 'moscow'"),
        ("moscow\tMosca | \n", "it/places.tsv: line 3 has an empty place or form"),
    ],
)
def test_a_bad_place_table_is_a_one_line_error(tmp_path: Path, rows: str, message: str) -> None:
    folder = make_language(tmp_path / "data")
    (folder / "places.tsv").write_text("# test\nplace\tforms\n" + rows, encoding="utf-8")
    result = check_article_in_italian(tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("kind", ["places", "bodies", "people"])
def test_every_shipped_language_lists_the_same_places_and_bodies(kind: str) -> None:
    """The ids tie one language's name to another's: an id missing from one file would leave that
    language's articles unchecked for it, and an id only one file has ties nothing."""
    from tqcheck.resources import language_folders, name_table

    ids = {lang: set(name_table(lang, kind)) for lang in language_folders()}
    assert all(ids.values()), ids.keys()
    first = next(iter(ids.values()))
    assert {lang: len(found ^ first) for lang, found in ids.items()} == dict.fromkeys(ids, 0)
