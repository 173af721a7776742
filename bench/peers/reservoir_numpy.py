#!/usr/bin/env python3
"""NumPy peer of bench_reservoir: the same E/I rate reservoir update (core/reservoir/ei_network.h)
and the same ridge readout refit (core/reservoir/readout.h), written the way NumPy code would be:
dense float32 weight blocks (NumPy has no sparse matrices), the step as a few vectorised
expressions, the refit as the (features+1)^2 normal equations solved in float64.
Prints `figure: NAME=VALUE` lines that bench_reservoir parses.
Each step rate is the best of --blocks blocks (a loaded machine only ever slows a block down).
Usage: reservoir_numpy.py [--neurons N] [--steps S] [--window W] [--targets K] [--refits R] [--blocks B]"""
import argparse
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--neurons", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--window", type=int, default=2000)
    ap.add_argument("--targets", type=int, default=40)
    ap.add_argument("--refits", type=int, default=3)
    ap.add_argument("--blocks", type=int, default=10)
    a = ap.parse_args()
    n, p, f_inh = a.neurons, 0.1, 0.2
    n_i = int(round(f_inh * n))
    n_e = n - n_i
    rng = np.random.default_rng(1)
    # weights uniform in (0, 2m), present with probability p, expected row sums 10 (as the C++ default)
    w_e = ((rng.random((n, n_e)) < p) * rng.random((n, n_e)) * 2 * 10.0 / (p * n_e)).astype(np.float32)
    w_i = ((rng.random((n, n_i)) < p) * rng.random((n, n_i)) * 2 * 10.0 / (p * n_i)).astype(np.float32)
    w_in = (0.3 * rng.uniform(-1, 1, n)).astype(np.float32)
    gain = np.full(n, 1.0, np.float32)
    target = (0.2 * np.exp(0.3 * rng.standard_normal(n))).astype(np.float32)
    leak, bias, eta = np.float32(0.5), np.float32(-2.0), np.float32(0.01)
    x = np.full(n, bias, np.float32)
    r = 1 / (1 + np.exp(-x))
    u = rng.uniform(-1, 1, a.steps + 200).astype(np.float32)

    def step(x, r, gain, ut):
        exc = w_e @ r[:n_e]
        inh = w_i @ r[n_e:]
        x = (1 - leak) * x + leak * (exc - gain * inh + w_in * ut + bias)
        r = 1 / (1 + np.exp(-x))
        gain = np.maximum(0, gain + eta * (r - target))
        return x, r, gain

    for t in range(200):
        x, r, gain = step(x, r, gain, u[t])
    best = float("inf")
    block = max(1, a.steps // a.blocks)
    for b in range(a.blocks):
        t0 = time.perf_counter()
        for t in range(200 + b * block, 200 + (b + 1) * block):
            x, r, gain = step(x, r, gain, u[t])
        best = min(best, time.perf_counter() - t0)
    print(f"figure: numpy_reservoir_steps_per_s={block / best:.1f}")
    if a.refits < 1:
        return

    # refit: ridge over a window of states, 30% held out, as RidgeReadout::refit
    states = rng.random((a.window, n)).astype(np.float32)
    goals = rng.standard_normal((a.window, a.targets)).astype(np.float32)
    lam = 1e-4
    times = []
    for _ in range(a.refits):
        t0 = time.perf_counter()
        n_test = int(round(0.3 * a.window))
        n_train = a.window - n_test
        X = np.hstack([states[:n_train].astype(np.float64), np.ones((n_train, 1))])
        Y = goals[:n_train].astype(np.float64)
        A = X.T @ X
        A[np.arange(n), np.arange(n)] += lam
        W = np.linalg.solve(A, X.T @ Y)
        Xt = np.hstack([states[n_train:].astype(np.float64), np.ones((n_test, 1))])
        P = Xt @ W
        Yt = goals[n_train:].astype(np.float64)
        pc, yc = P - P.mean(0), Yt - Yt.mean(0)
        r2 = (pc * yc).sum(0) ** 2 / ((pc * pc).sum(0) * (yc * yc).sum(0))
        times.append(time.perf_counter() - t0)
    print(f"figure: numpy_readout_refit_ms={1000 * min(times):.1f}")
    print(f"numpy {np.__version__}, memory capacity of the random readout (noise) {r2.sum():.3f}")


if __name__ == "__main__":
    main()
