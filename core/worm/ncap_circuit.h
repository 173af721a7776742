// The NCAP swimmer circuit (Bhattasali, Zador & Engel, "Neural Circuit Architectural Priors for
// Embodied Control", NeurIPS 2022): the C. elegans forward-locomotion motor circuit reduced to a
// few sign-constrained weights. Per joint a dorsal and a ventral B-neuron and a dorsal and a
// ventral muscle, all graded (activation clamp(x, 0, 1)). No Qt, no allocation per step.
#pragma once

#include <Eigen/Core>

#include <string>
#include <vector>

namespace ganglion::worm {

/// The circuit's learnable weights. Excitatory ones are kept >= 0, inhibitory ones <= 0.
/// With weight sharing every joint uses column 0; otherwise column j belongs to joint j.
struct NcapWeights {
    Eigen::ArrayXf osc;     ///< head oscillator -> head B-neurons (excitatory)
    Eigen::ArrayXf prop;    ///< previous joint's proprioception -> B-neurons (excitatory)
    Eigen::ArrayXf ipsi;    ///< B-neuron -> same-side muscle (excitatory)
    Eigen::ArrayXf contra;  ///< B-neuron -> opposite-side muscle (inhibitory)
    float speed = -1.f;     ///< speed unit -> every B-neuron (inhibitory: slows when speed < 1)
    float turn = 1.f;       ///< turn units -> head B-neurons on one side (excitatory)
};

struct NcapConfig {
    int joints = 5;
    bool weightSharing = true;
    bool oscillator = true;       ///< include the head oscillator
    bool proprioception = true;   ///< include B-neuron proprioceptive input
    bool speedUnit = false;       ///< include the speed unit
    bool turnUnit = false;        ///< include the left/right turn units
    int turnJoints = 1;           ///< joints (from the head) the turn units drive
    double period = 1.8;          ///< oscillator period, seconds (60 control steps of 0.03 s)
    double dt = 0.03;             ///< control step, seconds
    /// Keep every weight in its sign (the circuit's prior). Off: the NCAP paper's "unconstrained"
    /// ablation, where training may flip a weight from excitatory to inhibitory and back.
    bool signConstrained = true;
};

/// Which neurons are silenced (output forced to 0). Indexed by joint.
struct NcapAblation {
    std::vector<bool> bDorsal, bVentral, mDorsal, mVentral;
    bool oscillator = false;
};

class NcapCircuit {
public:
    NcapCircuit() = default;
    /// Throws std::invalid_argument naming the problem (joints < 1, period < 2 dt…).
    explicit NcapCircuit(const NcapConfig& cfg);

    const NcapConfig& config() const { return cfg_; }
    int joints() const { return cfg_.joints; }

    /// The paper's constant initialisation: excitatory +1, inhibitory -1.
    void setDefaultWeights();
    NcapWeights& weights() { return w_; }
    const NcapWeights& weights() const { return w_; }
    /// Clamp every weight to its sign constraint (excitatory >= 0, inhibitory <= 0); nothing when
    /// the circuit is not sign-constrained.
    void projectWeights();
    bool weightsRespectSigns() const;

    /// Flattened learnable weights (the trainer's view): osc, prop, ipsi, contra [, speed][, turn].
    int parameterCount() const;
    Eigen::VectorXf parameterVector() const;
    void setParameterVector(const Eigen::VectorXf& p);  ///< projects to the sign constraints
    /// +1 for excitatory entries of parameterVector(), -1 for inhibitory ones.
    Eigen::VectorXf parameterSigns() const;

    /// Silence neurons by name: "osc", "DB<j>", "VB<j>", "DM<j>", "VM<j>" (j = 1..joints),
    /// comma or space separated. Throws std::invalid_argument naming an unknown name.
    void setAblation(const std::string& list);
    const NcapAblation& ablation() const { return ablate_; }

    /// Live switches: include the oscillator / proprioception, oscillator period (>= 2 dt).
    void setSwitches(bool oscillator, bool proprioception, double period);
    /// Speed command in [0, 1] (1 = full speed) and turn command in [-1, 1] (+ = dorsal side).
    void setCommands(float speed, float turn) { speedCmd_ = speed; turnCmd_ = turn; }

    /// Whether the oscillator drives the dorsal side at control step `step`.
    bool oscillatorDorsal(long long step) const;
    /// One control step. `angles` = current joint angles (radians, joints entries, joint 0 at
    /// the head). Writes joint torques (dorsal - ventral muscle, in [-1, 1]) into `torque`.
    void step(long long step, const Eigen::Ref<const Eigen::VectorXf>& angles,
              Eigen::Ref<Eigen::VectorXf> torque);

    // Activations of the last step (one entry per joint).
    const Eigen::VectorXf& bDorsal() const { return bD_; }
    const Eigen::VectorXf& bVentral() const { return bV_; }
    const Eigen::VectorXf& muscleDorsal() const { return mD_; }
    const Eigen::VectorXf& muscleVentral() const { return mV_; }
    float oscDorsal() const { return oscD_; }
    float oscVentral() const { return oscV_; }

    static float graded(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }

private:
    int col(int joint) const { return cfg_.weightSharing ? 0 : joint; }

    NcapConfig cfg_;
    NcapWeights w_;
    NcapAblation ablate_;
    float speedCmd_ = 1.f, turnCmd_ = 0.f;
    Eigen::VectorXf bD_, bV_, mD_, mV_;
    float oscD_ = 0.f, oscV_ = 0.f;
};

}  // namespace ganglion::worm
