#!/usr/bin/env python3
"""Fit the polynomial coefficients used by nninit's own elementary functions.

nninit cannot call libm or Math.log/sin/cos in the value path (DESIGN.md section 3), so
log, sincos, expm1 and erfinv are written as polynomials evaluated op for op in C++ and
TypeScript. This script produces those coefficients: weighted least squares on Chebyshev
nodes against mpmath at 50 digits (close to minimax), coefficients rounded to the target
precision, then the error of the rounded polynomial measured in that precision with numpy.

Run: python3 scripts/fit-polynomials.py  (needs numpy and mpmath; not needed to build or test).
The printed coefficients are pasted into lib/kernels/math.ts and native/src/math_coeffs.h.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 50


def fit(func, lo, hi, degree, n=4000, rel=True, powers=None):
    powers = powers if powers is not None else list(range(degree + 1))
    xs = [mp.mpf(lo) + (mp.mpf(hi) - mp.mpf(lo)) * (1 - mp.cos(mp.pi * (k + 0.5) / n)) / 2 for k in range(n)]
    A = mp.matrix(n, len(powers))
    b = mp.matrix(n, 1)
    for i, x in enumerate(xs):
        y = func(x)
        w = 1 / abs(y) if rel and y != 0 else 1
        for j, p in enumerate(powers):
            A[i, j] = x ** p * w
        b[i] = y * w
    # normal equations in 50-digit arithmetic are fine at these degrees
    c = mp.lu_solve(A.T * A, A.T * b)
    return [c[j] for j in range(len(powers))]


def horner(coeffs, x, dt):
    r = dt(coeffs[-1])
    for c in reversed(coeffs[:-1]):
        r = dt(r * x) + dt(c)
        r = dt(r)
    return r


def show(name, coeffs, dt):
    print(f"{name} = [")
    for c in coeffs:
        v = dt(float(c))
        print(f"  {repr(float(v))},")
    print("]")


# ---------- float32 ----------
f32 = np.float32
# log(1+f) = f - f^2/2 + f^3 P(f), f in [sqrt(1/2)-1, sqrt(2)-1]
lo, hi = mp.sqrt(0.5) - 1, mp.sqrt(2) - 1
P = fit(lambda f: (mp.log1p(f) - f + f * f / 2) / f**3, lo, hi, 6)
show("LOG_F32", P, f32)
# sin(pi/4 t) = t S(t^2); cos(pi/4 t) = C(t^2), t in [0,1]
S = fit(lambda z: mp.sin(mp.pi / 4 * mp.sqrt(z)) / mp.sqrt(z) if z > 0 else mp.pi / 4, 0, 1, 3)
show("SIN_F32", S, f32)
C = fit(lambda z: mp.cos(mp.pi / 4 * mp.sqrt(z)), 0, 1, 4)
show("COS_F32", C, f32)
# erfinv(x) = x * E(w), w = -log((1-x)(1+x)); branch A: w < 5 in (w - 2.5); branch B: sqrt(w) - 3
def erfinv_over_x_of_w(w):
    x = mp.sqrt(1 - mp.exp(-w))
    return mp.erfinv(x) / x
EA = fit(lambda t: erfinv_over_x_of_w(t + 2.5), -2.5 + mp.mpf('1e-30'), 2.5, 8)
show("ERFINV_A_F32", EA, f32)
EB = fit(lambda t: erfinv_over_x_of_w((t + 3) ** 2), mp.sqrt(5) - 3, mp.sqrt(17) - 3, 8)
show("ERFINV_B_F32", EB, f32)

# ---------- float64 ----------
f64 = np.float64
# log(1+f) = f - s (f - R), s = f/(2+f), R = z Q(z), z = s^2 in [0, ((sqrt2-1)/(sqrt2+1))^2]
zmax = ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2
def Rz(z):
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) - 2 * s) / s
Q = fit(lambda z: Rz(z) / z if z > 0 else mp.mpf(2) / 3, 0, zmax, 7)
show("LOG_F64", Q, f64)
S64 = fit(lambda z: mp.sin(mp.pi / 4 * mp.sqrt(z)) / mp.sqrt(z) if z > 0 else mp.pi / 4, 0, 1, 8)
show("SIN_F64", S64, f64)
C64 = fit(lambda z: mp.cos(mp.pi / 4 * mp.sqrt(z)), 0, 1, 9)
show("COS_F64", C64, f64)
# exp(r) = 1 + r + r^2 E(r), |r| <= ln2/2
E64 = fit(lambda r: (mp.exp(r) - 1 - r) / r**2 if r != 0 else mp.mpf(0.5), -mp.log(2) / 2, mp.log(2) / 2, 11)
show("EXP_F64", E64, f64)

# ---------- error report (in the target precision, Horner as the kernels do) ----------
def report(name, fn_poly, fn_true, xs):
    errs = []
    for x in xs:
        a = fn_poly(x)
        t = fn_true(x)
        errs.append(abs((mp.mpf(float(a)) - t) / t) if t != 0 else abs(mp.mpf(float(a))))
    print(f"# {name}: max rel err {float(max(errs)):.3e}")

rng = np.random.default_rng(1)
fs = rng.uniform(float(lo), float(hi), 3000).astype(f32)
report("log f32 core", lambda f: f32(f32(f - f32(f32(0.5) * f32(f * f))) + f32(f32(f32(f * f) * f) * horner(P, f, f32))), lambda f: mp.log1p(mp.mpf(float(f))), fs)
ts = rng.uniform(0, 1, 3000).astype(f32)
report("sin f32", lambda t: f32(t * horner(S, f32(t * t), f32)), lambda t: mp.sin(mp.pi / 4 * mp.mpf(float(t))), ts[ts > 1e-3])
report("cos f32", lambda t: horner(C, f32(t * t), f32), lambda t: mp.cos(mp.pi / 4 * mp.mpf(float(t))), ts)
ts64 = rng.uniform(0, 1, 2000)
report("sin f64", lambda t: t * horner(S64, t * t, f64), lambda t: mp.sin(mp.pi / 4 * mp.mpf(t)), ts64)
report("cos f64", lambda t: horner(C64, t * t, f64), lambda t: mp.cos(mp.pi / 4 * mp.mpf(t)), ts64)
rs = rng.uniform(-0.3466, 0.3466, 2000)
report("exp f64", lambda r: 1 + (r + r * r * horner(E64, r, f64)), lambda r: mp.exp(mp.mpf(r)), rs)
fs64 = rng.uniform(float(lo), float(hi), 2000)
def log64(f):
    s = f / (2 + f)
    z = s * s
    R = z * horner(Q, z, f64)
    return f - s * (f - R)
report("log1p f64 core", log64, lambda f: mp.log1p(mp.mpf(f)), fs64)
xs = rng.uniform(-0.9999, 0.9999, 3000).astype(f32)
def erfinv32(x):
    w = -np.log(f32(f32(1 - x) * f32(1 + x)), dtype=np.float64)
    w = f32(w)
    if w < 5:
        return f32(x * horner(EA, f32(w - f32(2.5)), f32))
    return f32(x * horner(EB, f32(f32(np.sqrt(w)) - f32(3)), f32))
report("erfinv f32 (numpy log)", erfinv32, lambda x: mp.erfinv(mp.mpf(float(x))), xs)
