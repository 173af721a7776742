#include "core/kan/kan_cost.h"

namespace ganglion::kan {

int basisCount(BasisKind kind, int grid, int order, int sinFrequencies) {
    switch (kind) {
    case BasisKind::BSpline:
    case BasisKind::ReluKan:
    case BasisKind::Af: return grid + order;
    case BasisKind::RbfAdaptive: return (grid + 1) * (sinFrequencies + 1);
    case BasisKind::Sine: return 2 * grid;
    case BasisKind::Rbf:
    case BasisKind::Chebyshev:
    case BasisKind::Poly: return grid + 1;
    }
    return grid + 1;
}

double basisMacs(BasisKind kind, int grid, int order, bool derivative, int sinFrequencies) {
    const double nb = basisCount(kind, grid, order, sinFrequencies), k = order;
    const double A = kAfActivations, kernels = grid + 1, M = sinFrequencies;
    switch (kind) {
    case BasisKind::BSpline: return derivative ? 2 * (k + 1) : 2 * k * (k + 3);
    case BasisKind::Rbf: return 3 * nb;
    case BasisKind::Chebyshev: return derivative ? 3 * nb + 1 : 2 * nb + 2;
    case BasisKind::ReluKan: return 3 * nb;
    case BasisKind::RbfAdaptive: return kernels * (4 + 2 * M);
    case BasisKind::Af: return derivative ? 6 * nb * A : 5 * nb * A;
    case BasisKind::Sine: return derivative ? 2 * nb : 2 * nb + 2;
    case BasisKind::Poly: return derivative ? 2 * nb + 1 : 3 * nb + 2;
    }
    return 0;
}

int basisParams(BasisKind kind, int grid) {
    if (kind == BasisKind::RbfAdaptive) return 2 * (grid + 1);
    if (kind == BasisKind::Af) return kAfActivations;
    return 0;
}

NodeCost layerCost(int in, int out, BasisKind kind, int grid, int order, bool bias, int sinFrequencies,
                   bool layerNorm) {
    const double I = in, O = out, nb = basisCount(kind, grid, order, sinFrequencies);
    NodeCost c;
    c.counted = true;
    c.params = O * I * nb + 2 * O * I + (bias ? O : 0) + I * basisParams(kind, grid) + (layerNorm ? 2 * I : 0);
    c.forwardMacs = I * basisMacs(kind, grid, order, false, sinFrequencies) + I + O * I * nb + O * I;
    c.trainMacs = c.forwardMacs + I * basisMacs(kind, grid, order, true, sinFrequencies) + I  // derivatives
                  + O * I * nb + O * I                                                       // weight gradients
                  + O * I * nb + O * I                                                       // input gradient
                  + I * nb;                                                                  // through the basis
    if (kind == BasisKind::RbfAdaptive) c.trainMacs += I * (grid + 1) * (6 + 2 * double(sinFrequencies));
    if (kind == BasisKind::Af) c.trainMacs += I * nb * 6 * kAfActivations;
    if (layerNorm) {
        c.forwardMacs += 4 * I;
        c.trainMacs += 4 * I + 8 * I;
    }
    c.cacheBytes = double(sizeof(float)) * (2 * I + 2 * I * nb + (layerNorm ? I : 0));  // x, silu(x), B, B', x̂
    return c;
}

}  // namespace ganglion::kan
