"""The layering that docs/architecture.md describes holds in the code: lower layers never import
upper ones, and torch/transformers are imported by the transformers backend alone."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tqcheck"
UPPER = ("tqcheck.cli", "tqcheck.runner", "tqcheck.engine")
HEAVY = ("torch", "transformers")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(*parts: str) -> list[Path]:
    found: list[Path] = []
    for part in parts:
        target = PACKAGE / part
        found.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return found


def test_rules_and_lower_layers_never_import_the_engine_runner_or_cli() -> None:
    lower = modules(
        "rules", "document", "findings.py", "context.py", "rule.py", "ranking.py", "model_view.py"
    )
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(n for n in imports_of(path) if n.startswith(UPPER))
        for path in lower
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_document_findings_and_context_never_import_rules() -> None:
    for path in modules("document", "findings.py", "context.py"):
        assert not any(n.startswith("tqcheck.rules") for n in imports_of(path)), path


def test_only_the_transformers_backend_imports_torch() -> None:
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in modules(".")
        if any(n.split(".")[0] in HEAVY for n in imports_of(path))
    )
    assert users == ["lm/hf.py"]
