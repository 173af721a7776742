// Per-sample cost of a KAN layer (see NodeCost), from its configuration alone, so the fair
// comparison helper can size networks that are not built. Counting rules, per sample:
//  - basis evaluation per input (basisMacs): B-spline order k by the Cox–de Boor triangle over
//    the k+1 non-zero functions, 4 multiplies per term: 2k(k+3), derivative 2(k+1); RBF 3 per
//    function (difference squared, scaled, exp), derivative 3 per function; Chebyshev 2 for the
//    tanh argument and 2 per function (T_j = 2u·T_j-1 − T_j-2), derivative 3 per function + 1;
//    ReLU-KAN 3 per function (product, square, normalisation), derivative 3 per function;
//    adaptive RBF 4 per kernel (difference, width division, square, exp) + 2 per sinusoid,
//    derivative the same; AF-KAN 4 per (function, activation) (two activations, product, square)
//    + 1 per (function, activation) to weigh it, derivative 6 per (function, activation); sine 2
//    per function + 2 for the argument, derivative 2 per function; Legendre 3 per function + 2,
//    derivative 2 per function + 1;
//  - trainable basis tensors (adaptive RBF centres and log-widths, AF-KAN attention) add their
//    size to the parameters and, in training, their gradient from dL/dB: adaptive RBF 6 per
//    kernel plus 2 per sinusoid, AF-KAN 6 per (function, activation), per input and sample;
//  - layer normalisation of the input (2·in parameters) adds 4·in forward and 8·in in training;
//  - forward: in·basis + in (SiLU) + out·in·nb (the (in·nb)→out spline product) + out·in (base);
//  - training adds the basis derivatives and SiLU gradient (in·deriv + in), the weight gradients
//    (out·in·nb + out·in), the input gradient through both products (out·in·nb + out·in) and its
//    chain through the basis derivatives (in·nb);
//  - per-batch work (scaling the coefficients, reducing scale gradients) is not per sample and is
//    left out; a snapped (symbolic) edge adds 3 per sample forward and 3 more in training.
#pragma once

#include "core/kan/kan_basis.h"
#include "core/model/cost.h"

namespace ganglion::kan {

/// Functions per input for a basis on `grid` intervals (B-spline, ReLU-KAN, AF-KAN: grid + order).
int basisCount(BasisKind kind, int grid, int order, int sinFrequencies = 0);
/// MACs to evaluate one input's basis values (or, with `derivative`, their derivatives).
double basisMacs(BasisKind kind, int grid, int order, bool derivative, int sinFrequencies = 0);
/// Trainable basis parameters per input (adaptive RBF: 2(grid+1); AF-KAN: its attention logits).
int basisParams(BasisKind kind, int grid);
/// Cost of a layer with `in` inputs and `out` outputs (no snapped edges); cacheBytes included.
NodeCost layerCost(int in, int out, BasisKind kind, int grid, int order, bool bias, int sinFrequencies = 0,
                   bool layerNorm = false);

}  // namespace ganglion::kan
