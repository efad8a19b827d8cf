"""The published JSON Schemas (issue 12): docs/schema/ and `tqcheck schema` agree, real output and
real configurations validate, and every field the output writes is documented."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from conftest import CORPORA, ROOT, run_cli

from tqcheck.config import FILE_KEYS
from tqcheck.findings import Evidence

DOCS = ROOT / "docs" / "schema"


def schema(name: str) -> dict:
    result = run_cli("schema", name)
    assert result.returncode == 0
    assert result.stdout == (DOCS / f"{name}.schema.json").read_text(
        encoding="utf-8"
    )  # one schema, published
    validator = jsonschema.Draft202012Validator
    validator.check_schema(json.loads(result.stdout))
    return json.loads(result.stdout)


def undocumented(value: object, node: dict, defs: dict, where: str = "") -> list[str]:
    """Keys the output writes that the schema does not name (additionalProperties allows them)."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    found: list[str] = []
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, item in value.items():
            if key not in properties:
                found.append(f"{where}.{key}")
            else:
                found += undocumented(item, properties[key], defs, f"{where}.{key}")
    elif isinstance(value, list) and "items" in node:
        for item in value:
            found += undocumented(item, node["items"], defs, where + "[]")
    return found


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    folder = tmp_path_factory.mktemp("site")
    (folder / "page.md").write_text(
        "# talks *resume*\n\nOfficials said the the talks resume.\n\n<a href='x'>Leave</a> a Reply\n",
        encoding="utf-8",
    )
    record = {"id": "r1", "lang": "en", "text": "Talks resume\n\nOfficials said the the talks resume.\n"}
    (folder / "batch.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    runs = [
        (
            "check",
            str(CORPORA / "dev" / "en"),
            "--source-pattern",
            "{stem}.src.{lang}{suffix}",
            "--select",
            "ALL",
        ),
        ("check", str(folder / "batch.jsonl")),
        ("check", str(folder)),
    ]
    return [json.loads(run_cli(*args, "--no-lm", "-f", "json", "-q").stdout) for args in runs]


def test_real_json_output_validates_and_every_field_is_documented(outputs: list[dict]) -> None:
    output_schema = schema("output")
    for document in outputs:
        jsonschema.validate(document, output_schema, cls=jsonschema.Draft202012Validator)
        assert not undocumented(document, output_schema, output_schema["$defs"])
    findings = [f for d in outputs for entry in d["files"] for f in entry["findings"]]
    # what the runs covered: sources, JSONL ids, display-only suggestions, evidence
    assert any("source" in entry for d in outputs for entry in d["files"])
    assert any("id" in entry for d in outputs for entry in d["files"])
    assert any(s["applicability"] == "display-only" for f in findings for s in f["suggestions"])
    assert any("evidence" in f for f in findings)
    evidence = output_schema["$defs"]["finding"]["properties"]["evidence"]["properties"]
    assert set(evidence) == set(Evidence.__slots__)


def test_the_schema_rejects_what_the_contract_forbids() -> None:
    output_schema = schema("output")
    bad = {
        "tqcheck": "0.1.0",
        "schema": 1,
        "signature": "x",
        "files": [
            {
                "path": "a",
                "lang": "en",
                "words": 3,
                "score": 90.0,
                "findings": [
                    {
                        "rule": "TQ1",
                        "name": "x",
                        "category": "grammar",
                        "severity": "minor",
                        "message": "",
                        "start": 0,
                        "end": 1,
                        "line": 1,
                        "column": 1,
                        "text": "a",
                        "suggestions": [],
                    }
                ],
            }
        ],
    }
    errors = sorted(e.json_path for e in jsonschema.Draft202012Validator(output_schema).iter_errors(bad))
    assert errors == ["$.files[0].findings[0].category", "$.files[0].findings[0].rule"]


def test_config_schema_matches_the_keys_tqcheck_reads(tmp_path: Path) -> None:
    config_schema = schema("config")
    assert set(config_schema["properties"]) == set(FILE_KEYS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n[tool.tqcheck]\n", 1)[1].split("```", 1)[0]
    table = tomllib.loads(example)
    jsonschema.validate(table, config_schema, cls=jsonschema.Draft202012Validator)
    # what the schema rejects, tqcheck rejects too (one line, exit 2)
    article = tmp_path / "a.txt"
    article.write_text("Talks resume.\n", encoding="utf-8")
    for key, value in (("batch-size", '"8"'), ("colour", '"red"'), ("fail-on", '"sometimes"')):
        bad = {**table, key: tomllib.loads(f"v = {value}")["v"]}
        assert not jsonschema.Draft202012Validator(config_schema).is_valid(bad), key
        (tmp_path / "tqcheck.toml").write_text(f"{key} = {value}\n", encoding="utf-8")
        result = run_cli("check", str(article), "--no-lm")
        assert result.returncode == 2 and key in result.stderr, key
