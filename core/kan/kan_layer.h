// One Kolmogorov–Arnold layer in pykan's parametrisation (Liu et al. 2024, "KAN:
// Kolmogorov-Arnold Networks", arXiv:2404.19756):
//
//   y_o = bias_o + Σ_i mask_oi · ( scale_base_oi · silu(x_i) + scale_sp_oi · Σ_j coef_o,i,j B_ij(x_i) )
//              + Σ_i [edge (i,o) symbolic] · (c · f(a·x_i + b) + d)
//
// Batched evaluation. B-splines (kan_layer_sparse.cpp): each input has only k+1 non-zero basis
// functions at any x, so the layer keeps just those values and their span per (input, sample) and
// contracts over them, the SiLU base branch fused in as one more term: y_b = bias + Σ_i (Wb_i·silu
// + Σ_r v_ir·W_i,s+r), about (k+2)/(nb+1) of the dense work, and the exact backward the same
// way. Other bases: the basis is computed once per batch as a dense (in·nb) x batch matrix B, then
// y = W·B + Wb·silu(X) with W = coef scaled per edge (out x in·nb) — two GEMMs; backward is
// exact (three GEMMs + the basis derivative). Edge (i, o) is element (o, i) of every out x in
// matrix, i.e. linear index i·out + o.
//
// Trainable basis tensors (adaptive RBF centres/widths, AF-KAN attention; see kan_basis.h) get
// their gradients from gB = W^T·gy (plus the regulariser's share) through the basis's exact
// dB/d(param). With layerNorm the edges see x̂ = gain ⊙ (x - mean)/√(var + 1e-5) + shift, the mean
// and variance taken over the in features of each sample (AF-KAN's layer normalisation, trainable
// gain and shift per input, exact backward). Batch operations (edgeScores, pruneEdges,
// updateGrid, extendGrid, fitCentres) take layer inputs like forward() and normalise them;
// edge(), splinePart() and the grid points are in edge coordinates, into which edgeInputs() maps
// a batch.
#pragma once

#include "core/kan/kan_basis.h"
#include "core/model/cost.h"
#include "core/model/kernel.h"

#include <vector>

namespace ganglion::kan {

struct LayerConfig {
    int in = 2, out = 1;
    BasisKind basis = BasisKind::BSpline;
    int grid = 5, order = 3;
    float lo = -1.f, hi = 1.f;
    bool bias = true;
    float noiseScale = 0.5f;  ///< pykan noise_scale: initial spline curves ~ U(-½,½)·noise/G
    float baseMu = 0.f, baseSigma = 1.f;  ///< scale_base = (mu + sigma·U(-1,1)) / √in
    float spScale = 1.f;                  ///< scale_sp = spScale / √in
    int sinFrequencies = 0;               ///< rbf_adaptive sinusoidal composition (kan_basis.h)
    bool layerNorm = false;               ///< normalise the layer input over its features
};

/// An edge replaced by a formula c·f(a·x+b)+d (fn indexes symbolicLibrary(); -1 = numeric).
struct SymbolicEdge {
    int fn = -1;
    float a = 1, b = 0, c = 1, d = 0;
    double r2 = 0;
};

/// L1 and entropy regularisation of pykan (lamb_l1, lamb_entropy) on edge magnitudes
/// A_oi = mean_b |φ_oi(x_b)|: R = l1·Σ A + entropy·H(A / Σ A).
struct RegConfig {
    double l1 = 0.0, entropy = 0.0;
    bool active() const { return l1 > 0 || entropy > 0; }
};

/// Threads used by large layers (1 or 2; default 1). Results are identical either way.
void setThreads(int n);
int threads();

class Layer {
public:
    Layer() = default;
    Layer(const LayerConfig& cfg, Rng& rng);

    const LayerConfig& config() const { return cfg_; }
    const Basis& basis() const { return basis_; }
    int in() const { return cfg_.in; }
    int out() const { return cfg_.out; }
    int nb() const { return basis_.count(); }

    // Trainable tensors and their gradients (out x in·nb, out x in, out x in, out x 1).
    Matrix coef, scaleBase, scaleSp, bias;
    Matrix gCoef, gScaleBase, gScaleSp, gBias;
    Matrix lnGain, lnShift, gLnGain, gLnShift;  ///< in x 1, used with layerNorm
    Matrix mask;  ///< out x in, 1 = numeric edge active (pruning and snapping set 0)
    std::vector<SymbolicEdge> symbolic;  ///< in·out, index i·out + o

