// Node type "NcapCircuit": the NCAP swimmer circuit (see ncap_circuit.h) as a graph node.
#include "core/model/node_spec.h"
#include "core/io/extra_tables.h"
#include "core/worm/ncap_circuit.h"
#include "core/worm/ncap_parts.h"
#include "core/worm/worm_observables.h"

#include <cmath>
#include <memory>

namespace ganglion {
namespace {

// Export table: the circuit's recent activity, one row per control step (time_s, the oscillator,
// then per joint the B-neurons, muscles and torque).
const bool kTraceTableRegistered = io::registerExtraTable([](const std::any& v, io::ExtraTable* out) {
    auto p = std::any_cast<std::shared_ptr<const worm::CircuitTrace>>(&v);
    if (!p || !*p) return false;
    if (!out) return true;  // asked only whether it converts
    io::ExtraTable& t = *out;
    const worm::CircuitTrace& c = **p;
    const Eigen::Index steps = c.oscDorsal.size();
    t.columns = {"time_s", "osc_dorsal", "osc_ventral"};
    const std::pair<const char*, const Eigen::MatrixXf*> parts[] = {
        {"b_dorsal", &c.bDorsal}, {"b_ventral", &c.bVentral}, {"muscle_dorsal", &c.muscleDorsal},
        {"muscle_ventral", &c.muscleVentral}, {"torque", &c.torque}};
    for (const auto& part : parts)
        for (Eigen::Index j = 0; j < part.second->rows(); ++j) t.columns.push_back(std::string(part.first) + "_" + std::to_string(j));
    for (Eigen::Index s = 0; s < steps; ++s) {
        const double time = std::round((c.time - double(steps - 1 - s) * c.dt) * 1e9) / 1e9;  // to the ns
        std::vector<double> row{time, c.oscDorsal(s), s < c.oscVentral.size() ? c.oscVentral(s) : 0.0};
        for (const auto& part : parts)
            for (Eigen::Index j = 0; j < part.second->rows(); ++j)
                row.push_back(s < part.second->cols() ? (*part.second)(j, s) : 0.0);
        t.rows.push_back(std::move(row));
    }
    return true;
});


using worm::NcapCircuit;

class NcapKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        worm::NcapConfig cfg;
        cfg.joints = int(p.getInt("joints"));
        cfg.weightSharing = p.getBool("weight_sharing");
        cfg.speedUnit = p.getBool("speed_unit");
        cfg.turnUnit = p.getBool("turn_unit");
        cfg.dt = p.getFloat("control_dt");
        cfg.period = p.getFloat("period");
        if (cfg.period < 2 * cfg.dt)
            throw BuildError("", "oscillator period must be at least two control steps (2 x control_dt)");
        if (ctx.inputs.size() > 0 && ctx.inputs[0].features > 0 && ctx.inputs[0].features != cfg.joints)
            throw BuildError("angles", "angles input has " + std::to_string(ctx.inputs[0].features) +
                                           " features but the circuit has " + std::to_string(cfg.joints) + " joints");
        try {
            circuit_ = NcapCircuit(cfg);
        } catch (const std::exception& e) {
            throw BuildError("", e.what());
        }
        applyLive(p, true);
        angles_.setZero(cfg.joints);
        torque_.setZero(cfg.joints);
        const int n = cfg.joints;
        trace_.reset(5 * n + 2, int(p.getInt("trace_length")));  // rows: see record()
        column_.resize(5 * n + 2);
        step_ = 0;
        return {Shape::tensor(n), Shape::tensor(4 * n)};
    }

