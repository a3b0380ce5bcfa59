#!/usr/bin/python3
"""Independent reference values for the agreement property test.

Reads generated reliability data (JSON, argv[1]) and prints, for every case,
the coefficients as computed by other implementations:
  NLTK 3.8 nltk.metrics.agreement.AnnotationTask  alpha (binary, interval,
      Jaccard, MASI distances), pi (Scott, two coders)
  statsmodels  fleiss_kappa (complete data), cohens_kappa (unweighted)
  scikit-learn cohen_kappa_score (unweighted, linear, quadratic)
and, where no packaged implementation exists, straight from the papers'
definitions with numpy (ordinal/ratio alpha over all pairs of values;
Gwet 2014's percent agreement, Fleiss with missing data, AC1/AC2 and
Brennan-Prediger).

Input: {"cases": [{"k": K, "sets": bool, "values": [[cell per coder] per unit]}]}
with a cell null (missing), an integer 1..K, or (sets) a list of strings.
Output: {"cases": [{name: value or null}]}. Exits non-zero when a module is
missing: the test must fail, not skip.
"""
import json
import sys
import itertools

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance, jaccard_distance, masi_distance
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa, cohens_kappa


def masi_distance_exact(label1, label2):
    """NLTK's masi_distance with Passonneau (2006)'s exact weights 2/3 and 1/3
    (NLTK rounds them to 0.67 and 0.33; icr follows the paper)."""
    common = len(label1 & label2)
    union = len(label1 | label2)
    if union == 0:
        return 0.0
    if len(label1) == len(label2) == common:
        m = 1.0
    elif common == min(len(label1), len(label2)):
        m = 2.0 / 3.0
    elif common > 0:
        m = 1.0 / 3.0
    else:
        m = 0.0
    return 1 - common / union * m


def nltk_alpha(values, distance, as_set=False):
    triples = []
    for u, row in enumerate(values):
        for c, v in enumerate(row):
            if v is None:
                continue
            label = frozenset(v) if as_set else v
            triples.append((str(c), str(u), label))
    if not triples:
        return None
    task = AnnotationTask(data=triples, distance=distance)
    try:
        value = task.alpha()
    except ZeroDivisionError:
        return None
    if len({t[2] for t in triples}) < 2:
        return None  # NLTK returns 1 here; alpha is undefined
    return float(value)


def pairs_alpha(values, delta):
    """Krippendorff's alpha from its definition: every ordered pair of values
    from different coders in a unit, weighted 1 / (m_u - 1)."""
    o = {}
    for row in values:
        vals = [v for v in row if v is not None]
        m = len(vals)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            key = (vals[i], vals[j])
            o[key] = o.get(key, 0.0) + 1.0 / (m - 1)
    n_c = {}
    for (a, b), w in o.items():
        n_c[a] = n_c.get(a, 0.0) + w
    n = sum(n_c.values())
    if n < 2 or len([c for c in n_c if n_c[c] > 0]) < 2:
        return None
    cats = sorted(n_c)
    d_o = sum(w * delta(a, b, n_c, cats) for (a, b), w in o.items()) / n
    d_e = sum(n_c[a] * n_c[b] * delta(a, b, n_c, cats) for a in cats for b in cats) / (n * (n - 1))
    if d_e == 0:
        return None
    return 1.0 - d_o / d_e


def ordinal_delta(a, b, n_c, cats):
    lo, hi = min(a, b), max(a, b)
    s = sum(n_c[g] for g in cats if lo <= g <= hi)
    return (s - (n_c[a] + n_c[b]) / 2.0) ** 2


def ratio_delta(a, b, n_c, cats):
    return ((a - b) / (a + b)) ** 2 if a + b != 0 else 0.0


