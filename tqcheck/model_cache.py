"""The converted model's manifest: each file's size and SHA-256, written when the cache is built.

A cache whose files exist is not yet a good cache: a truncated or overwritten model.safetensors
or tokenizer.json would fail on every run. Sizes and modification times are compared on each
start (cheap); a file whose time moved (a copy, a touch) is hashed again and kept if its hash
still matches. The manifest's digest of the weights goes into the run signature.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from tqcheck.errors import ModelError

MANIFEST = "tqcheck-manifest.json"
WEIGHTS = "model.safetensors"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path) -> dict[str, Any]:
    """Record every file of `folder` (size, mtime_ns, sha256) in its manifest."""
    files = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST):
        status = path.stat()
        files[path.name] = {"size": status.st_size, "mtime_ns": status.st_mtime_ns, "sha256": _sha256(path)}
    manifest = {"version": 1, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) else None


def damage(folder: Path) -> str | None:
    """Why the cache in `folder` cannot be trusted, or None when every file is as converted."""
    manifest = read_manifest(folder)
    if manifest is None:
        return f"{MANIFEST} is missing or unreadable"
    if WEIGHTS not in manifest["files"]:
        return f"{MANIFEST} lists no {WEIGHTS}"
    for name, expected in sorted(manifest["files"].items()):
        path = folder / name
        try:
            status = path.stat()
        except OSError:
            return f"{name} is missing"
        if status.st_size != expected.get("size"):
            return f"{name} has {status.st_size} bytes, not {expected.get('size')}"
        if status.st_mtime_ns != expected.get("mtime_ns"):
            try:
                if _sha256(path) != expected.get("sha256"):
                    return f"{name} does not match its SHA-256"
            except OSError:
                return f"{name} cannot be read"
    return None


def weights_digest(folder: Path) -> str | None:
    """The first 12 hex digits of the weights' SHA-256, from the manifest (no hashing here)."""
    manifest = read_manifest(folder)
    entry = (manifest or {}).get("files", {}).get(WEIGHTS) or {}
    digest = entry.get("sha256")
    return digest[:12] if isinstance(digest, str) else None


def usable_cache(cache: Path) -> None:
    """Raise a one-line ModelError when the cache folder cannot hold a converted model."""
    models = cache / "models"
    try:
        models.mkdir(parents=True, exist_ok=True)
        probe = models / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ModelError(
            f"cannot use the model cache {cache}: {reason} (set TQCHECK_CACHE to a writable folder)"
        ) from error