    void setParams(const ParamSet& p) override { applyLive(p, false); }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        const int n = circuit_.joints();
        if (ctx.phase == Phase::Train) {
            if (in[0] && in[0]->tensor.rows() == n && in[0]->tensor.cols() >= 1)
                angles_ = in[0]->tensor.col(0);
            else
                angles_.setZero();
            float speed = speedParam_, turn = turnParam_;
            if (in.size() > 1 && in[1] && in[1]->tensor.size() > 0) speed = in[1]->tensor(0, 0);
            if (in.size() > 2 && in[2] && in[2]->tensor.size() > 0) turn = in[2]->tensor(0, 0);
            circuit_.setCommands(speed, turn);
            circuit_.step(step_++, angles_, torque_);
            record();
        }
        out[0].type = PortType::Tensor;
        out[0].tensor = torque_;
        out[1].type = PortType::Tensor;
        out[1].tensor.resize(4 * n, 1);
        out[1].tensor.col(0) << circuit_.bDorsal(), circuit_.bVentral(), circuit_.muscleDorsal(),
            circuit_.muscleVentral();
    }

    void observe(Observables& obs) const override {
        auto t = std::make_shared<worm::CircuitTrace>();
        const int n = circuit_.joints();
        t->joints = n;
        t->dt = circuit_.config().dt;
        t->time = double(step_) * t->dt;
        const Eigen::MatrixXf all = trace_.ordered();
        // Before the first step the trace has no columns and no storage: Eigen would offset a null
        // pointer to take a block of it (undefined behaviour), so an empty trace gives empty rows.
        auto rows = [&](int first, int count) -> Eigen::MatrixXf {
            return all.cols() > 0 ? Eigen::MatrixXf(all.middleRows(first, count)) : Eigen::MatrixXf(count, 0);
        };
        t->bDorsal = rows(0, n);
        t->bVentral = rows(n, n);
        t->muscleDorsal = rows(2 * n, n);
        t->muscleVentral = rows(3 * n, n);
        t->torque = rows(4 * n, n);
        t->oscDorsal = rows(5 * n, 1);
        t->oscVentral = rows(5 * n + 1, 1);
        const auto& w = circuit_.weights();
        t->weights.resize(4);
        t->weights << w.osc(0), w.prop(0), w.ipsi(0), w.contra(0);
        const auto& a = circuit_.ablation();
        if (a.oscillator) t->ablated.push_back("osc");
        for (int j = 0; j < n; ++j) {
            const std::string s = std::to_string(j + 1);
            if (a.bDorsal[j]) t->ablated.push_back("DB" + s);
            if (a.bVentral[j]) t->ablated.push_back("VB" + s);
            if (a.mDorsal[j]) t->ablated.push_back("DM" + s);
            if (a.mVentral[j]) t->ablated.push_back("VM" + s);
        }
        obs.extra["ncap_trace"] = std::shared_ptr<const worm::CircuitTrace>(t);
        // (no per-step scalars such as the head torque: sampled at the publish rate into the
        // metric curves they alias; the trace above carries them at every control step)
        obs.arrays["activations"] = Matrix(4 * n, 1);
        obs.arrays["activations"].col(0) << circuit_.bDorsal(), circuit_.bVentral(),
            circuit_.muscleDorsal(), circuit_.muscleVentral();
        obs.arrays["torque"] = torque_;
    }

    KernelState saveState() const override {
        const auto& w = circuit_.weights();
        Matrix m(4, w.osc.size());
        m.row(0) = w.osc.matrix().transpose();
        m.row(1) = w.prop.matrix().transpose();
        m.row(2) = w.ipsi.matrix().transpose();
        m.row(3) = w.contra.matrix().transpose();
        Matrix u(2, 1);
        u << w.speed, w.turn;
        return {{"weights", m}, {"units", u}};
    }

    void loadState(const KernelState& s) override {
        auto& w = circuit_.weights();
        // Check both entries before assigning either (a throw leaves the circuit unchanged).
        const auto weights = s.find("weights"), units = s.find("units");
        if (weights != s.end() && (weights->second.rows() != 4 || weights->second.cols() != w.osc.size()))
            throw std::runtime_error("NCAP state 'weights' must be 4 x " + std::to_string(w.osc.size()));
        if (units != s.end() && units->second.size() != 2)
            throw std::runtime_error("NCAP state 'units' must have 2 entries");
        if (weights != s.end()) {
            w.osc = weights->second.row(0).transpose().array();
            w.prop = weights->second.row(1).transpose().array();
            w.ipsi = weights->second.row(2).transpose().array();
            w.contra = weights->second.row(3).transpose().array();
        }
        if (units != s.end()) {
            w.speed = units->second(0);
            w.turn = units->second(1);
        }
        circuit_.projectWeights();
    }

private:
    void applyLive(const ParamSet& p, bool initial) {
        auto& w = circuit_.weights();
        // Weights from the parameters replace learned ones only at build or when edited.
        const float osc = float(p.getFloat("w_osc")), prop = float(p.getFloat("w_prop"));
        const float ipsi = float(p.getFloat("w_ipsi")), contra = float(p.getFloat("w_contra"));
        if (initial || osc != lastW_[0]) w.osc.setConstant(osc);
        if (initial || prop != lastW_[1]) w.prop.setConstant(prop);
        if (initial || ipsi != lastW_[2]) w.ipsi.setConstant(ipsi);
        if (initial || contra != lastW_[3]) w.contra.setConstant(contra);
        lastW_[0] = osc;
        lastW_[1] = prop;
        lastW_[2] = ipsi;
        lastW_[3] = contra;
        w.speed = float(p.getFloat("w_speed"));
        w.turn = float(p.getFloat("w_turn"));
        circuit_.projectWeights();
        speedParam_ = float(p.getFloat("speed"));
        turnParam_ = float(p.getFloat("turn"));
        auto cfg = circuit_.config();
        cfg.oscillator = p.getBool("oscillator");
        cfg.proprioception = p.getBool("proprioception");
        cfg.period = std::max(p.getFloat("period"), 2 * cfg.dt);
        circuit_.setSwitches(cfg.oscillator, cfg.proprioception, cfg.period);
        try {
            circuit_.setAblation(p.getString("ablate"));
        } catch (const std::exception& e) {
            if (initial) throw BuildError("", e.what());
            // a live edit with an unknown name keeps the previous ablation
        }
    }

    /// One column of the activity trace: B-neurons dorsal, ventral, muscles dorsal, ventral,
    /// torques (joints rows each), then the oscillator's dorsal and ventral outputs.
    void record() {
        column_ << circuit_.bDorsal(), circuit_.bVentral(), circuit_.muscleDorsal(), circuit_.muscleVentral(), torque_,
            circuit_.oscDorsal(), circuit_.oscVentral();
        trace_.push(column_);
    }

    NcapCircuit circuit_;
    Eigen::VectorXf angles_, torque_;
    float speedParam_ = 1.f, turnParam_ = 0.f;
    float lastW_[4] = {0, 0, 0, 0};
    long long step_ = 0;
    worm::TraceRing trace_;
    Eigen::VectorXf column_;
};

}  // namespace