    std::vector<Parameter> parameters();
    void zeroGrad();

    /// The batch as the edges see it (layer-normalised when configured, else x itself).
    Matrix edgeInputs(const Matrix& x) const;
    /// rbf_adaptive: k-means placement of the centres on the edge inputs of x (kan_basis.h).
    void fitCentres(const Matrix& x) { basis_.fitCentres(edgeInputs(x)); }

    /// y (out x batch) from x (in x batch); caches what backward needs when `train`.
    void forward(const Matrix& x, Matrix& y, bool train = true);
    /// Accumulates parameter gradients from gy; writes dL/dx into *gx when non-null.
    /// With `reg` active, adds the regulariser's gradients and stores its value (lastReg()).
    void backward(const Matrix& gy, Matrix* gx, const RegConfig* reg = nullptr);
    double lastReg() const { return lastReg_; }
    /// The inputs of the last forward (in x batch).
    const Matrix& lastInput() const { return x_; }

    /// φ_oi at x: the edge's function (numeric or symbolic, 0 when pruned).
    float edge(int i, int o, float x) const;
    /// Spline part Σ_j coef B_j(x) of edge (i, o) (without scale_sp).
    float splinePart(int i, int o, float x) const;
    bool edgeActive(int i, int o) const;
    /// Edge attribution: standard deviation of φ_oi over the samples x (in x n), out x in.
    Matrix edgeScores(const Matrix& x) const;
    /// Turns off every edge whose score on x is below `threshold`; returns how many it removed.
    int pruneEdges(const Matrix& x, float threshold);

    /// pykan update_grid_from_samples: grid points = eps·uniform + (1-eps)·percentiles of x,
    /// coefficients refitted by least squares. Returns the max |Δφ| over the samples.
    double updateGrid(const Matrix& x, float gridEps = 0.02f);
    /// Grid extension G → newGrid: points interpolated from the current grid (stretched to cover
    /// x when given and wider), coefficients refitted by least squares on a dense sampling of
    /// that range plus x. Returns the max |Δφ| over those samples.
    double extendGrid(int newGrid, const Matrix* x = nullptr);

    /// Replace edge (i, o) by a symbolic function (numeric part masked off).
    void setSymbolic(int i, int o, const SymbolicEdge& s);

    /// Per-sample cost of the layer as built now (grid size, snapped edges; see kan_cost.h).
    NodeCost cost() const;

    /// A layer keeping only the listed inputs and outputs (node pruning).
    Layer subset(const std::vector<int>& keepIn, const std::vector<int>& keepOut) const;

    KernelState saveState() const;
    /// Adopts the grid resolution of the state (saved after grid extension); throws
    /// std::runtime_error naming the entry on any other shape mismatch.
    void loadState(const KernelState& s);

private:
    void allocGrads();
    bool sparsePath() const { return basis_.kind() == BasisKind::BSpline; }
    void denseForward(Matrix& y, bool train);
    void denseBackward(const Matrix& gy, Matrix* gz);
    void sparseForward(Matrix& y);
    void sparseBackward(const Matrix& gy, Matrix* gz);
    void packEdges(int i, float* P) const;
    void denseCaches();  // B_, dB_, silu_ of x_ after a sparse forward (for the regulariser)
    void refit(const std::vector<Matrix>& xs, const std::vector<Matrix>& targets);
    void addSymbolic(const Matrix& x, Matrix& y) const;
    double regularize(const RegConfig& reg);
    void normalizeInput(const Matrix& x);                 // x̂_, lnRstd_, x_
    void normBackward(const Matrix& gz, Matrix* gx);      // gain/shift grads, gz → gx

    LayerConfig cfg_;
    Basis basis_;
    // caches (kept between steps so steady state does not allocate)
    Matrix x_, silu_, B_, dB_, W_, Wb_, spm_, gW_, gB_, regGx_, regGB_, xhat_, lnRstd_, gz_, aux_;
    // sparse B-spline path: x_ transposed (sample-contiguous per input), per (input, sample) the
    // knot span and the planes silu, B_s-k .. B_s (each in·n, index i·n + b)
    Matrix xT_, spVal_;
    std::vector<int> spStart_;
    Eigen::Index trainedCols_ = -1;  // samples of the last training forward (-1: none)
    bool haveRegGx_ = false;
    double lastReg_ = 0;
};

}  // namespace ganglion::kan
