"""Independent reference for weights_test.cc: irrCAC's weighted coefficients
and their variances (Gwet 2014, ch. 3-6), written out in numpy from the R
source of irrCAC (R/weights.gen.r, R/agree.coeff3.raw.r: pa.coeff.raw,
fleiss.kappa.raw, krippen.alpha.raw, conger.kappa.raw, gwet.ac1.raw,
bp.coeff.raw; kappa2.table and scott2.table for two raters), and
scikit-learn's cohen_kappa_score for the quadratic and linear Cohen's kappa.

Input: {"cases": [{"weights": family, "scores": [...], "values": [[coder's
values or null per unit], ...]}, or {"sklearn": "linear"|"quadratic", "k": k,
"values": [[...], [...]]}]}. Output: {"cases": [{name: value, name_se: se}]}.
"""
import json
import sys

import numpy as np
from sklearn.metrics import cohen_kappa_score


def family_weights(name, x):
    x = np.asarray(x, dtype=float)
    q = len(x)
    if q < 2:
        return np.eye(q)
    lo, hi = x.min(), x.max()
    d = x[:, None] - x[None, :]
    s = x[:, None] + x[None, :]
    if name == "linear":
        return 1 - np.abs(d) / (hi - lo)
    if name == "quadratic":
        return 1 - d ** 2 / (hi - lo) ** 2
    if name == "radical":
        return 1 - np.sqrt(np.abs(d)) / np.sqrt(hi - lo)
    if name == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where(s > 0, d / s, 0.0)
        return 1 - r ** 2 / ((hi - lo) / (hi + lo)) ** 2
    if name == "circular":
        w = np.sin(np.pi * d / (hi - lo + 1)) ** 2
        return 1 - w / w.max()
    if name == "bipolar":
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(np.eye(q, dtype=bool), 0.0, d ** 2 / ((s - 2 * lo) * (2 * hi - s)))
        return 1 - w / w.max()
    if name == "ordinal":
        i = np.arange(q)
        n = np.abs(i[:, None] - i[None, :]) + 1
        w = n * (n - 1) / 2.0
        return 1 - w / w.max()
    raise ValueError(name)


@np.errstate(invalid="ignore", divide="ignore")
def raw(values, scores, w):
    """values: coders x units, category indices or None."""
    q = len(scores)
    ratings = [[v for v in unit] for unit in zip(*values)]  # units x coders
    ratings = [u for u in ratings if any(v is not None for v in u)]
    n, r = len(ratings), len(values)
    agree = np.zeros((n, q))
    for i, u in enumerate(ratings):
        for v in u:
            if v is not None:
                agree[i, v] += 1
    agree_w = agree @ w.T
    ri = agree.sum(axis=1)
    sum_q = (agree * (agree_w - 1)).sum(axis=1)
    two = ri >= 2
    n2 = two.sum()
    pa = np.sum(sum_q[two] / (ri[two] * (ri[two] - 1))) / n2
    den = ri * (ri - 1)
    den = den - (den == 0)
    pa_i = sum_q / den
    pi = (agree / ri[:, None]).mean(axis=0)
    out = {}

    def var(x, value):
        return float(np.sqrt(np.sum((x - value) ** 2) / (n * (n - 1))))

    # Percent agreement.
    out["percent_agreement"] = pa
    out["percent_agreement_se"] = var((n / n2) * pa_i, pa)
    # Fleiss.
    pe = np.sum(w * np.outer(pi, pi))
    k = (pa - pe) / (1 - pe)
    kap_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
    pibar = (w @ pi + w.T @ pi) / 2
    pe_i = (agree @ pibar) / ri
    out["fleiss_kappa"] = k
    out["fleiss_kappa_se"] = var(kap_i - 2 * (1 - k) * (pe_i - pe) / (1 - pe), k)
    # Gwet's AC2.
    pe = w.sum() * np.sum(pi * (1 - pi)) / (q * (q - 1))
    k = (pa - pe) / (1 - pe)
    ac_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
    pe_i = (w.sum() / (q * (q - 1))) * (agree @ (1 - pi)) / ri
    out["gwet_ac2"] = k
    out["gwet_ac2_se"] = var(ac_i - 2 * (1 - k) * (pe_i - pe) / (1 - pe), k)
    # Brennan-Prediger.
    pe = w.sum() / q ** 2
    k = (pa - pe) / (1 - pe)
    out["brennan_prediger"] = k
    out["brennan_prediger_se"] = var((n / n2) * (pa_i - pe * two) / (1 - pe), k)
    # Conger.
    classif = np.zeros((r, q))
    eps = np.zeros((n, r))
    delta = np.zeros((n, r, q))
    for i, u in enumerate(ratings):
        for g, v in enumerate(u):
            if v is not None:
                classif[g, v] += 1
                eps[i, g] = 1
                delta[i, g, v] = 1
    ng = classif.sum(axis=1)
    rated = ng > 0
    pgk = classif[rated] / ng[rated][:, None]
    rr = rated.sum()
    pmean = pgk.mean(axis=0)
    s2 = (pgk.T @ pgk - rr * np.outer(pmean, pmean)) / (rr - 1)
    pe = np.sum(w * (np.outer(pmean, pmean) - s2 / rr))
    k = (pa - pe) / (1 - pe)
    lam = np.zeros((n, rr))
    eps_r, delta_r, ng_r = eps[:, rated], delta[:, rated, :], ng[rated]
    for kk in range(q):
        lk = np.zeros((n, rr))
        for ll in range(q):
            lk += w[kk, ll] * (delta_r[:, :, ll] - (eps_r - ng_r[None, :] / n) * pgk[None, :, ll])
        lk *= (n / ng_r)[None, :]
        lam += lk * (rr * pgk[:, kk].mean() - pgk[None, :, kk])
    pe_i = lam.sum(axis=1) / (rr * (rr - 1))
    c_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
    out["conger_kappa"] = k
    out["conger_kappa_se"] = var(c_i - 2 * (1 - k) * (pe_i - pe) / (1 - pe), k)
    # Krippendorff's alpha (krippen.alpha.raw).
    am, aw, rv = agree[two], agree_w[two], ri[two]
    rbar = rv.mean()
    m = len(rv)
    epsi = 1 / rv.sum()
    sq = (am * (aw - 1)).sum(axis=1)
    paprime = np.sum(sq / (rbar * (rv - 1))) / m
    pa_a = (1 - epsi) * paprime + epsi
    pia = (am / rbar).mean(axis=0)
    pe = np.sum(w * np.outer(pia, pia))
    alpha = (pa_a - pe) / (1 - pe)
    alpha_p = (paprime - pe) / (1 - pe)
    pa_i = sq / (rbar * (rv - 1)) - paprime * (rv - rbar) / rbar
    pibar = (w @ pia + w.T @ pia) / 2
    pe_i = (am @ pibar) / rbar - pe * (rv - rbar) / rbar
    x = (pa_i - pe) / (1 - pe) - 2 * (1 - alpha_p) * (pe_i - pe) / (1 - pe)
    out["krippendorff_alpha"] = alpha
    out["krippendorff_alpha_se"] = float(np.sqrt(np.sum((x - alpha_p) ** 2) / (m * (m - 1))))
    if r == 2:
        both = [(a, b) for a, b in zip(*values) if a is not None and b is not None]
        out.update(two_raters(both, w, q))
    out["light_kappa"] = light(values, w, q)
    # Undefined (0 / 0) is null, as icr's undefined coefficients.
    return {key: (float(v) if np.isfinite(v) else None) for key, v in out.items()}


