"""The transformers backend on tiny models built from a config inside the test (no download).

These check the plumbing, not the model's judgement: the scorer's log-probabilities must equal a
plain transformers forward pass, windows and batches must not change them, candidate gains must be
differences of full-sequence log-probabilities, and every command must load a local model folder.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from tqcheck.errors import ModelError  # noqa: E402
from tqcheck.lm import CandidateRequest  # noqa: E402
from tqcheck.lm import hf as backend  # noqa: E402

CORPUS = [
    "The port reopened on Tuesday after a three-week strike.",
    "Officials said the talks would resume on Monday in Geneva.",
    "Le port a rouvert mardi après trois semaines de grève.",
    "Die Gewerkschaft hat den Streik am Montag beendet.",
    "港口罢工结束，码头工人投票复工。",
    "The minister announced new measures for the fishing fleet.",
] * 3


def build_tokenizer(folder: Path):
    """A byte-level BPE tokenizer trained on a few sentences, with offsets (a 'fast' tokenizer)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<pad>", "<eos>", "<bos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tokenizer.train_from_iterator(CORPUS, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>"
    )
    fast.save_pretrained(folder)
    return fast


def build_model(folder: Path, architecture: str):
    tokenizer = build_tokenizer(folder)
    vocab = len(tokenizer)
    if architecture == "gpt2":
        config = transformers.GPT2Config(
            vocab_size=vocab, n_positions=256, n_embd=32, n_layer=2, n_head=2, bos_token_id=2, eos_token_id=1
        )
    elif architecture == "llama":
        config = transformers.LlamaConfig(
            vocab_size=vocab,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=256,
            tie_word_embeddings=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        )
    else:  # Gemma 3, the embedded model's architecture, small; soft-capped logits exercise that path
        config = transformers.Gemma3TextConfig(
            vocab_size=vocab,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=1,
            head_dim=16,
            max_position_embeddings=256,
            sliding_window=64,
            final_logit_softcapping=30.0,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        )
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(config)
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module", params=["gpt2", "llama", "gemma3"])
def model_dir(request, tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp(request.param), request.param)


@pytest.fixture(scope="module")
def scorer(model_dir: Path):
    return backend.load(str(model_dir), device="cpu", precision="float32", batch_size=4)


def reference_logprobs(scorer, text: str) -> list[float]:
    """log p(token | prefix) from a plain forward pass over the whole text."""
    ids = [scorer.bos_id, *scorer._encode(text)[0]]
    with torch.inference_mode():
        logits = scorer.model(input_ids=torch.tensor([ids])).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    return [logprobs[i - 1, ids[i]].item() for i in range(1, len(ids))]


def test_token_logprobs_equal_a_plain_forward_pass(scorer) -> None:
    text = "The port reopened on Tuesday. Le port a rouvert mardi."
    scores = scorer.score_texts([text])[0]
    assert scores.logprobs == pytest.approx(reference_logprobs(scorer, text), abs=1e-4)
    # Every character of the text is covered by the tokens' spans, in order.
    assert scores.spans[0][0] == 0 and scores.spans[-1][1] == len(text)
    assert all(a[1] <= b[0] + 1 for a, b in zip(scores.spans, scores.spans[1:], strict=False))


def test_batching_and_padding_do_not_change_scores(scorer) -> None:
    texts = [
        "The minister announced new measures.",
        "Die Gewerkschaft hat den Streik am Montag beendet.",
        "港口",
    ]
    together = scorer.score_texts(texts)
    for text, batched in zip(texts, together, strict=True):
        alone = scorer.score_texts([text])[0]
        assert batched.logprobs == pytest.approx(alone.logprobs, abs=1e-4)


def test_long_texts_are_scored_in_windows_with_one_score_per_token(scorer, monkeypatch) -> None:
    monkeypatch.setattr(backend, "WINDOW", 24)
    monkeypatch.setattr(backend, "OVERLAP", 6)
    text = " ".join(CORPUS[:6])
    scores = scorer.score_texts([text])[0]
    ids = scorer._encode(text)[0]
    assert len(scores.logprobs) == len(ids) > 24
    # The first window sees exactly what a plain forward pass sees.
    assert scores.logprobs[:22] == pytest.approx(reference_logprobs(scorer, text)[:22], abs=1e-4)
    assert all(math.isfinite(v) and v <= 0 for v in scores.logprobs)


def test_candidate_gain_is_the_difference_of_whole_sequence_logprobs(scorer) -> None:
    left, right = "Officials said the talks would ", " on Monday in Geneva."
    request = CandidateRequest(left, "resume", right, ("restart", "end"))
    gains = scorer.score_candidates([request])[0]

    def total(middle: str) -> float:
        return sum(reference_logprobs(scorer, left + middle + right))

    for candidate in gains:
        assert candidate.gain == pytest.approx(total(candidate.replacement) - total("resume"), abs=1e-3)


def test_free_proposals_are_whole_words(scorer) -> None:
    words = scorer.propose("The port reopened on ", " after the strike.", count=3)
    assert len(words) <= 3
    assert all(word and " " not in word and word[0].isalpha() for word in words)


def test_check_score_and_report_run_on_a_local_model_folder(model_dir: Path, tmp_path: Path, cli) -> None:
    article = tmp_path / "article.txt"
    article.write_text(
        "Port strike ends\n\nThe dockers voted to end the strike on Monday. The port reopened "
        "on Tuesday and trade resumed.\n\nLeave a Reply\n",
        encoding="utf-8",
    )
    checked = cli("check", str(article), "--lang", "en", "--model", str(model_dir), "--format", "json")
    assert checked.returncode in (0, 1), checked.stderr
    data = json.loads(checked.stdout)
    assert data["signature"].count(str(model_dir)) == 1
    assert any(f["rule"] == "TQ101" for f in data["files"][0]["findings"])
    scored = cli("score", str(article), "--lang", "en", "--model", str(model_dir), "--format", "json")
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    assert report["sentences"] and all(s["perplexity"] > 0 for s in report["sentences"] if s["perplexity"])
    assert 0 < len(report["surprising"]) <= 10
    html = tmp_path / "report.html"
    written = cli("report", str(article), "--lang", "en", "--model", str(model_dir), "-o", str(html))
    assert written.returncode == 0, written.stderr
    assert "heat" in html.read_text(encoding="utf-8").lower()


def test_a_model_that_cannot_be_loaded_is_a_one_line_error(tmp_path: Path, cli) -> None:
    article = tmp_path / "article.txt"
    article.write_text("The port reopened on Tuesday.\n", encoding="utf-8")
    for model in (str(tmp_path / "no-such-model"), "no-such-org/no-such-model"):
        result = cli("check", str(article), "--lang", "en", "--model", model, env={"HF_HUB_OFFLINE": "1"})
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot load model" in lines[0] and "Traceback" not in result.stderr


def test_unknown_precision_and_missing_cuda_are_clear_errors() -> None:
    with pytest.raises(ModelError):
        backend.choose_dtype("int3", torch.device("cpu"))
    if not torch.cuda.is_available():
        with pytest.raises(ModelError):
            backend.choose_device("cuda")
