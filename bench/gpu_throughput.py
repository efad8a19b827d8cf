"""GPU scoring throughput by batch size, for a random-weight model with the embedded model's config.

Weights do not travel to the GPU machine, so the model is built from bench/gemma3-270m-config.json
(Gemma 3 270M's architecture) with random bfloat16 weights: speed does not depend on the values.
Compares tqcheck's scorer (decoder once, vocabulary projection in large chunks, float32 log-sum-exp)
with a plain transformers forward (all logits, then log_softmax), both in bfloat16, at sequence 512.

    python bench/gpu_throughput.py [--batches 1,8,32,64] [--seq 512] [--peak-tflops 989]

Prints a table and writes JSON to $OUT/gpu_throughput.json when OUT is set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_model(device: torch.device):
    from transformers import AutoConfig, AutoModelForCausalLM

    settings = json.loads((ROOT / "bench" / "gemma3-270m-config.json").read_text())
    config = AutoConfig.for_model(settings.pop("model_type"), **settings)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.bfloat16)
    return model.to(device).eval(), config


def flops_per_token(config, seq: int) -> float:
    """Matrix FLOPs per scored token: 2 × weights used (decoder and vocabulary projection) plus attention."""
    hidden, layers = config.hidden_size, config.num_hidden_layers
    q_dim = config.num_attention_heads * config.head_dim
    kv_dim = config.num_key_value_heads * config.head_dim
    per_layer = hidden * (q_dim + 2 * kv_dim) + q_dim * hidden + 3 * hidden * config.intermediate_size
    attention = 2 * 2 * q_dim * (seq / 2)  # QKᵀ and AV over the causal half of the window
    return 2 * (layers * per_layer + hidden * config.vocab_size) + layers * attention


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(fn, repeat: int = 5) -> float:
    fn()
    fn()
    synchronize()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    synchronize()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="1,8,32,64")
    parser.add_argument("--seq", type=int, default=512)
    parser.add_argument("--device", default="cuda", help="cuda, or cpu for a smoke test")
    parser.add_argument(
        "--peak-tflops", type=float, default=989.0, help="the GPU's dense bf16 peak (H100/H200 SXM: 989)"
    )
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA device")
    model, config = build_model(device)
    from tqcheck.lm.hf import TransformersScorer

    class Tok:  # the scorer needs only these attributes of a tokenizer here
        bos_token_id, eos_token_id, pad_token_id = 2, 1, 0

    scorer = TransformersScorer(model, Tok(), "gemma-3-270m (random weights)", device, batch_size=512)
    per_token = flops_per_token(config, args.seq)
    rows = []
    device_name = torch.cuda.get_device_name() if device.type == "cuda" else "cpu"
    print(
        f"{device_name}  torch {torch.__version__}  seq {args.seq}  {per_token / 1e9:.2f} GFLOP per token",
        flush=True,
    )
    for batch in [int(b) for b in args.batches.split(",")]:
        ids = torch.randint(3, config.vocab_size, (batch, args.seq), device=device)
        sequences = ids.tolist()
        wanted = [list(range(1, args.seq))] * batch

        def ours(sequences=sequences, wanted=wanted) -> None:
            scorer._logprobs(sequences, wanted)

        def plain(ids=ids) -> None:
            with torch.inference_mode():
                logits = model(input_ids=ids).logits
                torch.log_softmax(logits.float(), dim=-1)[:, :-1].gather(-1, ids[:, 1:, None])

        result = {"batch": batch, "seq": args.seq}
        for name, fn in (("tqcheck", ours), ("plain", plain)):
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats()
            try:
                seconds = timed(fn)
            except torch.cuda.OutOfMemoryError:
                result[name] = None
                torch.cuda.empty_cache()
                continue
            tokens = batch * (args.seq - 1)
            tflops = tokens / seconds * per_token / 1e12
            result[name] = {
                "tokens_per_s": round(tokens / seconds),
                "tflops": round(tflops, 1),
                "peak_fraction": round(tflops / args.peak_tflops, 3),
                "memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2)
                if device.type == "cuda"
                else None,
            }
            if device.type == "cuda":
                torch.cuda.empty_cache()
        rows.append(result)
        print(json.dumps(result), flush=True)
    report = {
        "device": device_name,
        "torch": torch.__version__,
        "peak_tflops": args.peak_tflops,
        "flops_per_token": per_token,
        "rows": rows,
    }
    out = os.environ.get("OUT")
    if out:
        Path(out, "gpu_throughput.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
