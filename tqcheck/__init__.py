"""tqcheck: a multilingual translation-quality checker for machine-translated articles."""

__version__ = "0.1.0"
# Version of the JSON report's shape; bumped on any incompatible change (see README, "JSON output").
JSON_SCHEMA_VERSION = 1
