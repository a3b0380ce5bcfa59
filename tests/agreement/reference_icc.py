"""Independent intraclass correlations for icc_test.cc.

Mean squares from statsmodels' two-way analysis of variance (ordinary least
squares on unit and rater factors, anova_lm) and from a one-way one; F
quantiles and tails from scipy. The ICC forms and their intervals are McGraw &
Wong (1996), Tables 4 and 7, written out from the paper. Prints, for each case,
a JSON list of [value, F, df1, df2, p, low, high] per form, in icc.h's order.
"""
import json
import sys

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy.stats import f as fdist
from statsmodels.stats.anova import anova_lm


def mean_squares(table):
    n, k = table.shape
    frame = pd.DataFrame(
        [(u, r, table[u, r]) for u in range(n) for r in range(k)], columns=["unit", "rater", "y"])
    two = anova_lm(smf.ols("y ~ C(unit) + C(rater)", data=frame).fit())
    one = anova_lm(smf.ols("y ~ C(unit)", data=frame).fit())
    return (two.loc["C(unit)", "mean_sq"], two.loc["C(rater)", "mean_sq"],
            two.loc["Residual", "mean_sq"], one.loc["Residual", "mean_sq"])


def forms(table, confidence):
    n, k = table.shape
    msr, msc, mse, msw = mean_squares(table)
    q = 1 - (1 - confidence) / 2
    out = []
    for error, df2 in ((msw, n * (k - 1)), (mse, (n - 1) * (k - 1))):
        ratio = msr / error
        fl = ratio / fdist.ppf(q, n - 1, df2)
        fu = ratio * fdist.ppf(q, df2, n - 1)
        p = fdist.sf(ratio, n - 1, df2)
        out.append([(msr - error) / (msr + (k - 1) * error), ratio, n - 1, df2, p,
                    (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)])
        out.append([(msr - error) / msr, ratio, n - 1, df2, p, 1 - 1 / fl, 1 - 1 / fu])
    single = (msr - mse) / (msr + (k - 1) * mse + k / n * (msc - mse))
    a = k * single / (n * (1 - single))
    b = 1 + k * single * (n - 1) / (n * (1 - single))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    fl = fdist.ppf(q, n - 1, v)
    fu = fdist.ppf(q, v, n - 1)
    c = k * msc + (k * n - k - n) * mse
    low = n * (msr - fl * mse) / (fl * c + n * msr)
    high = n * (fu * msr - mse) / (c + n * fu * msr)
    p = fdist.sf(msr / mse, n - 1, v)
    out.append([single, msr / mse, n - 1, v, p, low, high])
    step = lambda x: k * x / (1 + (k - 1) * x)
    out.append([(msr - mse) / (msr + (msc - mse) / n), msr / mse, n - 1, v, p, step(low), step(high)])
    return out


cases = json.load(open(sys.argv[1]))
print(json.dumps([forms(np.array(c["ratings"], dtype=float), c["confidence"]) for c in cases]))
