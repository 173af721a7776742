// The "Reservoir" node: an E/I rate reservoir (ei_network.h) with a live ridge readout
// (readout.h), and the "ReservoirTask" source (tasks.h) that feeds it.
#pragma once

#include "core/model/kernel.h"
#include "core/reservoir/ei_network.h"
#include "core/reservoir/lif_network.h"
#include "core/reservoir/readout.h"
#include "core/reservoir/tasks.h"

namespace ganglion {

class ReservoirKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

    /// The rate network or the spiking one, whichever the `neuron` parameter chose.
    const reservoir::ReservoirNetwork& network() const { return net(); }
    bool spiking() const { return spiking_; }
    const reservoir::RidgeReadout& readout() const { return readout_; }
    /// Σ r² over the targets of the last refit (the memory capacity of a delay-line task).
    double capacity() const;
    /// Mean NRMSE over the targets of the last refit.
    double meanNrmse() const;
    /// Mean |time-averaged rate - target| over the neurons.
    double rateError() const;

private:
    void rebuild();  ///< network from seed_ and the configuration
    void recordTrace();
    reservoir::ReservoirNetwork& net() { return spiking_ ? static_cast<reservoir::ReservoirNetwork&>(lif_) : rate_; }
    const reservoir::ReservoirNetwork& net() const {
        return spiking_ ? static_cast<const reservoir::ReservoirNetwork&>(lif_) : rate_;
    }

    reservoir::NetworkConfig cfg_;
    reservoir::LifConfig lifCfg_;
    bool spiking_ = false;
    reservoir::EINetwork rate_;
    reservoir::LifNetwork lif_;
    reservoir::RidgeReadout readout_;
    std::uint64_t seed_ = 0;
    bool adapt_ = false;
    double eta_ = 0.01, lambda_ = 1e-4, testFraction_ = 0.3;
    int window_ = 2000, refitEvery_ = 250, washout_ = 100, targets_ = 0;
    std::uint64_t steps_ = 0;  ///< time steps since build or load
    Vector avgExc_, avgInh_, avgRate_;  ///< exponential averages for the views (gain-scaled inhibition)
    Matrix trace_;                      ///< a few neurons' recent rates (the thumbnail)
    int traceHead_ = 0, traceCount_ = 0;
    std::vector<float> in_, goal_;      ///< one step's input and target (no allocation per step)
};

class ReservoirTaskKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

private:
    void restart();
    reservoir::TaskStream stream_;
    reservoir::Task task_ = reservoir::Task::Memory;
    int delays_ = 40, chunk_ = 1;
    double period_ = 25, tau_ = 17, sample_ = 1;
    std::uint64_t seed_ = 0;
    Matrix recent_;  ///< the last inputs, for the thumbnail
    int recentHead_ = 0;
};

}  // namespace ganglion
