// Symbolic recovery as pykan's tutorial does it (Liu et al. 2024, §2.5 "Toward interpretability"):
// a KAN trained with a sparsity penalty is pruned (nodes, then edges), retrained briefly with
// L-BFGS, every remaining edge is snapped to its best symbolic candidate, the constants of the
// resulting closed form are refined on the training data (Levenberg–Marquardt, in double
// precision — pykan retrains the affine parameters by gradient descent instead), and the formula
// is simplified (kan_expr.h) with every constant rounded to the precision the test data supports.
#pragma once

#include "core/kan/kan_expr.h"
#include "core/kan/kan_net.h"

#include <string>
#include <vector>

namespace ganglion::kan {

struct DiscoverConfig {
    float pruneThreshold = 0.01f;  ///< node and edge attribution threshold (pykan: 1e-2)
    int retrainIterations = 60;    ///< L-BFGS iterations after pruning (0 = none)
    double snapR2 = 0.0;           ///< snap to the first candidate (by score) reaching this R²
    int refineIterations = 200;    ///< Levenberg–Marquardt iterations on the closed form
    double relTolerance = 1e-4;    ///< rounding may raise the test RMSE to this × std(y)
    int maxDecimals = 6;
    double targetR2 = 0.9999;      ///< a closed form reaching this on the test data is accepted
    int thresholdSteps = 4;        ///< prune thresholds tried: pruneThreshold × 3^t ; the simplest success wins
    int alternatives = 3;          ///< runner-up candidates tried per edge
    double alternativeR2 = 0.99;   ///< … when they fit the edge at least this well
    int maxAlternatives = 40;      ///< runner-ups evaluated in all (bounds the time of a poor fit's search)
    SymbolicOptions symbolic;
};

struct DiscoverResult {
    bool complete = false;               ///< every output is a closed form (no numeric edge left)
    std::vector<Expr> expressions;       ///< per output, when complete
    std::vector<std::string> formulas;   ///< per output: simplified text (or the raw one with phi[…])
    std::vector<double> r2;              ///< per output, on the test data (closed form when complete)
    int nodesPruned = 0, edgesPruned = 0, edgesSnapped = 0;
    std::vector<int> widths;             ///< of the net after pruning
};

/// The closed form of every output of a net whose active edges are all symbolic; false (and
/// `why` naming the first numeric edge) otherwise.
bool netExpressions(const Net& net, std::vector<Expr>& out, std::string* why = nullptr);

/// Levenberg–Marquardt on the constants of e so that e(x) ≈ y (1 x n); returns the final RMSE.
double refineConstants(Expr& e, const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int iterations);

/// Runs the whole workflow on `net` (modified: pruned, retrained, snapped). x: in x n, y: out x n.
/// Throws std::invalid_argument on mismatched shapes.
DiscoverResult discoverFormula(Net& net, const Matrix& xTrain, const Matrix& yTrain, const Matrix& xTest,
                               const Matrix& yTest, const DiscoverConfig& cfg = {},
                               const std::vector<std::string>& names = {});

}  // namespace ganglion::kan