def gwet_family(values, k, weights=None):
    """Gwet (2014), Handbook of Inter-Rater Reliability, ch. 2-5, raw-data
    formulas with missing values (as irrCAC's *.raw functions)."""
    rows = [[v for v in row if v is not None] for row in values]
    rows = [r for r in rows if r]
    if not rows:
        return {}
    counts = np.zeros((len(rows), k))
    for i, r in enumerate(rows):
        for v in r:
            counts[i, v - 1] += 1
    w = np.eye(k) if weights is None else weights
    r_i = counts.sum(axis=1)
    star = counts @ w.T
    two = r_i >= 2
    if not two.any():
        return {}
    pa_w = np.sum((counts[two] * (star[two] - 1)).sum(axis=1) / (r_i[two] * (r_i[two] - 1))) / two.sum()
    pa = np.sum((counts[two] * (counts[two] - 1)).sum(axis=1) / (r_i[two] * (r_i[two] - 1))) / two.sum()
    pi = (counts / r_i[:, None]).mean(axis=0)
    out = {"percent_agreement": pa}
    pe_f = float(np.sum(pi * pi))
    out["fleiss_gwet"] = (pa - pe_f) / (1 - pe_f) if pe_f < 1 - 1e-12 and (pi > 0).sum() >= 2 else None
    if k < 2:
        out["ac"] = out["bp"] = None
        return out
    pe_ac = w.sum() * np.sum(pi * (1 - pi)) / (k * (k - 1))
    out["ac"] = (pa_w - pe_ac) / (1 - pe_ac) if pe_ac < 1 - 1e-12 else None
    out["bp"] = (pa - 1.0 / k) / (1 - 1.0 / k)
    return out


def weight_matrix(k, kind):
    i = np.arange(k)
    d = np.abs(i[:, None] - i[None, :]) / (k - 1)
    return 1 - d if kind == "linear" else 1 - d * d


def case_reference(case):
    values, k = case["values"], case["k"]
    out = {}
    if case["sets"]:
        out["alpha_jaccard"] = nltk_alpha(values, jaccard_distance, as_set=True)
        out["alpha_masi"] = nltk_alpha(values, masi_distance_exact, as_set=True)
        # NLTK's own rounded MASI, compared with a tolerance of 0.01.
        out["alpha_masi_nltk_rounded"] = nltk_alpha(values, masi_distance, as_set=True)
        return out
    out["alpha_nominal"] = nltk_alpha(values, binary_distance)
    out["alpha_interval"] = nltk_alpha(values, interval_distance)
    out["alpha_ordinal"] = pairs_alpha(values, ordinal_delta)
    out["alpha_ratio"] = pairs_alpha(values, ratio_delta)
    g = gwet_family(values, k)
    out["percent_agreement"] = g.get("percent_agreement")
    out["fleiss_kappa"] = g.get("fleiss_gwet")
    out["gwet_ac1"] = g.get("ac")
    out["brennan_prediger"] = g.get("bp")
    for kind in ("linear", "quadratic"):
        if k < 2:
            continue
        out["gwet_ac2_" + kind] = gwet_family(values, k, weight_matrix(k, kind)).get("ac")
    sizes = {sum(v is not None for v in row) for row in values}
    sizes.discard(0)
    if len(sizes) == 1 and min(sizes) >= 2:
        table = np.zeros((len(values), k))
        for i, row in enumerate(values):
            for v in row:
                if v is not None:
                    table[i, v - 1] += 1
        table = table[table.sum(axis=1) > 0]
        p = table.sum(axis=0) / table.sum()
        out["fleiss_kappa_statsmodels"] = float(fleiss_kappa(table)) if np.sum(p * p) < 1 - 1e-12 else None
    if len(values[0]) == 2:
        both = [(a, b) for a, b in values if a is not None and b is not None]
        if both:
            y1 = [a for a, _ in both]
            y2 = [b for _, b in both]
            labels = list(range(1, k + 1))
            table = np.zeros((k, k))
            for a, b in both:
                table[a - 1, b - 1] += 1
            defined = not (len(set(y1)) == 1 and set(y1) == set(y2))
            out["cohen_kappa_statsmodels"] = float(cohens_kappa(table, return_results=False)) if defined else None
            for kind in ("none", "linear", "quadratic"):
                out["cohen_kappa_sklearn_" + kind] = (
                    float(cohen_kappa_score(y1, y2, labels=labels, weights=None if kind == "none" else kind))
                    if defined else None)
            if defined:
                task = AnnotationTask(data=[(c, str(u), v) for u, pair in enumerate(both) for c, v in zip("ab", pair)])
                out["scott_pi"] = float(task.pi())
            else:
                out["scott_pi"] = None
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    print(json.dumps({"cases": [case_reference(c) for c in cases]}))


if __name__ == "__main__":
    main()