def two_raters(pairs, w, q):
    n = len(pairs)
    p = np.zeros((q, q))
    for a, b in pairs:
        p[a, b] += 1.0 / n
    out = {}
    pa = np.sum(w * p)
    row, col = p.sum(axis=1), p.sum(axis=0)
    # kappa2.table
    pe = np.sum(w * np.outer(row, col))
    k = (pa - pe) / (1 - pe)
    a, b = w @ col, w.T @ row
    s = np.sum(p * (w - (1 - k) * (a[:, None] + b[None, :])) ** 2)
    out["cohen_kappa"] = k
    out["cohen_kappa_se"] = np.sqrt((s - (pa - 2 * (1 - k) * pe) ** 2) / (n * (1 - pe) ** 2))
    # scott2.table
    pi = (row + col) / 2
    pe = np.sum(w * np.outer(pi, pi))
    k = (pa - pe) / (1 - pe)
    bar = ((w + w.T) / 2) @ pi
    s = np.sum(p * (w - (1 - k) * (bar[:, None] + bar[None, :])) ** 2)
    out["scott_pi"] = k
    out["scott_pi_se"] = np.sqrt((s - (pa - 2 * (1 - k) * pe) ** 2) / (n * (1 - pe) ** 2))
    return out


def light(values, w, q):
    complete = [u for u in zip(*values) if all(v is not None for v in u)]
    r = len(values)
    kappas = []
    for a in range(r):
        for b in range(a + 1, r):
            kappas.append(two_raters([(u[a], u[b]) for u in complete], w, q)["cohen_kappa"])
    return float(np.mean(kappas))


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    out = []
    for case in cases:
        if "sklearn" in case:
            a, b = case["values"]
            out.append({"cohen_kappa_sklearn": float(cohen_kappa_score(
                a, b, labels=list(range(1, case["k"] + 1)), weights=case["sklearn"]))})
            continue
        scores = case["scores"]
        index = {s: i for i, s in enumerate(scores)}
        values = [[None if v is None else index[v] for v in row] for row in case["values"]]
        w = family_weights(case["weights"], scores)
        out.append(raw(values, scores, w))
    json.dump({"cases": out}, sys.stdout)


if __name__ == "__main__":
    main()
