// A connectome table turned into a dynamical network: every cell is a point neuron, chemical
// synapses are conductances gated by the presynaptic activity (excitatory, or inhibitory for
// GABAergic neurons), electrical synapses are symmetric gap-junction conductances. Two neuron
// models: graded (non-spiking, sigmoidal transmitter release, as most C. elegans neurons are;
// Wicks, Roehrig & Rankin 1996) and leaky integrate-and-fire. Integration is exponential Euler
// on the conductance form, which is stable for any step. No Qt.
#pragma once

#include "core/worm/connectome_table.h"

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <random>

#include <string>
#include <vector>

namespace ganglion::worm {

enum class NeuronModel { Graded, Lif };

struct NetworkConfig {
    NeuronModel model = NeuronModel::Graded;
    double dt = 0.001;           ///< seconds per step
    double tau = 0.02;           ///< membrane time constant, s
    /// Chemical conductance relative to leak: per synapse, or (normalize) the total a cell
    /// receives when all its presynaptic partners are fully active.
    double chemWeight = 2.0;
    bool normalize = true;       ///< divide chemical weights by each cell's synapse count in
    double gapWeight = 0.05;     ///< conductance per gap junction (relative to leak)
    double eExc = 1.0;           ///< excitatory reversal (graded; LIF uses 2 x threshold)
    double eInh = -1.0;          ///< inhibitory reversal
    double threshold = 0.3;      ///< graded: half-activation potential; LIF: spike threshold 1
    double slope = 0.05;         ///< graded: sigmoid width
    double adaptation = 1.0;     ///< graded: conductance of slow activity-dependent inhibition
    double tauAdapt = 0.3;       ///< graded: adaptation time constant, s
    double tauSyn = 0.005;       ///< LIF: synaptic trace decay, s
    double refractory = 0.002;   ///< LIF: refractory period, s
    double noise = 0.0;          ///< std of white current noise (per sqrt(s))
};

class ConnectomeNetwork {
public:
    ConnectomeNetwork() = default;
    /// Throws std::invalid_argument on a bad setting or an empty table.
    ConnectomeNetwork(const ConnectomeTable& table, const NetworkConfig& cfg);

    int size() const { return n_; }
    const NetworkConfig& config() const { return cfg_; }
    void setConfig(const NetworkConfig& cfg);  ///< weights, time constants (structure kept)

    /// Resolves names ("ALML", or a class stem like "ALM" for all its members, comma/space
    /// separated) to cell indices. Throws std::invalid_argument naming an unknown one.
    std::vector<int> resolve(const std::string& names) const;
    /// Current injected into `cells` while stimulation is on.
    void setStimulus(std::vector<int> cells, double current);
    void setStimulusOn(bool on) { stimOn_ = on; }
    bool stimulusOn() const { return stimOn_; }
    const std::vector<int>& stimulated() const { return stimCells_; }

    void reset();
    /// One step of cfg.dt. `rng` (optional) is used only when noise > 0.
    template <class Rng> void step(Rng* rng) {
        if (rng && cfg_.noise > 0) {
            std::normal_distribution<float> N(0.f, 1.f);
            for (int i = 0; i < n_; ++i) noise_(i) = N(*rng);
        }
        stepImpl(rng && cfg_.noise > 0);
    }
    void step() { stepImpl(false); }

    const Eigen::VectorXf& voltage() const { return v_; }
    /// Graded: transmitter release s in [0, 1]; LIF: synaptic trace (spikes filtered by tauSyn).
    const Eigen::VectorXf& activity() const { return s_; }
    /// Cells that spiked in the last step (LIF only).
    const std::vector<int>& fired() const { return fired_; }
    double time() const { return time_; }

    const Eigen::SparseMatrix<float, Eigen::RowMajor>& excitatory() const { return wExc_; }
    const Eigen::SparseMatrix<float, Eigen::RowMajor>& inhibitory() const { return wInh_; }
    const Eigen::SparseMatrix<float, Eigen::RowMajor>& gap() const { return wGap_; }
    const std::vector<std::string>& names() const { return names_; }

private:
    void stepImpl(bool withNoise);

    NetworkConfig cfg_;
    int n_ = 0;
    std::vector<std::string> names_;
    std::vector<std::string> stems_;
    Eigen::SparseMatrix<float, Eigen::RowMajor> wExc_, wInh_, wGap_;  // post x pre, synapse counts
    Eigen::VectorXf gapDegree_;
    Eigen::VectorXf v_, s_, adapt_, a_, b_, exc_, inh_, gapIn_, noise_, refr_, stim_;
    std::vector<int> stimCells_, fired_;
    double stimCurrent_ = 0;
    bool stimOn_ = false;
    double time_ = 0;
};

}  // namespace ganglion::worm
