"""One side of bench/model_cpu.py's warm-process figures, run from a given checkout:

    python bench/_model_cpu_worker.py ROOT ARTICLE OTHER OUT.json

In one process: import torch, load the model (tqcheck.load_model), check ARTICLE twice (the second
is the warm figure), check OTHER once (a warm process meeting a text it has not seen), then `fix`
a third text none of these checks saw (ARTICLE's paragraphs in reverse order, so no pass of it
is answered from an earlier check), counting the decoder's forward passes of each step. Writes times, counts and the findings
(as JSON text, to compare old and new byte for byte) to OUT.json.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

root = sys.argv.pop(1)
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
sys.path.insert(0, root)
article, other, out = (Path(a) for a in sys.argv[1:4])


def findings_json(findings) -> str:
    return json.dumps([dataclasses.asdict(f) for f in findings], default=str, ensure_ascii=False)


started = time.perf_counter()
import torch  # noqa: E402

figures: dict[str, object] = {
    "torch_import_s": time.perf_counter() - started,
    "threads": torch.get_num_threads(),
}
import tqcheck  # noqa: E402

started = time.perf_counter()
scorer = tqcheck.load_model()
figures["load_s"] = time.perf_counter() - started
passes = [0]
scorer.body.register_forward_pre_hook(lambda *_: passes.__setitem__(0, passes[0] + 1))
text, other_text = article.read_text(encoding="utf-8"), other.read_text(encoding="utf-8")
results = {}
for name, source in (("first", text), ("second", text), ("other", other_text)):
    passes[0] = 0
    started = time.perf_counter()
    result = tqcheck.check(source, "en", model=scorer)
    figures[f"{name}_check_s"] = time.perf_counter() - started
    figures[f"{name}_passes"] = passes[0]
    results[name] = findings_json(result.findings)
passes[0] = 0
started = time.perf_counter()
fixed = tqcheck.fix("\n\n".join(reversed(text.split("\n\n"))), "en", model=scorer)
figures["fix_s"] = time.perf_counter() - started
figures["fix_passes"] = passes[0]
figures["fix_applied"] = len(fixed.applied)
results["fix"] = fixed.text + "\n" + findings_json(fixed.applied)
figures["findings"] = results
out.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
