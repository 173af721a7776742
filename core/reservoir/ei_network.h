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
#include "core/reservoir/ei_product.h"

namespace ganglion::reservoir {

enum class Activation : std::uint8_t { Sigmoid, Tanh, Linear };

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

/// The random part shared by the rate and the spiking reservoir (lif_network.h): recurrent
/// blocks, input weights and targets, drawn in this order from one generator. Targets are clipped
/// into [lo, hi] shrunk by 1% of its width when both ends are finite.
struct RandomEI {
    SparseMatrix wE, wI;  ///< N x NE, N x NI (magnitudes)
    Matrix win;           ///< N x inputs
    Vector target;
};
RandomEI drawNetwork(const NetworkConfig& cfg, float lo, float hi, Rng& rng);

/// What a reservoir node reads and keeps of either kind of network.
class ReservoirNetwork {
public:
    virtual ~ReservoirNetwork() = default;
    /// One time step with input u (config inputs values); then, when `adapt`, the gains move.
    virtual void step(const float* u, bool adapt, double eta) = 0;
    virtual void resetState() = 0;
    /// The dynamic state (not the gains), as named entries of a kernel state.
    virtual void saveState(KernelState& s) const = 0;
    /// Throws std::runtime_error naming the first bad entry; changes nothing.
    virtual void checkState(const KernelState& s) const = 0;
    /// Sets what saveState wrote (after checkState passed).
    virtual void loadState(const KernelState& s) = 0;

    int neurons() const { return int(r.size()); }
    int excitatory() const { return nE_; }
    const SparseMatrix& weightsE() const { return wE_; }  ///< N x NE
    const SparseMatrix& weightsI() const { return wI_; }  ///< N x NI (magnitudes)

    Matrix win;           ///< N x inputs
    Vector r;             ///< what the readout sees: rates, or filtered spike trains (lif)
    Vector exc, inh;      ///< E_i and I_i of the last step (inh before the gain)
    Vector gain, target;  ///< g_i, ρ_i

protected:
    SparseMatrix wE_, wI_;
    int nE_ = 0;
};

class EINetwork : public ReservoirNetwork {
public:
    /// Draws weights, input weights and targets from `rng`; zero state, gains at initialGain.
    void build(const NetworkConfig& cfg, Rng& rng);
    /// Replace the recurrent weights (tests: e.g. an orthogonal matrix as one excitatory block
    /// with no inhibitory neurons). we: N x NE, wi: N x NI magnitudes; signs are not checked.
    void setWeights(SparseMatrix we, SparseMatrix wi);

    void step(const float* u, bool adapt, double eta) override;
    void resetState() override;
    /// Set the internal state (rates follow through the activation).
    void setState(const Vector& state);
    void saveState(KernelState& s) const override;  ///< "state": x
    void checkState(const KernelState& s) const override;
    void loadState(const KernelState& s) override;

    const NetworkConfig& config() const { return cfg_; }
    /// Threads of the recurrent product (1 or 2; ei_product.h); results do not depend on it.
    void setThreads(int threads) { product_.setThreads(threads); }
    int threads() const { return product_.threads(); }
    /// Weights the product stores, tile padding included.
    std::size_t storedWeights() const { return product_.storedWeights(); }

    Vector x;  ///< internal state

private:
    void applyActivation();
    EIProduct product_;
    NetworkConfig cfg_;
};

/// Lower and upper rate an activation can reach (used to clip targets, scale traces).
std::pair<float, float> rateRange(Activation a);

}  // namespace ganglion::reservoir
