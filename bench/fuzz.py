"""The larger schemathesis run: the CI fuzz test (tests/fuzz) with many more examples per operation.

    .venv/bin/python bench/fuzz.py                      # 100 examples per operation, CI's checks
    .venv/bin/python bench/fuzz.py --examples 300 --all-checks   # also the known gaps listed in the test

Prints operations tested, failed, the time taken, and the distinct failures (schemathesis codes).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--all-checks", action="store_true")
    args = parser.parse_args()
    env = {**os.environ, "EASYTHS_FUZZ_EXAMPLES": str(args.examples)}
    if args.all_checks:
        env["EASYTHS_FUZZ_ALL_CHECKS"] = "1"
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:warnings", "-q", "-rf", "--timeout=3600", "tests/fuzz"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.monotonic() - t0
    out = done.stdout + done.stderr
    failed = sorted(set(re.findall(r"^FAILED .*?\[(.+?)\]", out, re.M)))
    passed = len(re.findall(r"PASSED|^\.", out, re.M))
    codes = Counter(re.findall(r"- (ST\d+ [^\n]+)", out))
    summary = re.findall(r"^=+ (.*(?:passed|failed).*) =+$", out, re.M)
    print(f"examples per operation {args.examples}, all checks {args.all_checks}, {elapsed:.0f} s")
    print(f"  pytest: {summary[-1] if summary else out.strip().splitlines()[-1:]}")
    print(f"  operations failing: {len(failed)}")
    for name in failed:
        print(f"    {name}")
    for code, n in codes.most_common():
        print(f"  {n:4d}  {code}")
    del passed
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
