#include "core/worm/ncap_circuit.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace ganglion::worm {

NcapCircuit::NcapCircuit(const NcapConfig& cfg) : cfg_(cfg) {
    if (cfg.joints < 1) throw std::invalid_argument("NCAP circuit needs at least 1 joint");
    if (!(cfg.dt > 0)) throw std::invalid_argument("control step dt must be positive");
    if (!(cfg.period >= 2 * cfg.dt))
        throw std::invalid_argument("oscillator period must be at least two control steps");
    if (cfg.turnJoints < 1 || cfg.turnJoints > cfg.joints)
        throw std::invalid_argument("turn joints must be between 1 and the number of joints");
    const int n = cfg.joints;
    ablate_.bDorsal.assign(n, false);
    ablate_.bVentral.assign(n, false);
    ablate_.mDorsal.assign(n, false);
    ablate_.mVentral.assign(n, false);
    bD_ = bV_ = mD_ = mV_ = Eigen::VectorXf::Zero(n);
    setDefaultWeights();
}

void NcapCircuit::setDefaultWeights() {
    const int c = cfg_.weightSharing ? 1 : cfg_.joints;
    w_.osc = Eigen::ArrayXf::Ones(c);
    w_.prop = Eigen::ArrayXf::Ones(c);
    w_.ipsi = Eigen::ArrayXf::Ones(c);
    w_.contra = -Eigen::ArrayXf::Ones(c);
    w_.speed = -1.f;
    w_.turn = 1.f;
}

void NcapCircuit::projectWeights() {
    if (!cfg_.signConstrained) return;
    w_.osc = w_.osc.max(0.f);
    w_.prop = w_.prop.max(0.f);
    w_.ipsi = w_.ipsi.max(0.f);
    w_.contra = w_.contra.min(0.f);
    w_.speed = std::min(w_.speed, 0.f);
    w_.turn = std::max(w_.turn, 0.f);
}

bool NcapCircuit::weightsRespectSigns() const {
    return (w_.osc >= 0.f).all() && (w_.prop >= 0.f).all() && (w_.ipsi >= 0.f).all() &&
           (w_.contra <= 0.f).all() && w_.speed <= 0.f && w_.turn >= 0.f;
}

int NcapCircuit::parameterCount() const {
    return int(4 * w_.osc.size()) + (cfg_.speedUnit ? 1 : 0) + (cfg_.turnUnit ? 1 : 0);
}

Eigen::VectorXf NcapCircuit::parameterVector() const {
    const Eigen::Index c = w_.osc.size();
    Eigen::VectorXf p(parameterCount());
    p.segment(0, c) = w_.osc.matrix();
    p.segment(c, c) = w_.prop.matrix();
    p.segment(2 * c, c) = w_.ipsi.matrix();
    p.segment(3 * c, c) = w_.contra.matrix();
    Eigen::Index k = 4 * c;
    if (cfg_.speedUnit) p(k++) = w_.speed;
    if (cfg_.turnUnit) p(k++) = w_.turn;
    return p;
}

void NcapCircuit::setParameterVector(const Eigen::VectorXf& p) {
    if (p.size() != parameterCount())
        throw std::invalid_argument("NCAP parameter vector has " + std::to_string(p.size()) +
                                    " entries, expected " + std::to_string(parameterCount()));
    const Eigen::Index c = w_.osc.size();
    w_.osc = p.segment(0, c).array();
    w_.prop = p.segment(c, c).array();
    w_.ipsi = p.segment(2 * c, c).array();
    w_.contra = p.segment(3 * c, c).array();
    Eigen::Index k = 4 * c;
    if (cfg_.speedUnit) w_.speed = p(k++);
    if (cfg_.turnUnit) w_.turn = p(k++);
    projectWeights();
}

Eigen::VectorXf NcapCircuit::parameterSigns() const {
    const Eigen::Index c = w_.osc.size();
    Eigen::VectorXf s = Eigen::VectorXf::Ones(parameterCount());
    s.segment(3 * c, c).setConstant(-1.f);
    if (cfg_.speedUnit) s(4 * c) = -1.f;
    return s;
}

