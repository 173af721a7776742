// What an NcapCircuit node expands into on the canvas: its neurons as separate nodes (head
// oscillator, optional command units, per joint DB/VB B-neurons, DM/VM muscles and a joint
// node), wired as NcapCircuit::step() computes, with the composite's weights, switches and
// ablations carried over. The expanded graph drives the body the same way.
#include "core/worm/ncap_circuit.h"
#include "core/worm/ncap_parts.h"

#include <stdexcept>

namespace ganglion::worm {

namespace {

constexpr double kColumn = 230;   // horizontal pitch between the columns of parts
constexpr double kRow = 190;      // vertical pitch: one B-neuron node (4 inputs) plus a gap

}  // namespace

Expansion expandNcapCircuit(const ParamSet& p) {
    NcapConfig cfg;
    cfg.joints = int(p.getInt("joints"));
    cfg.dt = p.getFloat("control_dt");
    cfg.period = p.getFloat("period");
    NcapCircuit circuit(cfg);  // validates joints and period
    circuit.setAblation(p.getString("ablate"));  // throws naming an unknown neuron
    const NcapAblation& ab = circuit.ablation();
    const int J = cfg.joints;
    const bool speedUnit = p.getBool("speed_unit"), turnUnit = p.getBool("turn_unit");

    Expansion ex;
    auto add = [&](const std::string& type, const std::string& name, double col, double row,
                   std::initializer_list<std::pair<const char*, ParamValue>> params) {
        Expansion::Part part;
        part.type = type;
        part.name = name;
        part.dx = col * kColumn;
        part.dy = row * kRow - (J - 1) * kRow;  // centred on the composite's position
        for (const auto& [k, v] : params) part.params.set(k, v);
        ex.parts.push_back(std::move(part));
        return int(ex.parts.size()) - 1;
    };
    auto link = [&](int from, const char* fromPort, int to, const char* toPort) {
        ex.links.push_back({{from, fromPort}, {to, toPort}});
    };

    const int osc = add("NcapOscillator", "Oscillator", 0, 0.5,
                        {{"period", cfg.period},
                         {"control_dt", cfg.dt},
                         {"active", p.getBool("oscillator") && !ab.oscillator}});
    int command = -1;
    if (speedUnit || turnUnit) {
        command = add("NcapCommand", "Commands", 0, 2.0, {{"speed", p.getFloat("speed")}, {"turn", p.getFloat("turn")}});
        ex.inputs["speed"] = {{command, "speed"}};
        ex.inputs["turn"] = {{command, "turn"}};
    }
    const bool proprioception = p.getBool("proprioception");
    int previousJoint = -1;
    for (int j = 1; j <= J; ++j) {
        const std::string n = std::to_string(j);
        const double row = 2.0 * (j - 1);
        // per side (dorsal on the joint's first row, ventral below): the B-neurons, then the muscles
        auto sideName = [](int side) { return std::string(side == 0 ? "dorsal" : "ventral"); };
        auto letter = [](int side) { return std::string(side == 0 ? "D" : "V"); };
        int bn[2], mu[2];
        for (int side = 0; side < 2; ++side)
            bn[side] = add("NcapBNeuron", letter(side) + "B" + n, 1, row + side,
                           {{"side", sideName(side)}, {"joint", std::int64_t(j)},
                            {"w_osc", p.getFloat("w_osc")}, {"w_prop", p.getFloat("w_prop")},
                            {"w_speed", p.getFloat("w_speed")}, {"w_turn", p.getFloat("w_turn")},
                            {"ablated", bool((side == 0 ? ab.bDorsal : ab.bVentral)[j - 1])}});
        for (int side = 0; side < 2; ++side)
            mu[side] = add("NcapMuscle", letter(side) + "M" + n, 2, row + side,
                           {{"side", sideName(side)}, {"joint", std::int64_t(j)},
                            {"w_ipsi", p.getFloat("w_ipsi")}, {"w_contra", p.getFloat("w_contra")},
                            {"ablated", bool((side == 0 ? ab.mDorsal : ab.mVentral)[j - 1])}});
        const int db = bn[0], vb = bn[1], dm = mu[0], vm = mu[1];
        const int joint = add("NcapJoint", "Joint " + n, 3, row + 0.5,
                              {{"joint", std::int64_t(j)}, {"joints", std::int64_t(J)}});
        if (j == 1) {
            link(osc, "dorsal", db, "osc");
            link(osc, "ventral", vb, "osc");
        } else if (proprioception) {
            ex.inputs["angles"].push_back({db, "angles"});
            ex.inputs["angles"].push_back({vb, "angles"});
        }
        if (command >= 0 && speedUnit) {
            link(command, "slow", db, "speed");
            link(command, "slow", vb, "speed");
        }
        if (command >= 0 && turnUnit && j <= cfg.turnJoints) {
            link(command, "dorsal", db, "turn");
            link(command, "ventral", vb, "turn");
        }
        link(db, "out", dm, "ipsi");
        link(vb, "out", dm, "contra");
        link(vb, "out", vm, "ipsi");
        link(db, "out", vm, "contra");
        link(dm, "out", joint, "dorsal");
        link(vm, "out", joint, "ventral");
        if (previousJoint >= 0) link(previousJoint, "torques", joint, "torques");
        previousJoint = joint;
    }
    ex.outputs["torque"] = {previousJoint, "torques"};
    ex.width = 3 * kColumn + 180;
    return ex;
}

}  // namespace ganglion::worm
