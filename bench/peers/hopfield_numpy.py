#!/usr/bin/env python3
"""NumPy peer of bench_hopfield: asynchronous T = 0 sweeps of a Hopfield network.

Same formulation as Ganglion's core/memory/hopfield.cpp: Hebbian couplings J = xi xi^T / N with zero
diagonal, kept factored as the K overlaps M = xi^T s (an N x N float32 J would take 400 MB at
N = 10,000 and its incremental field update costs O(N) per flip against O(K) here). A sweep
visits the neurons in a fresh random permutation; each visit computes the local field
h_i = xi_i . M / N - J_ii s_i with one vectorised dot product over the K patterns and, on a flip,
updates M with one vectorised axpy. Asynchronous updates are sequential by definition, so the loop
over neurons stays in Python; everything inside it is NumPy.

Prints `figure: hopfield_numpy_sweeps_per_s=X` and the final overlap with the cued pattern.
"""
import argparse
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--neurons", type=int, default=10000)
    ap.add_argument("--patterns", type=int, default=100)
    ap.add_argument("--sweeps", type=int, default=5, help="sweeps per recall (from a fresh cue)")
    ap.add_argument("--flip", type=float, default=0.3, help="fraction of the cue negated")
    ap.add_argument("--seconds", type=float, default=2.0, help="repeat recalls for at least this long")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    n, k = a.neurons, a.patterns
    xi = np.where(rng.random((n, k)) < 0.5, -1.0, 1.0).astype(np.float32)  # row i: neuron i's entries
    diag = (xi * xi).sum(axis=1) / n
    inv_n = np.float32(1.0 / n)

    total_sweeps, total_time, overlap = 0, 0.0, 0.0
    while total_time < a.seconds:
        s = xi[:, 0].copy()
        flip = rng.choice(n, int(round(a.flip * n)), replace=False)
        s[flip] = -s[flip]
        t0 = time.perf_counter()
        m = xi.T @ s
        for _ in range(a.sweeps):
            for i in rng.permutation(n):
                row = xi[i]
                si = s[i]
                h = float(row @ m) * inv_n - diag[i] * si
                new = 1.0 if h > 0 else (-1.0 if h < 0 else si)
                if new != si:
                    s[i] = new
                    m += (2.0 * new) * row
        total_time += time.perf_counter() - t0
        total_sweeps += a.sweeps
        overlap = float(m[0]) / n
    print(f"summary: neurons={n} patterns={k} sweeps={total_sweeps} seconds={total_time:.3f} overlap={overlap:.4f}")
    print(f"figure: hopfield_numpy_sweeps_per_s={total_sweeps / total_time:.3f}")


if __name__ == "__main__":
    main()