void NcapCircuit::setAblation(const std::string& list) {
    const int n = cfg_.joints;
    NcapAblation a;
    a.bDorsal.assign(n, false);
    a.bVentral.assign(n, false);
    a.mDorsal.assign(n, false);
    a.mVentral.assign(n, false);
    std::string text = list;
    for (char& ch : text)
        if (ch == ',' || ch == ';') ch = ' ';
    std::istringstream in(text);
    std::string name;
    while (in >> name) {
        std::string up;
        for (char ch : name) up += char(std::toupper(static_cast<unsigned char>(ch)));
        if (up == "OSC") {
            a.oscillator = true;
            continue;
        }
        std::vector<bool>* target = nullptr;
        if (up.rfind("DB", 0) == 0) target = &a.bDorsal;
        else if (up.rfind("VB", 0) == 0) target = &a.bVentral;
        else if (up.rfind("DM", 0) == 0) target = &a.mDorsal;
        else if (up.rfind("VM", 0) == 0) target = &a.mVentral;
        int j = 0;
        const std::string num = up.size() > 2 ? up.substr(2) : std::string();
        bool digits = !num.empty() && num.size() < 4;
        for (char ch : num) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
        if (digits) j = std::stoi(num);
        if (!target || !digits || j < 1 || j > n)
            throw std::invalid_argument("unknown NCAP neuron '" + name +
                                        "' (use osc, DB1..DB" + std::to_string(n) + ", VB1.., DM1.., VM1..)");
        (*target)[j - 1] = true;
    }
    ablate_ = std::move(a);
}

void NcapCircuit::setSwitches(bool oscillator, bool proprioception, double period) {
    cfg_.oscillator = oscillator;
    cfg_.proprioception = proprioception;
    if (!(period >= 2 * cfg_.dt))
        throw std::invalid_argument("oscillator period must be at least two control steps");
    cfg_.period = period;
}

bool NcapCircuit::oscillatorDorsal(long long step) const {
    const long long period = std::max<long long>(2, std::llround(cfg_.period / cfg_.dt));
    return (step % period) < period / 2;
}

void NcapCircuit::step(long long step, const Eigen::Ref<const Eigen::VectorXf>& angles,
                       Eigen::Ref<Eigen::VectorXf> torque) {
    const int n = cfg_.joints;
    const float norm = float(2.0 * std::numbers::pi / (n + 1));
    const bool oscOn = cfg_.oscillator && !ablate_.oscillator;
    const bool dorsalPhase = oscillatorDorsal(step);
    oscD_ = oscOn && dorsalPhase ? 1.f : 0.f;
    oscV_ = oscOn && !dorsalPhase ? 1.f : 0.f;
    const float speedDrive = cfg_.speedUnit ? w_.speed * (1.f - std::clamp(speedCmd_, 0.f, 1.f)) : 0.f;
    const float turnLeft = cfg_.turnUnit ? std::max(turnCmd_, 0.f) : 0.f;
    const float turnRight = cfg_.turnUnit ? std::max(-turnCmd_, 0.f) : 0.f;

    for (int j = 0; j < n; ++j) {
        const int c = col(j);
        float d = speedDrive, v = speedDrive;
        if (cfg_.proprioception && j > 0) {
            const float a = angles(j - 1) / norm;
            d += w_.prop(c) * std::max(a, 0.f);
            v += w_.prop(c) * std::max(-a, 0.f);
        }
        if (j == 0) {
            d += w_.osc(c) * oscD_;
            v += w_.osc(c) * oscV_;
        }
        if (j < cfg_.turnJoints) {
            d += w_.turn * turnLeft;
            v += w_.turn * turnRight;
        }
        const float bd = ablate_.bDorsal[j] ? 0.f : graded(d);
        const float bv = ablate_.bVentral[j] ? 0.f : graded(v);
        const float md = ablate_.mDorsal[j] ? 0.f : graded(w_.ipsi(c) * bd + w_.contra(c) * bv);
        const float mv = ablate_.mVentral[j] ? 0.f : graded(w_.ipsi(c) * bv + w_.contra(c) * bd);
        bD_(j) = bd;
        bV_(j) = bv;
        mD_(j) = md;
        mV_(j) = mv;
        torque(j) = md - mv;
    }
}

}  // namespace ganglion::worm
