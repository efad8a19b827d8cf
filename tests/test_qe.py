"""The learned quality-estimation head (TQ306): its file, span assembly, the QE data readers and
figures, and the head applied to a tiny model built here from a config (no download).

The fixtures in tests/data/qe are a few lines of the public data in its own formats: a WMT MQM
span file (WMT-QE-Task/wmt-qe-2023-data, train and dev files) and an MLQE-PE post-editing folder
(sheffieldnlp/mlqe-pe, dev; CC0).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tqcheck.qe import (
    Head,
    Thresholds,
    assemble_spans,
    design_matrix,
    fuse,
    head_path,
    heads_for,
    load_heads,
    quality,
    save_heads,
    word_probabilities,
)
from tqcheck.qe_data import QESegment, read_mlqe, read_qe, read_wmt_spans
from tqcheck.qe_eval import all_words_baseline, figures, kendall_tau, random_baseline

DATA = Path(__file__).parent / "data" / "qe"


# ---- the readers ------------------------------------------------------------------------------


def test_wmt_span_file_reads_spans_as_character_offsets_into_the_target() -> None:
    segments = read_wmt_spans(DATA / "2021_en-ru_sample.tsv")
    assert len(segments) == 7  # the header row is not a segment
    assert (segments[0].source_lang, segments[0].lang) == ("en", "ru")
    assert segments[0].spans == [] and segments[0].penalty == 0
    flagged = [s for s in segments if s.spans]
    assert flagged, "the sample has annotated errors"
    for segment in flagged:
        for start, end, severity in segment.spans:
            assert 0 <= start < end <= len(segment.target)
            assert severity in ("minor", "major", "critical")
    # A span the annotation tool ended past the target is clipped to it, not dropped.
    last = segments[-1]
    assert last.spans[-1][1] == len(last.target)
    assert last.penalty == 5.0  # one major error


def test_wmt22_dev_rows_with_a_trailing_empty_column_are_read() -> None:
    segments = read_qe(DATA / "2022_en-de_dev_sample.tsv")
    assert len(segments) == 5
    assert all(s.lang == "de" for s in segments)


def test_mlqe_folder_takes_the_word_tags_between_the_gap_tags() -> None:
    segments = read_mlqe(DATA / "en-de-dev")
    assert len(segments) == 6
    first = segments[0]
    assert first.words is not None and len(first.words) == len(first.target.split())
    tags = (DATA / "en-de-dev" / "dev.tags").read_text(encoding="utf-8").splitlines()[0].split()
    bad_words = [first.target[s:e] for s, e, _ in first.spans]
    expected = [w for w, t in zip(first.target.split(), tags[1::2], strict=True) if t == "BAD"]
    assert bad_words == expected


def test_reader_errors_are_one_line_input_errors(tmp_path: Path) -> None:
    from tqcheck.errors import InputError

    broken = tmp_path / "2021_en-de_processed.tsv"
    broken.write_text("a\tb\tc\n", encoding="utf-8")
    with pytest.raises(InputError, match="9 tab-separated columns"):
        read_wmt_spans(broken)
    nameless = tmp_path / "spans.tsv"
    nameless.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="language pair"):
        read_wmt_spans(nameless)


# ---- figures ----------------------------------------------------------------------------------


def test_kendall_tau_b_matches_hand_counts() -> None:
    assert kendall_tau([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # x has a tie: 5 concordant, 0 discordant, 1 pair tied in x only: τ-b = 5 / sqrt(5 · 6).
    assert kendall_tau([1, 1, 2, 3], [1, 2, 3, 4]) == pytest.approx(5 / (5 * 6) ** 0.5)
    assert kendall_tau([1, 1, 1], [1, 2, 3]) is None


def test_figures_and_baselines_on_the_wmt_sample() -> None:
    segments = read_wmt_spans(DATA / "2021_en-ru_sample.tsv")
    gold = [[(s, e) for s, e, _ in seg.spans] for seg in segments]
    perfect = figures(segments, gold, [seg.penalty for seg in segments])
    assert perfect.char_f1 == pytest.approx(1.0) and perfect.span_f1 == pytest.approx(1.0)
    assert perfect.kendall_tau == pytest.approx(1.0)
    assert perfect.segment_f1 == pytest.approx(1.0)
    nothing = figures(segments, [[] for _ in segments], None)
    assert nothing.char_f1 == 0.0
    # Per segment, silence is right exactly on the error-free ones.
    clean = sum(not seg.spans for seg in segments)
    assert 0 < clean < len(segments)
    assert nothing.segment_f1 == pytest.approx(clean / len(segments))
    every = all_words_baseline(segments)
    assert every.char_recall > 0.9 and 0 < every.char_precision < 1
    assert every.kendall_tau is None
    assert random_baseline(segments, seed=1) == random_baseline(segments, seed=1)


def test_bad_word_f1_on_mlqe_tags() -> None:
    segments = read_mlqe(DATA / "en-de-dev")
    gold = [[(s, e) for s, e, _ in seg.spans] for seg in segments]
    assert figures(segments, gold, None).bad_word_f1 == pytest.approx(1.0)
    assert 0 < all_words_baseline(segments).bad_word_f1 < 1


# ---- span assembly ------------------------------------------------------------------------------


def test_marked_tokens_become_whole_words_and_runs_join_across_spaces_only() -> None:
    text = "The talks declared steadfast ceasefire, said officials."
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+|[^\w\s]", text)]
    # Split "steadfast" into two pieces the way a subword tokenizer would.
    pieces = []
    for start, end in words:
        if text[start:end] == "steadfast":
            pieces += [(start, start + 5), (start + 5, end)]
        else:
            pieces.append((start, end))
    probability = {"stead": 0.2, "fast": 0.9, "ceasefire": 0.8, "officials": 0.7}
    p = [probability.get(text[s:e], 0.05) for s, e in pieces]
    spans = assemble_spans(text, pieces, p, 0.5)
    assert [text[s.start : s.end] for s in spans] == ["steadfast ceasefire", "officials"]
    assert spans[0].probability == pytest.approx(0.9)
    by_word = {text[s:e]: q for s, e, q in word_probabilities(text, pieces, p)}
    assert by_word["steadfast"] == pytest.approx(0.9) and "," not in by_word
    assert 0 < quality(word_probabilities(text, pieces, p)) < 100


def test_design_rows_take_neighbours_within_a_segment_only() -> None:
    states = np.arange(10, dtype=np.float32).reshape(5, 2)
    scalars = np.arange(15, dtype=np.float32).reshape(5, 3)
    rows = design_matrix(states, scalars, [3, 2])
    assert rows.shape == (5, 2 + 9)
    assert rows[0, 5:8].tolist() == scalars[1].tolist()  # right neighbour
    assert rows[2, 5:8].tolist() == [0, 0, 0]  # the segment ends: no right neighbour
    assert rows[3, 8:11].tolist() == [0, 0, 0]  # the next segment starts: no left neighbour


# ---- the head file ----------------------------------------------------------------------------


def random_head(mode: str, width: int, bias: float, hidden: int = 8, seed: int = 0) -> Head:
    rng = np.random.default_rng(seed)
    return Head(
        mode=mode,
        mean=np.zeros(width, dtype=np.float32),
        scale=np.ones(width, dtype=np.float32),
        hidden_weight=rng.normal(size=(width, hidden)).astype(np.float32) * 0.01,
        hidden_bias=np.zeros(hidden, dtype=np.float32),
        out_weight=rng.normal(size=hidden).astype(np.float32),
        out_bias=bias,
        thresholds=Thresholds(0.5, 0.99),
        uses_scalars=mode == "target",
    )


def write_heads(
    path: Path, layers: tuple[int, ...], hidden_size: int, bias: float, fuse: bool = False
) -> Path:
    """A target and a source head; a `fuse` source head's answers are fused with the target head's."""
    width = len(layers) * hidden_size
    source = replace(random_head("source", width, bias), fuses_target=fuse)
    heads = {"target": random_head("target", width + 9, bias), "source": source}
    save_heads(path, "tiny", layers, hidden_size, heads, {"trained_on": {}})
    return path


def test_the_shipped_head_loads_and_fits_the_embedded_model() -> None:
    heads = heads_for("gemma-3-270m")
    assert heads is not None, f"no head shipped at {head_path('gemma-3-270m')}"
    assert heads.hidden_size == 640 and max(heads.layers) <= 18
    for mode in ("target", "source"):
        head = heads.head(mode)
        assert head is not None
        assert 0 < head.thresholds.minor <= head.thresholds.major < 1
        p = head.probabilities(np.zeros((3, head.width), dtype=np.float32))
        assert p.shape == (3,) and np.all((p > 0) & (p < 1))
    assert sum(heads.card["trained_on"].values()) > 1000
    assert head_path("gemma-3-270m").stat().st_size < 5_000_000


def test_a_head_file_that_is_not_one_is_a_model_error(tmp_path: Path) -> None:
    from tqcheck.errors import ModelError

    bad = tmp_path / "head.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(ModelError, match=r"head\.npz"):
        load_heads(bad)


def test_head_round_trips_through_its_file(tmp_path: Path) -> None:
    path = write_heads(tmp_path / "h.npz", (1, 2), 4, bias=0.3)
    heads = load_heads(path)
    assert heads.layers == (1, 2) and heads.hidden_size == 4
    rows = np.ones((2, 17), dtype=np.float32)
    original = random_head("target", 17, 0.3)
    # Weights are stored as float16: equal to about three decimals.
    assert heads.head("target").probabilities(rows) == pytest.approx(original.probabilities(rows), abs=1e-3)
    with pytest.raises(Exception, match="expects 17 features"):
        heads.head("target").probabilities(np.ones((2, 5), dtype=np.float32))


def test_heads_trained_in_two_runs_merge_into_one_file_and_a_mode_given_twice_is_refused(
    tmp_path: Path,
) -> None:
    from train.qe_fit import merge

    width = 2 * 4
    target, source = random_head("target", width + 9, 0.3), random_head("source", width, -0.2, seed=1)
    save_heads(tmp_path / "t.npz", "tiny", (1, 2), 4, {"target": target}, {"trained_on": {"wmt-en-de": 5}})
    save_heads(tmp_path / "s.npz", "tiny", (1, 2), 4, {"source": source}, {"trained_on": {"mlqe-en-de": 3}})
    out = tmp_path / "both.npz"
    merge(argparse.Namespace(heads=[str(tmp_path / "t.npz"), str(tmp_path / "s.npz")], out=str(out)))
    merged = load_heads(out)
    rows = np.ones((3, width), dtype=np.float32)
    assert merged.head("source").probabilities(rows) == pytest.approx(source.probabilities(rows), abs=1e-3)
    assert merged.head("target").width == width + 9
    assert merged.card["trained_on"] == {"wmt-en-de": 5, "mlqe-en-de": 3}
    assert merged.card["trained_on_by_mode"]["source"] == {"mlqe-en-de": 3}
    with pytest.raises(SystemExit, match="two files hold a target head"):
        merge(argparse.Namespace(heads=[str(tmp_path / "t.npz"), str(tmp_path / "t.npz")], out=str(out)))
    # One mode of a file that holds both: the source head of the merged file beside a new target.
    newer = random_head("target", width + 9, -0.5, seed=3)
    save_heads(tmp_path / "t2.npz", "tiny", (1, 2), 4, {"target": newer}, {"trained_on": {"wmt-en-de": 9}})
    merge(argparse.Namespace(heads=[str(tmp_path / "t2.npz"), f"{out}:source"], out=str(tmp_path / "m.npz")))
    mixed = load_heads(tmp_path / "m.npz")
    assert mixed.head("target").probabilities(np.ones((1, width + 9), dtype=np.float32)) == pytest.approx(
        newer.probabilities(np.ones((1, width + 9), dtype=np.float32)), abs=1e-3
    )
    assert mixed.head("source").probabilities(rows) == pytest.approx(source.probabilities(rows), abs=1e-3)
    with pytest.raises(SystemExit, match="holds no target head"):
        merge(argparse.Namespace(heads=[f"{tmp_path / 's.npz'}:target"], out=str(out)))
    save_heads(tmp_path / "other.npz", "tiny", (3,), 4, {"source": source}, {})
    with pytest.raises(SystemExit, match="different models or layers"):
        merge(argparse.Namespace(heads=[str(tmp_path / "t.npz"), str(tmp_path / "other.npz")], out=str(out)))


def test_a_head_with_right_context_applies_the_trained_module_and_round_trips(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from train.qe_fit import _module, to_head

    torch.manual_seed(0)
    module = _module(width=6, hidden=5, context=2).eval()
    mean, scale = np.full(6, 0.5, dtype=np.float32), np.full(6, 2.0, dtype=np.float32)
    head = to_head("source", mean, scale, module, uses_scalars=False, summary="none")
    rows = np.random.default_rng(1).normal(size=(7, 6)).astype(np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(module(torch.from_numpy((rows - mean) / scale)[None], torch.ones(1, 7)))[0]
    assert head.probabilities(rows) == pytest.approx(expected.numpy(), abs=1e-5)
    save_heads(tmp_path / "c.npz", "tiny", (1,), 6, {"source": head}, {"trained_on": {}})
    loaded = load_heads(tmp_path / "c.npz").head("source")
    assert loaded.context_weight.shape == (5, 5, 5)
    assert loaded.probabilities(rows) == pytest.approx(head.probabilities(rows), abs=2e-3)


def test_right_context_reads_neighbours_within_a_segment_only() -> None:
    rng = np.random.default_rng(2)
    hidden = 4
    head = Head(
        **{
            **random_head("source", 3, 0.0, hidden=hidden).__dict__,
            "hidden_weight": rng.normal(size=(3, hidden)).astype(np.float32),
            "context_weight": rng.normal(size=(3, hidden, hidden)).astype(np.float32),
            "context_bias": np.zeros(hidden, dtype=np.float32),
            "out_weight": rng.normal(size=2 * hidden).astype(np.float32),
        }
    )
    rows = rng.normal(size=(6, 3)).astype(np.float32)
    changed = rows.copy()
    changed[4] += 5.0  # a token of the second segment, whose neighbours are 3 and 5
    before, after = head.probabilities(rows, [3, 3]), head.probabilities(changed, [3, 3])
    assert np.allclose(before[:3], after[:3])  # the first segment does not see it
    assert not np.isclose(before[3], after[3])  # its left neighbour reads it as right context
    # One segment: token 2 now has token 3 as its right neighbour, unlike with two segments.
    assert not np.isclose(head.probabilities(rows)[2], before[2])


def test_a_head_with_a_recurrent_layer_applies_the_trained_module_per_sentence_and_round_trips(
    tmp_path: Path,
) -> None:
    torch = pytest.importorskip("torch")
    from train.qe_fit import _module, to_head

    torch.manual_seed(0)
    module = _module(width=6, hidden=5, context=0, recurrent=3).eval()
    mean, scale = np.full(6, 0.5, dtype=np.float32), np.full(6, 2.0, dtype=np.float32)
    head = to_head("target", mean, scale, module, uses_scalars=True, summary="none")
    rows = np.random.default_rng(1).normal(size=(7, 6)).astype(np.float32)
    standardised = torch.from_numpy((rows - mean) / scale)
    with torch.no_grad():
        whole = torch.sigmoid(module(standardised[None], torch.ones(1, 7)))[0].numpy()
        # Two sentences of 4 and 3 tokens, padded into one batch as training reads them.
        padded = torch.zeros(2, 4, 6)
        padded[0], padded[1, :3] = standardised[:4], standardised[4:]
        mask = torch.tensor([[1.0] * 4, [1.0, 1.0, 1.0, 0.0]])
        split = torch.sigmoid(module(padded, mask)).numpy()
    assert head.probabilities(rows) == pytest.approx(whole, abs=1e-5)
    assert head.probabilities(rows, [4, 3]) == pytest.approx(
        np.concatenate([split[0], split[1, :3]]), abs=1e-5
    )
    save_heads(tmp_path / "r.npz", "tiny", (1,), 6, {"target": head}, {"trained_on": {}})
    loaded = load_heads(tmp_path / "r.npz").head("target")
    assert loaded.recurrent is not None and loaded.recurrent.units == 3
    assert loaded.probabilities(rows, [4, 3]) == pytest.approx(head.probabilities(rows, [4, 3]), abs=2e-3)


def test_a_head_file_with_part_of_a_recurrent_layer_is_a_model_error(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from tqcheck.errors import ModelError
    from train.qe_fit import _module, to_head

    torch.manual_seed(0)
    head = to_head("target", np.zeros(6), np.ones(6), _module(6, 5, 0, recurrent=3), True, "none")
    save_heads(tmp_path / "part.npz", "tiny", (1,), 6, {"target": head}, {"trained_on": {}})
    with np.load(tmp_path / "part.npz") as data:
        kept = {k: data[k] for k in data.files if k != "target.gru.backward.state_bias"}
    np.savez(tmp_path / "part.npz", **kept)
    with pytest.raises(ModelError, match=r"part\.npz.*part of a recurrent layer"):
        load_heads(tmp_path / "part.npz")


def test_a_head_file_with_half_a_context_layer_is_a_model_error(tmp_path: Path) -> None:
    from tqcheck.errors import ModelError

    head = Head(**{**random_head("source", 4, 0.0).__dict__, "context_weight": np.zeros((3, 8, 8))})
    save_heads(tmp_path / "half.npz", "tiny", (1,), 4, {"source": head}, {"trained_on": {}})
    with pytest.raises(ModelError, match=r"half\.npz.*half a context layer"):
        load_heads(tmp_path / "half.npz")


# ---- applied to a tiny model --------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    pytest.importorskip("torch")
    from tests.test_lm_plumbing import build_model

    return build_model(tmp_path_factory.mktemp("tiny-gemma"), "gemma3")


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_the_feature_projection_gives_the_softmax_figures_of_the_whole_vocabulary(
    tiny_model: Path, precision: str, monkeypatch
) -> None:
    """The head's log-probability, entropy and rank come from vocabulary slices (an online softmax);
    they must be what the plain expressions over the whole vocabulary give, whatever the slicing."""
    torch = pytest.importorskip("torch")
    from tqcheck.lm import hf as backend

    scorer = backend.load(str(tiny_model), device="cpu", precision=precision, batch_size=2)
    weight = scorer.head_weight
    generator = torch.Generator().manual_seed(0)
    states = (torch.randn(37, weight.shape[1], generator=generator) * 4).to(weight.dtype)
    targets = torch.randint(0, weight.shape[0], (37,), generator=generator)
    logits = torch.nn.functional.linear(states, weight, scorer.head_bias).float()
    if scorer.softcap:
        logits = torch.tanh(logits / scorer.softcap) * scorer.softcap
    log_p = torch.log_softmax(logits, dim=-1)
    chosen = log_p.gather(-1, targets[:, None]).squeeze(-1)
    expected_entropy = -(log_p.exp() * log_p).sum(-1)
    expected_rank = torch.log1p((log_p > chosen[:, None]).sum(-1).float())
    # Slices that do not divide the vocabulary, and chunks that do not divide the positions.
    monkeypatch.setitem(backend.VOCABULARY_SLICE, "cpu", 7)
    monkeypatch.setitem(backend.HEAD_CHUNK, "cpu", 16)
    logprob, entropy, rank = scorer._project_full(states, targets)
    assert torch.allclose(logprob, chosen, atol=1e-4)
    assert torch.allclose(entropy, expected_entropy, atol=1e-3)
    assert torch.equal(rank, expected_rank)


def check_with_head(cli, article: Path, model: Path, config: Path, *more: str) -> dict:
    """`check --select TQ306 -f json` with a local model and a config naming its head: the file's entry."""
    result = cli(
        "check", str(article), "--model", str(model), "--config", str(config),
        "--select", "TQ306", "-f", "json", "--lang", "en", *more,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["files"][0]


@pytest.mark.parametrize("fuse", [False, True], ids=["source-head", "source-head-fused-with-target"])
def test_tiny_model_with_a_head_reports_spans_and_quality(
    tiny_model: Path, tmp_path: Path, cli, fuse: bool
) -> None:
    # A head biased to call every token an error, so that the plumbing is what is tested.
    head = write_heads(tmp_path / "tiny.npz", (1, 2), 32, bias=3.0, fuse=fuse)
    config = tmp_path / "tqcheck.toml"
    config.write_text(f'qe-head = "{head}"\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    text = "The port reopened on Tuesday after a strike.\n\nOfficials said the talks would resume."
    article.write_text(text, encoding="utf-8")
    entry = check_with_head(cli, article, tiny_model, config)
    assert 0 <= entry["quality"] < 10  # every word judged an error
    learned = [f for f in entry["findings"] if f["rule"] == "TQ306"]
    assert learned
    for finding in learned:
        assert finding["text"] == text[finding["start"] : finding["end"]]
        assert finding["evidence"]["mode"] == "target"
    # With a source, the source head judges the aligned sentences.
    source = tmp_path / "src.txt"
    source.write_text(
        "Le port a rouvert mardi après une grève.\n\nLes responsables ont dit que les pourparlers reprendraient.",
        encoding="utf-8",
    )
    findings = check_with_head(
        cli, article, tiny_model, config, "--source", str(source), "--source-lang", "fr"
    )["findings"]
    assert {f["evidence"]["mode"] for f in findings if f["rule"] == "TQ306"} == {"source"}


def test_a_fusing_source_head_without_a_target_head_is_a_model_error(tmp_path: Path) -> None:
    from tqcheck.errors import ModelError

    heads = {"source": replace(random_head("source", 8, 0.0), fuses_target=True)}
    save_heads(tmp_path / "fused.npz", "tiny", (1, 2), 4, heads, {"trained_on": {}})
    with pytest.raises(ModelError, match=r"fused\.npz.*lacks"):
        load_heads(tmp_path / "fused.npz")
    heads["target"] = random_head("target", 17, 0.0)
    save_heads(tmp_path / "fused.npz", "tiny", (1, 2), 4, heads, {"trained_on": {}})
    assert load_heads(tmp_path / "fused.npz").head("source").fuses_target


def test_fusion_is_the_mean_in_log_odds_and_training_calibrates_on_it() -> None:
    from train.qe_fit import Segment, calibrated, probabilities

    assert fuse(np.array([0.9, 0.5, 0.2]), np.array([0.9, 0.5, 0.8])) == pytest.approx(
        [0.9, 0.5, 0.5], abs=1e-6
    )
    rng = np.random.default_rng(3)
    target_head, source_head = random_head("target", 4, 0.0, seed=1), random_head("source", 3, -1.0, seed=2)
    text = "one two three four five"
    spans = np.array([(0, 3), (4, 7), (8, 13), (14, 18), (19, 23)])
    segments = [
        Segment(
            "wmt-en-de",
            "train",
            QESegment(
                id=str(i),
                doc="d",
                lang="de",
                source_lang="en",
                source="",
                target=text,
                spans=[(4, 13, "major")],
            ),
            spans,
            np.array([0, 1, 1, 0, 0]),
            {
                "target": rng.normal(size=(5, 4)).astype(np.float32),
                "source": rng.normal(size=(5, 3)).astype(np.float32),
            },
        )
        for i in range(4)
    ]
    fused, _ = calibrated(source_head, segments, target_head, fuse_source=True)
    assert fused.fuses_target
    first = segments[0]
    expected = fuse(
        target_head.probabilities(first.rows["target"]), source_head.probabilities(first.rows["source"])
    )
    assert probabilities(fused, first, target_head) == pytest.approx(expected, abs=1e-6)
    assert not np.allclose(expected, source_head.probabilities(first.rows["source"]))
    plain, _ = calibrated(source_head, segments, target_head, fuse_source=False)
    assert not plain.fuses_target
    assert probabilities(plain, first) == pytest.approx(
        source_head.probabilities(first.rows["source"]), abs=1e-6
    )


def test_a_head_that_does_not_fit_the_model_is_a_one_line_error(
    tiny_model: Path, tmp_path: Path, cli
) -> None:
    head = write_heads(tmp_path / "wide.npz", (1, 2), 640, bias=0.0)
    config = tmp_path / "tqcheck.toml"
    config.write_text(f'qe-head = "{head}"\n', encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("The port reopened on Tuesday.", encoding="utf-8")
    result = cli("check", str(article), "--model", str(tiny_model), "--config", str(config))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "wide.npz" in lines[0] and "640" in lines[0]
    assert "Traceback" not in result.stderr


def test_the_learned_rule_is_a_preview_rule_that_runs_when_selected() -> None:
    from tqcheck.rules import select

    assert "TQ306" not in {r.code for r in select()}
    assert "TQ306" in {r.code for r in select(["TQ306"])}
    assert "TQ306" in {r.code for r in select(["ALL"])}
    assert "TQ304" in {r.code for r in select()}


def test_eval_reads_wmt_and_mlqe_formats_without_the_model(cli) -> None:
    result = cli("eval", str(DATA / "2021_en-ru_sample.tsv"), "--no-lm", "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["segments"] == 7
    assert set(data) >= {"tqcheck", "all_words", "random", "clean_with_major"}
    assert data["all_words"]["char_recall"] > 0.9
    result = cli("eval", str(DATA / "en-de-dev"), "--no-lm")
    assert result.returncode == 0, result.stderr
    assert "all words marked" in result.stdout and "BAD-word F1" in result.stdout


def test_a_second_extraction_leaves_out_what_a_feature_folder_already_holds(tmp_path: Path) -> None:
    import argparse

    from train.qe import collect

    sample = DATA / "2021_en-ru_sample.tsv"
    args = argparse.Namespace(
        wmt=[str(sample)], mlqe=[], wmt_train=100, wmt_dev=100, mlqe_train=0, mlqe_dev=0,
        all_dev=True, seed=13, exclude=None,
    )  # fmt: skip
    everything = collect(args)
    assert len(everything) == 7
    first = tmp_path / "features"
    first.mkdir()
    held = [{"dataset": name, "split": split, "id": seg.id} for name, split, seg in everything[:3]]
    (first / "shard-0000.jsonl").write_text("\n".join(json.dumps(r) for r in held) + "\n", encoding="utf-8")
    args.exclude, args.wmt_dev = [str(first)], 2
    rest = collect(args)
    assert len(rest) == 2  # the cap counts new segments
    assert not {seg.id for _, _, seg in rest} & {r["id"] for r in held}