NodeSpec makeNcapCircuitSpec() {
    NodeSpec s;
    s.type = "NcapCircuit";
    s.title = "NCAP swimmer circuit";
    s.category = "C. elegans";
    s.stepSecondsParam = "control_dt";  // a graph with dt = control_dt runs at "real time"
    s.observables = {"ncap_trace", "activations", "torque"};
    s.help = "The C. elegans forward-locomotion circuit as a controller: per joint a dorsal and a "
             "ventral B-neuron and muscle (graded, clamp(x,0,1)). The head B-neurons follow a "
             "square-wave oscillator, the others the previous joint's bend (proprioception, "
             "normalised by 2π/(joints+1), split into dorsal/ventral halves). Muscles are excited "
             "ipsilaterally and inhibited contralaterally; torque = dorsal − ventral muscle. "
             "Connect its torque to a Swimmer body and the body's angles back (delayed). "
             "Right-click → Expand to neurons replaces it by its oscillator, B-neurons, muscles and "
             "joints as separate nodes that drive the body the same way; each neuron then carries "
             "its own copy of the weights (edit one neuron at a time).";
    s.reference = "Bhattasali, Zador & Engel (2022) Neural Circuit Architectural Priors for Embodied "
                  "Control, NeurIPS";
    s.inputs = {{"angles", PortType::Tensor, "joint angles of the body (radians)", true, true},
                {"speed", PortType::Scalar, "speed command in [0,1] (speed unit)", true, false},
                {"turn", PortType::Scalar, "turn command in [-1,1] (turn units)", true, false}};
    s.outputs = {{"torque", PortType::Tensor, "joint torque commands in [-1,1]"},
                 {"activity", PortType::Tensor, "B-neurons dorsal, ventral, muscles dorsal, ventral"}};
    s.params = {
        intParam("joints", 5, 1, 30, "Number of joints (body links − 1)."),
        floatParam("w_osc", 1.0, 0.0, 10.0, "Oscillator → head B-neuron weight (excitatory, ≥ 0).", "", true),
        floatParam("w_prop", 1.0, 0.0, 10.0, "Proprioception → B-neuron weight (excitatory, ≥ 0).", "", true),
        floatParam("w_ipsi", 1.0, 0.0, 10.0, "B-neuron → same-side muscle weight (excitatory, ≥ 0).", "", true),
        floatParam("w_contra", -1.0, -10.0, 0.0, "B-neuron → opposite muscle weight (inhibitory, ≤ 0).", "", true),
        boolParam("weight_sharing", true, "One set of weights for all joints (off: per-joint weights, "
                                          "all starting from the values above)."),
        boolParam("oscillator", true, "Include the head oscillator (off = ablated).", true),
        boolParam("proprioception", true, "Include proprioceptive input (off = ablated).", true),
        floatParam("period", 1.8, 0.06, 60.0, "Oscillator period (square wave).", "s", true),
        floatParam("control_dt", 0.03, 0.001, 1.0, "Control step: simulated time per engine step.", "s"),
        stringParam("ablate", "", "Neurons to silence, e.g. \"DB2, VM3\" (osc, DB/VB = B-neurons, "
                                  "DM/VM = muscles, numbered from the head).", true),
        boolParam("speed_unit", false, "Add a speed unit inhibiting every B-neuron by w_speed·(1−speed)."),
        floatParam("w_speed", -1.0, -10.0, 0.0, "Speed unit weight (inhibitory, ≤ 0).", "", true),
        floatParam("speed", 1.0, 0.0, 1.0, "Speed command when the speed input is unconnected.", "", true),
        boolParam("turn_unit", false, "Add left/right turn units exciting the head B-neurons on one side."),
        floatParam("w_turn", 1.0, 0.0, 10.0, "Turn unit weight (excitatory, ≥ 0).", "", true),
        floatParam("turn", 0.0, -1.0, 1.0, "Turn command when the turn input is unconnected.", "", true),
        intParam("trace_length", 200, 10, 5000, "Control steps kept for the activity traces."),
    };
    s.create = [] { return std::make_unique<NcapKernel>(); };
    // angles from a body with as many joints as the circuit, speed and turn commands
    s.example = [](const std::string&) {
        return NodeExample{{{"joints", std::int64_t(4)}}, {Shape::tensor(4), Shape::tensor(1), Shape::tensor(1)}};
    };
    s.expand = worm::expandNcapCircuit;
    s.expandLabel = "Expand to neurons";
    return s;
}

}  // namespace ganglion
