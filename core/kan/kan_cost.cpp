#include "core/kan/kan_cost.h"

namespace ganglion::kan {

int basisCount(BasisKind kind, int grid, int order) {
    return kind == BasisKind::BSpline || kind == BasisKind::ReluKan ? grid + order : grid + 1;
}

double basisMacs(BasisKind kind, int grid, int order, bool derivative) {
    const double nb = basisCount(kind, grid, order), k = order;
    switch (kind) {
    case BasisKind::BSpline: return derivative ? 2 * (k + 1) : 2 * k * (k + 3);
    case BasisKind::Rbf: return 3 * nb;
    case BasisKind::Chebyshev: return derivative ? 3 * nb + 1 : 2 * nb + 2;
    case BasisKind::ReluKan: return 3 * nb;
    }
    return 0;
}

NodeCost layerCost(int in, int out, BasisKind kind, int grid, int order, bool bias) {
    const double I = in, O = out, nb = basisCount(kind, grid, order);
    NodeCost c;
    c.counted = true;
    c.params = O * I * nb + 2 * O * I + (bias ? O : 0);
    c.forwardMacs = I * basisMacs(kind, grid, order, false) + I + O * I * nb + O * I;
    c.trainMacs = c.forwardMacs + I * basisMacs(kind, grid, order, true) + I  // derivatives
                  + O * I * nb + O * I                                          // weight gradients
                  + O * I * nb + O * I                                          // input gradient
                  + I * nb;                                                     // through the basis
    c.cacheBytes = double(sizeof(float)) * (2 * I + 2 * I * nb);  // x, silu(x), B, B'
    return c;
}

}  // namespace ganglion::kan
