"""The converted model cache: verified by its manifest, rebuilt when damaged, a one-line error when
unusable, and its weights' digest in the run signature (issue 15). No real model is needed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

from tqcheck.engine import signature
from tqcheck.model_cache import MANIFEST, damage, weights_digest, write_manifest
from tqcheck.rules import BY_CODE


def fake_model(folder: Path, weights: bytes = b"weights" * 100) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text('{"model_type": "tiny"}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(weights)
    (folder / "tokenizer.json").write_text('{"version": "1.0"}', encoding="utf-8")
    write_manifest(folder)


def test_a_converted_cache_passes_and_a_damaged_one_is_named(tmp_path: Path) -> None:
    fake_model(tmp_path)
    assert damage(tmp_path) is None
    weights = tmp_path / "model.safetensors"
    os.utime(weights, ns=(1, 1))  # copied or touched: the hash is checked and still matches
    assert damage(tmp_path) is None
    weights.write_bytes(b"weights" * 50)  # truncated
    assert damage(tmp_path) == "model.safetensors has 350 bytes, not 700"
    weights.write_bytes(b"WEIGHTS" * 100)  # overwritten, same size
    assert damage(tmp_path) == "model.safetensors does not match its SHA-256"
    (tmp_path / "tokenizer.json").unlink()
    fake_model(tmp_path)
    (tmp_path / MANIFEST).unlink()
    assert damage(tmp_path) == f"{MANIFEST} is missing or unreadable"


def test_a_damaged_cache_is_rebuilt_saying_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    from tqcheck.lm import hf

    conversions: list[Path] = []

    def convert(target: Path) -> None:
        conversions.append(target)
        fake_model(target)

    monkeypatch.setenv("TQCHECK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(hf, "_convert_embedded", convert)
    target = hf.embedded_model_dir()
    assert len(conversions) == 1 and damage(target) is None
    assert hf.embedded_model_dir() == target and len(conversions) == 1  # a good cache is kept
    capsys.readouterr()
    (target / "tokenizer.json").write_text("{", encoding="utf-8")  # truncated
    assert hf.embedded_model_dir() == target and len(conversions) == 2
    assert damage(target) is None
    err = capsys.readouterr().err
    assert err == (
        f"tqcheck: the model cache {target} is damaged (tokenizer.json has 1 bytes, not 18); rebuilding it\n"
    )
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".damaged")] == []


def test_a_cache_that_is_a_file_is_a_one_line_error(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    cache = tmp_path / "cache"
    cache.write_text("not a folder", encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text("The port reopened on Monday.\n", encoding="utf-8")
    result = run_cli("check", str(article), "--lang", "en", env={"TQCHECK_CACHE": str(cache)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(cache) in lines[0] and "TQCHECK_CACHE" in lines[0], result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_cache_is_a_one_line_error(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    article = tmp_path / "article.txt"
    article.write_text("The port reopened on Monday.\n", encoding="utf-8")
    try:
        result = run_cli("check", str(article), "--lang", "en", env={"TQCHECK_CACHE": str(cache)})
    finally:
        cache.chmod(0o700)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(cache) in lines[0], result.stderr


def test_the_signature_changes_with_the_weights(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    fake_model(first)
    fake_model(second, b"random" * 100)
    rules = [BY_CODE["TQ202"]]
    one = signature(rules, "gemma", 0.9, weights_digest(first))
    other = signature(rules, "gemma", 0.9, weights_digest(second))
    assert one != other and f"model:gemma@{weights_digest(first)}|" in one
    assert len(weights_digest(first) or "") == 12
    assert signature(rules, None, 0.9) == signature(rules, None, 0.9, None)  # no model: as before
    assert "|model:none|" in signature(rules, None, 0.9)


def test_a_hub_id_without_network_fails_fast_in_one_line(tmp_path, monkeypatch) -> None:
    """`--model org/name` that is neither cached nor reachable: one line, in seconds, not a minute of
    retries."""
    import time

    pytest.importorskip("torch")
    from tqcheck.errors import ModelError
    from tqcheck.lm import hf

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty Hugging Face cache
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hf, "_hub_reachable", lambda endpoint, timeout=3.0: False)
    started = time.perf_counter()
    with pytest.raises(ModelError) as raised:
        hf.load("some-org/some-model", device="cpu")
    assert time.perf_counter() - started < 10
    message = str(raised.value)
    assert "some-org/some-model" in message and "cannot be reached" in message
    assert "\n" not in message


def test_the_hub_probe_answers_false_for_a_closed_port() -> None:
    from tqcheck.lm import hf

    # Port 9 (discard) on the loopback address: nothing listens there in a test sandbox.
    assert hf._hub_reachable("http://127.0.0.1:9", timeout=1.0) is False
