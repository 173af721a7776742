// A random recurrent rate network with separate excitatory and inhibitory populations (Dale's law)
// and a local, homeostatic adaptation of each neuron's inhibitory gain toward a target rate, after
// Srinivasan, Plenz & Girvan, "Boosting reservoir computing with brain-inspired adaptive dynamics"
// (arXiv:2504.12480, 2025). Their full text was not available here; the rule implemented is the
// homeostatic form their abstract describes (local inhibition adjusted toward target rates):
//
//   E_i(t)   = Σ_{j∈E} W_ij r_j(t-1)            excitatory input, W_ij >= 0
//   I_i(t)   = Σ_{j∈I} W_ij r_j(t-1)            inhibitory input, magnitudes W_ij >= 0
//   x_i(t)   = (1-a) x_i(t-1) + a (E_i - g_i I_i + Win_i·u(t) + b)
//   r_i(t)   = f(x_i(t))                         f: logistic sigmoid (rates in 0..1), tanh or identity
//   g_i     <- max(0, g_i + η (r_i(t) - ρ_i))    inhibitory gain: more inhibition when above target
//
// Targets ρ_i are one value for all (homogeneous) or log-normally spread around it
// (heterogeneous: ρ_i = ρ·exp(σ·n_i), n_i standard normal, clipped into the activation's range).
// Weights: each neuron receives each other neuron with probability p; a connection's weight is
// uniform in (0, 2m) with m chosen so that the expected summed excitatory input weight of a neuron
// is `excitatoryWeight` (inhibitory likewise). With g = 1 and equal scales the two balance.
#pragma once

#include "core/model/kernel.h"

#include <Eigen/SparseCore>

namespace ganglion::reservoir {

enum class Activation : std::uint8_t { Sigmoid, Tanh, Linear };

using SparseMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor>;

struct NetworkConfig {
    int neurons = 200;
    int inputs = 1;
    double inhibitoryFraction = 0.2;
    double connectionProb = 0.1;
    double excitatoryWeight = 10.0;  ///< expected summed excitatory weight onto a neuron
    double inhibitoryWeight = 10.0;  ///< expected summed inhibitory weight onto a neuron
    double initialGain = 1.0;        ///< g_i at the start
    double inputGain = 0.3;          ///< Win entries uniform in (-inputGain, inputGain)
    double leak = 0.5;               ///< a: 1 = no memory in the neuron itself
    double bias = -2.0;              ///< b: the same for every neuron (a threshold when negative)
    Activation activation = Activation::Sigmoid;
    double targetRate = 0.2;         ///< ρ
    double targetSpread = 0.0;       ///< σ: 0 = homogeneous targets
};

class EINetwork {
public:
    /// Draws weights, input weights and targets from `rng`; zero state, gains at initialGain.
    void build(const NetworkConfig& cfg, Rng& rng);
    /// Replace the recurrent weights (tests: e.g. an orthogonal matrix as one excitatory block
    /// with no inhibitory neurons). we: N x NE, wi: N x NI magnitudes; signs are not checked.
    void setWeights(SparseMatrix we, SparseMatrix wi);

    /// One time step with input u (config.inputs values); then, when `adapt`, the gains move.
    void step(const float* u, bool adapt, double eta);
    void resetState();
    /// Set the internal state (rates follow through the activation).
    void setState(const Vector& state);

    int neurons() const { return int(x.size()); }
    int excitatory() const { return nE_; }
    const NetworkConfig& config() const { return cfg_; }

    SparseMatrix wE, wI;  ///< N x NE, N x NI (magnitudes)
    Matrix win;           ///< N x inputs
    Vector x, r;          ///< internal state and rates
    Vector exc, inh;      ///< E_i and I_i of the last step (inh before the gain)
    Vector gain, target;  ///< g_i, ρ_i

private:
    void applyActivation();
    NetworkConfig cfg_;
    int nE_ = 0;
};

/// Lower and upper rate an activation can reach (used to clip targets, scale traces).
std::pair<float, float> rateRange(Activation a);

}  // namespace ganglion::reservoir
