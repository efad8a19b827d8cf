"""The scorer's answer cache (tqcheck/lm/cache.py): a question asked again is answered without the
model and with the very same numbers, so findings, fixes and JSON do not depend on the cache.

On the tiny Gemma 3 model of test_lm_plumbing (built in the test, no download).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from test_lm_plumbing import CORPUS, build_model  # noqa: E402

import tqcheck  # noqa: E402
from tqcheck.lm import CandidateRequest  # noqa: E402
from tqcheck.lm import hf as backend  # noqa: E402
from tqcheck.lm.cache import AnswerCache  # noqa: E402

ARTICLE = (
    "Port strike ends\n\n"
    "The port reopened on Tuesday after a three-week strike. Officials said the the talks would "
    "resume on Monday in Geneva. The minister announced new measures for the fishing fleet.\n\n"
    "The the union voted to return to work. Le port a rouvert mardi après trois semaines de grève.\n"
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("gemma3"), "gemma3")


def load(model_dir: Path, cached: bool = True):
    scorer = backend.load(str(model_dir), device="cpu", precision="float32", batch_size=4)
    if not cached:
        scorer.cache = AnswerCache(limit=0)
    return scorer


class Spy:
    """Counts the calls that reach the model (the scorer's uncached methods)."""

    NAMES = ("_score_texts", "_token_features", "_score_candidates", "_propose")

    def __init__(self, scorer, monkeypatch) -> None:
        self.calls: dict[str, int] = dict.fromkeys(self.NAMES, 0)
        for name in self.NAMES:
            original = getattr(scorer, name)

            def counted(*args, _name=name, _original=original, **kwargs):
                self.calls[_name] += 1
                return _original(*args, **kwargs)

            monkeypatch.setattr(scorer, name, counted)

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def as_json(findings) -> str:
    return json.dumps([dataclasses.asdict(f) for f in findings], default=str, ensure_ascii=False)


def test_lru_keeps_the_recent_answers_within_its_bounds() -> None:
    cache = AnswerCache(limit=2)
    computed: list[str] = []

    def answer(key: str) -> str:
        return cache.get_or_compute(key, lambda: computed.append(key) or key.upper())

    assert [answer("a"), answer("b"), answer("a"), answer("c"), answer("a"), answer("b")] == list("ABACAB")
    # "b" was the least recently used when "c" came, so only it had to be computed again.
    assert computed == ["a", "b", "c", "b"]
    assert len(cache) == 2
    off = AnswerCache(limit=0)
    assert (
        [off.get_or_compute("k", lambda: 1) for _ in range(2)] == [1, 1] and len(off) == 0 and off.misses == 2
    )


def test_the_size_bound_drops_old_answers() -> None:
    class Scores:
        def __init__(self, tokens: int) -> None:
            self.spans = [(0, 1)] * tokens
            self.states = None

    cache = AnswerCache(limit=100, max_bytes=10_000)
    for key in range(5):
        cache.get_or_compute(key, lambda: Scores(100))  # about 4 KB each
    assert 1 <= len(cache) <= 2
    cache.get_or_compute("huge", lambda: Scores(1_000))  # larger than the whole bound: not kept
    assert "huge" not in cache._items


def test_a_repeated_call_reaches_the_model_once_with_the_same_numbers(model_dir, monkeypatch) -> None:
    scorer = load(model_dir)
    reference = load(model_dir, cached=False)
    spy = Spy(scorer, monkeypatch)
    text = " ".join(CORPUS[:4])
    request = CandidateRequest("Officials said the talks would ", "resume", " on Monday.", ("restart", "end"))
    for _ in range(2):
        features = scorer.token_features([text], [1, 2])[0]
        scores = scorer.score_texts([text])[0]
        gains = scorer.score_candidates([request])[0]
        # propose reads only the left context: another right context is the same question.
        words = scorer.propose("The port reopened on ", " after the strike.", count=3)
        assert scorer.propose("The port reopened on ", " in May.", count=3) == words
    assert spy.calls == dict.fromkeys(Spy.NAMES, 1)
    fresh = reference.token_features([text], [1, 2])[0]
    assert features.logprobs == fresh.logprobs and features.entropy == fresh.entropy
    assert features.rank == fresh.rank and (features.states == fresh.states).all()
    assert scores.logprobs == reference.score_texts([text])[0].logprobs
    assert gains == reference.score_candidates([request])[0]
    assert words == reference.propose("The port reopened on ", " after the strike.", count=3)


def test_a_changed_question_is_computed_again(model_dir, monkeypatch) -> None:
    scorer = load(model_dir)
    spy = Spy(scorer, monkeypatch)
    scorer.token_features(["The port reopened."], [1])
    scorer.token_features(["The port reopened."], [2])  # other layers
    scorer.token_features(["The port reopened."], [1], project=False)
    scorer.token_features(["The port reopened."], [1], prefixes=["Le port a rouvert."])
    scorer.token_features(["The port closed."], [1])
    assert spy.calls["_token_features"] == 5
    monkeypatch.setattr(backend, "WINDOW", 8)  # other windows, other numbers
    scorer.score_texts(["The port reopened."])
    scorer.score_texts(["The port reopened."])
    assert spy.calls["_score_texts"] == 1


def test_checks_give_the_same_findings_with_and_without_the_cache(model_dir, monkeypatch) -> None:
    cached, uncached = load(model_dir), load(model_dir, cached=False)
    spy = Spy(cached, monkeypatch)
    first = tqcheck.check(ARTICLE, "en", model=cached)
    asked = spy.total
    assert asked >= 1  # the model was used
    again = tqcheck.check(ARTICLE, "en", model=cached)
    assert spy.total == asked  # a warm re-check of the same text needs no model call
    plain = tqcheck.check(ARTICLE, "en", model=uncached)
    assert as_json(first.findings) == as_json(again.findings) == as_json(plain.findings)
    assert first.quality == again.quality == plain.quality


def test_fix_gives_the_same_result_with_and_without_the_cache(model_dir, monkeypatch) -> None:
    cached, uncached = load(model_dir), load(model_dir, cached=False)
    spy = Spy(cached, monkeypatch)
    fixed = tqcheck.fix(ARTICLE, "en", model=cached, unsafe=True)
    plain = tqcheck.fix(ARTICLE, "en", model=uncached, unsafe=True)
    assert fixed.changed and "the the" not in fixed.text.lower()
    assert fixed.text == plain.text and as_json(fixed.applied) == as_json(plain.applied)
    # After the fix, checking its result again asks the model nothing new: fix's last pass asked it.
    before = spy.total
    tqcheck.check(fixed.text, "en", model=cached)
    assert spy.total == before


def test_the_embedded_tokenizer_wrapper_matches_transformers(model_dir) -> None:
    """EmbeddedTokenizer (the embedded model's tokenizer without transformers' wrapper) gives the
    ids, offsets, pieces and decoded text of PreTrainedTokenizerFast on the same tokenizer.json."""
    from transformers import PreTrainedTokenizerFast

    specials = {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>"}
    wrapped = PreTrainedTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json"), **specials)
    bare = backend.EmbeddedTokenizer(model_dir / "tokenizer.json", specials)
    assert (bare.bos_token_id, bare.eos_token_id, bare.pad_token_id) == (
        wrapped.bos_token_id,
        wrapped.eos_token_id,
        wrapped.pad_token_id,
    )
    for text in [*CORPUS[:6], ARTICLE]:
        a = wrapped(text, add_special_tokens=False, return_offsets_mapping=True)
        b = bare(text, add_special_tokens=False, return_offsets_mapping=True)
        assert list(a["input_ids"]) == b["input_ids"]
        assert [tuple(x) for x in a["offset_mapping"]] == [tuple(x) for x in b["offset_mapping"]]
        for i in range(len(b["input_ids"]) - 2):
            piece = b["input_ids"][i : i + 3]
            assert wrapped.decode(piece) == bare.decode(piece)
            assert wrapped.convert_ids_to_tokens(piece[0]) == bare.convert_ids_to_tokens(piece[0])
