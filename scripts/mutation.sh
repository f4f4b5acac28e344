#!/usr/bin/env bash
# Mutation testing of the pure core (healthdesk/domain/): how many deliberate bugs
# (mutants) the fast domain tests catch. Not part of CI: ~4-6 minutes on two cores for
# the modules [tool.mutmut] in pyproject.toml lists.
#
#   scripts/mutation.sh            # run, then print killed / survived per module
#   scripts/mutation.sh --report   # print the last run's figures only
#   MAX_CHILDREN=1 scripts/mutation.sh
#
# Read a survivor with `uv run mutmut show <name>`; results stay in mutants/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--report" ]]; then
    # A fresh run: mutmut keeps verdicts in mutants/ and reruns only mutants whose
    # source changed, so a new test would not be counted against old survivors.
    rm -rf mutants
    # mutmut exits non-zero when mutants survive; the figures below are the point.
    uv run mutmut run --max-children "${MAX_CHILDREN:-2}" || true
    echo
fi

SUMMARY=$(cat <<'PY'
import collections
import sys

rows = collections.defaultdict(collections.Counter)
for line in sys.stdin:
    name, sep, status = line.strip().rpartition(": ")
    if not sep or "__mutmut_" not in name:
        continue
    module = ".".join(p for p in name.split(".") if not p.startswith("x")).split("__")[0]
    rows[module][status] += 1
    rows["all"][status] += 1
if not rows:
    sys.exit("no mutmut results: run scripts/mutation.sh first")
head = ("module", "mutants", "killed", "survived", "no tests", "killed %")
print(f"{head[0]:<34} {head[1]:>7} {head[2]:>7} {head[3]:>8} {head[4]:>8} {head[5]:>8}")
for module in sorted(rows, key=lambda m: (m == "all", m)):
    c = rows[module]
    total = sum(c.values())
    killed = c["killed"] + c["timeout"]
    line = f"{module:<34} {total:>7} {killed:>7} {c['survived']:>8} {c['no tests']:>8}"
    print(f"{line} {killed / total:>8.1%}")
PY
)
uv run mutmut results --all true 2>/dev/null | uv run python -c "$SUMMARY"
