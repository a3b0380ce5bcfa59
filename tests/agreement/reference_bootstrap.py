#!/usr/bin/python3
"""Known answers for the bootstrap's pinned generator (Bootstrap.GeneratorIsPinned
in edge_cases_test.cc), computed independently of the C++ code:

  splitmix64 (Steele, Lea & Flood 2014; Vigna's reference C code) seeding
  xoshiro256** (Blackman & Vigna 2021), Lemire's (2019) bounded integers, and
  the units bootstrap of alpha with D_e held fixed (bootstrap.h) on the
  Krippendorff (2011) C data at the interval level.

Run: python3 tests/agreement/reference_bootstrap.py
"""
M = (1 << 64) - 1
def splitmix(x):
    x = (x + 0x9e3779b97f4a7c15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return x, z ^ (z >> 31)
def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
class Rng:
    def __init__(self, seed):
        self.s = []
        x = seed
        for _ in range(4):
            x, z = splitmix(x); self.s.append(z)
    def next(self):
        s = self.s
        r = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
        return r
    def uniform(self, n):
        m = self.next() * n
        low = m & M
        if low < n:
            th = ((1 << 64) - n) % n
            while low < th:
                m = self.next() * n; low = m & M
        return m >> 64
x, z = splitmix(0)
print("splitmix64(0) first:", hex(z))
r = Rng(0)
print("seed0:", [hex(r.next()) for _ in range(4)])
r = Rng(12345)
print("uniform10 seed 12345:", [r.uniform(10) for _ in range(10)])

import math
C = [["1","1","","1"],["2","2","3","2"],["3","3","3","3"],["3","3","3","3"],["2","2","2","2"],["1","2","3","4"],["4","4","4","4"],["1","1","2","1"],["2","2","2","2"],["","5","5","5"],["","","1","1"],["","3","",""]]
units = [[float(v) for v in row if v] for row in C]
pairable = [u for u in units if len(u) >= 2]
from collections import Counter
marg = Counter()
for u in pairable:
    for v in u: marg[v] += 1
n = sum(marg.values())
De = sum(marg[a]*marg[b]*(a-b)**2 for a in marg for b in marg) / (n*(n-1))
d = []; m = []
for u in pairable:
    cnt = Counter(u); mu = len(u)
    d.append(sum(cnt[a]*cnt[b]*(a-b)**2 for a in cnt for b in cnt if a != b) / (mu-1)); m.append(mu)
Do = sum(d)/sum(m)
print("alpha interval C:", 1 - Do/De, "n", n)
def boot(seed, B, conf, amin):
    r = Rng(seed); reps = []; below = 0
    N = len(d)
    for s in range(B):
        sd = 0.0; sm = 0.0
        for i in range(N):
            u = r.uniform(N); sd += d[u]; sm += m[u]
        v = 1.0 - (sd/sm)/De
        if v < amin: below += 1
        reps.append(v)
    reps.sort()
    lo = math.floor(B*(1-conf)/2 + 1e-9); hi = math.ceil(B*(1+conf)/2 - 1e-9) - 1
    return reps[lo], reps[hi], below/B
print("boot seed 42 B 2000:", repr(boot(42, 2000, 0.95, 0.667)))
print("boot seed 0 B 1000:", repr(boot(0, 1000, 0.95, 0.8)))
