#!/usr/bin/env bash
# Times `icr stats --layout wide` on a generated 1,000,000-unit x 10-coder CSV
# (~30 MB, 20 categories, 10% missing), whole process from file to answer:
# the default report (every coefficient, the pairwise matrix and the analytic
# standard errors), the same with --se none (what the standard errors add),
# and 1,000 bootstrap replicates of alpha. Beside it NLTK's AnnotationTask
# alpha, statsmodels' fleiss_kappa and (when installed) pandas+numpy on the
# same kind of file. The slow ones run on smaller files and their time is
# scaled per unit; the ratio printed is theirs / icr's (per unit, against the
# default report).
#
# Usage: bench/compare_stats.sh [BUILD_DIR] [UNITS]
#   BUILD_DIR defaults to build; the icr binary is BUILD_DIR/client/icr, or
#   BUILD_DIR/client/stats/icr-stats when the full client is not built.
set -euo pipefail
BUILD=${1:-build}
UNITS=${2:-1000000}
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [[ -x "$BUILD/client/icr" ]]; then
  ICR=("$BUILD/client/icr" stats)
elif [[ -x "$BUILD/client/stats/icr-stats" ]]; then
  ICR=("$BUILD/client/stats/icr-stats" stats)
else
  echo "no icr binary under $BUILD (build target icr or icr-stats)" >&2
  exit 2
fi

generate() {  # generate UNITS FILE
  "$PY" - "$1" "$2" <<'PYEOF'
import random, sys
units, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
with open(path, "w") as f:
    f.write("unit," + ",".join("coder%d" % c for c in range(10)) + "\n")
    out = []
    for u in range(units):
        t = rng.randrange(1, 21)
        row = []
        for c in range(10):
            r = rng.random()
            row.append("" if r < 0.1 else str(t) if r < 0.73 else str(rng.randrange(1, 21)))
        out.append("u%d," % u + ",".join(row))
    f.write("\n".join(out) + "\n")
PYEOF
}

seconds() {  # seconds CMD...: wall time of one run, output discarded; fails if CMD does
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null || return 1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

BIG="$WORK/wide_${UNITS}.csv"
generate "$UNITS" "$BIG"
printf 'file: %s units x 10 coders, %s bytes\n' "$UNITS" "$(stat -c %s "$BIG")"

best_of() {  # best_of N CMD...: the least wall time of N runs
  local n=$1 best=999 t
  shift
  for ((i = 0; i < n; ++i)); do
    t=$(seconds "$@") || { echo "failed: $*" >&2; exit 1; }
    best=$(echo "if ($t < $best) $t else $best" | bc -l)
  done
  echo "$best"
}

best=$(best_of 5 "${ICR[@]}" --input "$BIG" --layout wide)
icr_per_unit=$(echo "$best / $UNITS" | bc -l)
printf '%-44s %10.3f s  (all coefficients, pairwise, analytic se; best of 5)\n' \
  "icr stats --layout wide" "$best"

# What the analytic standard errors (on by default) add: the same run with --se none.
bare=$(best_of 5 "${ICR[@]}" --input "$BIG" --layout wide --se none)
printf '%-44s %10.3f s  (analytic standard errors add %.0f ms)\n' \
  "icr stats --layout wide --se none" "$bare" "$(echo "($best - $bare) * 1000" | bc -l)"

# 1,000 bootstrap replicates of alpha; the run without them is subtracted.
alpha=$(best_of 3 "${ICR[@]}" --input "$BIG" --layout wide --coefficients krippendorff_alpha \
  --se none)
boot=$(best_of 3 "${ICR[@]}" --input "$BIG" --layout wide --coefficients krippendorff_alpha \
  --se bootstrap --bootstrap 1000)
printf '%-44s %10.3f s  (the 1,000 replicates take %.3f s)\n' \
  "icr stats ... alpha --se bootstrap (1,000)" "$boot" "$(echo "$boot - $alpha" | bc -l)"

compare() {  # compare NAME UNITS SCRIPT
  local name=$1 n=$2 script=$3 file="$WORK/wide_$2.csv"
  [[ -f "$file" ]] || generate "$n" "$file"
  local t
  if ! t=$(seconds "$PY" -c "$script" "$file" 2>/dev/null); then
    printf '%-44s %10s\n' "$name" "n/a"
    return
  fi
  local ratio
  ratio=$(echo "($t / $n) / $icr_per_unit" | bc -l)
  printf '%-44s %10.3f s  (%s units)  per unit: %8.1fx icr\n' "$name" "$t" "$n" "$ratio"
  [[ "$n" == "$UNITS" ]] || printf '%-44s %10.3f s  (scaled to %s units)\n' "" \
    "$(echo "$t * $UNITS / $n" | bc -l)" "$UNITS"
}

compare "NLTK AnnotationTask.alpha (binary)" 20000 '
import csv, sys
from nltk.metrics.agreement import AnnotationTask
rows = list(csv.reader(open(sys.argv[1])))
coders = rows[0][1:]
data = [(c, r[0], v) for r in rows[1:] for c, v in zip(coders, r[1:]) if v]
print(AnnotationTask(data=data).alpha())'

compare "statsmodels fleiss_kappa (+ csv module)" 200000 '
import csv, sys, numpy as np
from statsmodels.stats.inter_rater import fleiss_kappa
rows = list(csv.reader(open(sys.argv[1])))[1:]
table = np.zeros((len(rows), 20))
for i, r in enumerate(rows):
    for v in r[1:]:
        if v:
            table[i, int(v) - 1] += 1
# fleiss_kappa wants the same number of raters per unit: the complete units.
print(fleiss_kappa(table[table.sum(1) == table.sum(1).max()]))'

if "$PY" -c "import pandas" 2>/dev/null; then
  compare "pandas+numpy alpha nominal (vectorised)" "$UNITS" '
import sys, numpy as np, pandas as pd
df = pd.read_csv(sys.argv[1], index_col=0)
v = df.to_numpy()
counts = np.zeros((v.shape[0], 21))
for c in range(v.shape[1]):
    col = v[:, c]
    ok = ~np.isnan(col)
    np.add.at(counts, (np.nonzero(ok)[0], col[ok].astype(int)), 1)
m = counts.sum(1)
keep = m >= 2
counts, m = counts[keep], m[keep]
n_c = counts.sum(0)
n = n_c.sum()
do = ((m * m - (counts * counts).sum(1)) / (m - 1)).sum() / n
de = (n * n - (n_c * n_c).sum()) / (n * (n - 1))
print(1 - do / de)'
else
  printf '%-44s %10s\n' "pandas+numpy" "not installed"
fi
