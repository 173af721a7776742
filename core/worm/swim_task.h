// The swimming task used for training: controllers with a flat parameter vector (the NCAP circuit
// or an MLP), and an episode rollout that scores forward speed. No Qt.
#pragma once

#include "core/worm/ncap_circuit.h"
#include "core/worm/swimmer_body.h"

#include <Eigen/Core>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace ganglion::worm {

class SwimController {
public:
    virtual ~SwimController() = default;
    virtual std::string name() const = 0;
    virtual int parameterCount() const = 0;
    virtual Eigen::VectorXf parameters() const = 0;
    /// Sets (and projects onto the constraints) the parameters.
    virtual void setParameters(const Eigen::VectorXf& p) = 0;
    /// Enforce constraints on a candidate vector in place (default: none).
    virtual void project(Eigen::VectorXf& /*p*/) const {}
    /// True when `p` satisfies the constraints.
    virtual bool feasible(const Eigen::VectorXf& /*p*/) const { return true; }
    /// Clear any internal state before an episode.
    virtual void reset() {}
    /// Joint commands in [-1, 1] for control step `step` given the body's state.
    virtual void act(long long step, const SwimmerBody& body, Eigen::Ref<Eigen::VectorXf> torque) = 0;
    virtual std::unique_ptr<SwimController> clone() const = 0;
};

/// The NCAP circuit as a controller; parameters are its weights, kept in sign unless the circuit's
/// NcapConfig::signConstrained is off.
class NcapController : public SwimController {
public:
    explicit NcapController(const NcapConfig& cfg);
    std::string name() const override { return "NCAP"; }
    int parameterCount() const override { return circuit_.parameterCount(); }
    Eigen::VectorXf parameters() const override { return circuit_.parameterVector(); }
    void setParameters(const Eigen::VectorXf& p) override { circuit_.setParameterVector(p); }
    void project(Eigen::VectorXf& p) const override;
    bool feasible(const Eigen::VectorXf& p) const override;
    void act(long long step, const SwimmerBody& body, Eigen::Ref<Eigen::VectorXf> torque) override;
    std::unique_ptr<SwimController> clone() const override;
    NcapCircuit& circuit() { return circuit_; }
    const NcapCircuit& circuit() const { return circuit_; }

private:
    NcapCircuit circuit_;
    Eigen::VectorXf signs_, angles_;
};

/// A tanh multilayer perceptron: inputs = joint angles, joint angular velocities and a clock
/// (sin and cos of the oscillator phase); outputs = joint commands (tanh, in [-1, 1]).
class MlpController : public SwimController {
public:
    /// `hidden` = sizes of the hidden layers. Weights start random (Glorot-uniform) from `seed`.
    MlpController(int joints, std::vector<int> hidden, double period, double dt,
                  std::uint64_t seed);
    std::string name() const override { return "MLP"; }
    int parameterCount() const override { return count_; }
    Eigen::VectorXf parameters() const override;
    void setParameters(const Eigen::VectorXf& p) override;
    void act(long long step, const SwimmerBody& body, Eigen::Ref<Eigen::VectorXf> torque) override;
    std::unique_ptr<SwimController> clone() const override;
    int inputCount() const { return int(layersW_.front().cols()); }

private:
    int joints_;
    double period_, dt_;
    std::vector<Eigen::MatrixXf> layersW_;
    std::vector<Eigen::VectorXf> layersB_;
    std::vector<Eigen::VectorXf> act_;  // work buffers per layer
    int count_ = 0;
};

struct EpisodeResult {
    double forwardSpeed = 0;   ///< centre-of-mass displacement along the start heading / time, m/s
    double lateralDrift = 0;   ///< |sideways displacement|, m
    double distance = 0;       ///< net centre-of-mass displacement, m
};

/// Runs `controller` on a fresh body (straight, heading +x) for `seconds` simulated.
EpisodeResult runEpisode(SwimController& controller, const BodyConfig& body, double seconds);
/// Same on a body the caller keeps (reset first), so repeated episodes do not allocate.
EpisodeResult runEpisode(SwimController& controller, SwimmerBody& body, Eigen::VectorXf& torque,
                         double seconds);

}  // namespace ganglion::worm
