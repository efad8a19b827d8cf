"""tqcheck: a multilingual translation-quality checker for machine-translated articles.

`tqcheck.check(text, lang=...)` and `tqcheck.fix(text, ...)` are the Python API (tqcheck/api.py);
they are imported on first use, so `import tqcheck` stays light (no spaCy, no torch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
# Version of the JSON report's shape; bumped on any incompatible change (see README, "JSON output").
JSON_SCHEMA_VERSION = 1
# Where tqcheck is hosted, written here alone: SARIF's informationUri, the rules' help URLs
# (PROJECT_URL/blob/main/docs/rules.md#tq201) and the language server's code links derive from it.
PROJECT_URL = "https://github.com/tqcheck/tqcheck"

if TYPE_CHECKING:
    from tqcheck.api import CheckResult, FixResult, check, fix, load_model

_API = ("CheckResult", "FixResult", "check", "fix", "load_model")


def __getattr__(name: str) -> Any:
    if name in _API:
        from tqcheck import api

        return getattr(api, name)
    raise AttributeError(f"module 'tqcheck' has no attribute {name!r}")


__all__ = [
    "JSON_SCHEMA_VERSION",
    "PROJECT_URL",
    "CheckResult",
    "FixResult",
    "__version__",
    "check",
    "fix",
    "load_model",
]
