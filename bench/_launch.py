"""Run `tqcheck` from a given checkout: `python bench/_launch.py ROOT check FILE …`.

The benches compare today's code with an older checkout in the same run; the editable install
would always import this worktree's `tqcheck`, so its finder is set aside and ROOT goes first.
"""

from __future__ import annotations

import sys

root = sys.argv.pop(1)
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
sys.path.insert(0, root)
sys.argv[0] = "tqcheck"

from tqcheck.cli import main  # noqa: E402

main()
