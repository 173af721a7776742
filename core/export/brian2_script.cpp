// The Brian2 script and arrays of an export (core/export/brian2_export.h): one NeuronGroup,
// PoissonGroup or SpikeGeneratorGroup per population and one Synapses object per projection.
#include "core/export/brian2_model.h"
#include "core/export/torch_hooks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ganglion::brian2 {

namespace {

using torch::pyFloat;
using torch::pyString;

/// `prefix` + the label made an identifier (Brian2 object names and npz keys), unique in `taken`.
std::string identifier(const std::string& prefix, const std::string& label, std::set<std::string>& taken) {
    std::string id = prefix;
    for (char c : label) {
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0;
        if (ok) id += c;
        else if (id.back() != '_') id += '_';
    }
    while (id.size() > prefix.size() && id.back() == '_') id.pop_back();
    std::string unique = id;
    for (int k = 2; taken.count(unique); ++k) unique = id + "_" + std::to_string(k);
    taken.insert(unique);
    return unique;
}

io::NpyArray intArray(const std::vector<double>& v) { return io::NpyArray{{v.size()}, "<i4", false, v}; }
io::NpyArray floatArray(const std::vector<double>& v) { return io::NpyArray{{v.size()}, "<f4", false, v}; }
template <class T> std::vector<double> doubles(const std::vector<T>& v) { return std::vector<double>(v.begin(), v.end()); }

bool anyNonZero(const std::vector<float>& v) {
    return std::any_of(v.begin(), v.end(), [](float x) { return x != 0.f; });
}

/// The step a generator spike at time t is emitted in (Population::stepGenerator: the step whose
/// interval (n·dt, (n+1)·dt] holds it); -1 for a spike at or before 0, which is never emitted.
long emissionStep(double t, double dt) {
    const long n = long(std::ceil(t / dt - 1e-9)) - 1;
    return n >= 0 && t > double(n) * dt + 1e-9 * dt ? n : -1;
}

/// The first step at or after time t (step currents are applied from the step starting at t0).
long stepAt(double t, double dt) { return long(std::ceil((t - 1e-12) / dt - 1e-9)); }

/// Python float of a time constant: `name * second`.
std::string seconds(double s) { return pyFloat(s) + " * second"; }

struct Writer {
    const Model& m;
    std::ostringstream py;
    io::NpzArrays arrays;
    std::vector<std::string> gid, sid;  // object names of populations and projections
    std::vector<std::string> plastic;   // projections written with STDP

    std::string label(const Population& p) const { return "population '" + p.label + "'"; }

    void check() {
        if (!(m.dt > 0)) throw std::runtime_error("the network's dt is not positive");
        for (const Population& p : m.pops)
            if (p.pop->hasExtCurrent())
                throw std::runtime_error(label(p) + " is driven by a current set from outside every step, which has no Brian2 export");
        for (const Projection& x : m.projs) {
            if (x.learning && x.proj->homeostasis().enabled)
                throw std::runtime_error("projection '" + x.label + "': homeostatic synaptic scaling has no Brian2 export "
                                         "(turn learning or homeostasis off to export)");
            if (!m.pops[std::size_t(x.pre)].pop->spikes())
                throw std::runtime_error("projection '" + x.label + "' leaves " + label(m.pops[std::size_t(x.pre)]) +
                                         ", an LI readout that never spikes; Brian2 has no spikes to send");
        }
    }

    void neuronGroup(std::size_t k) {
        const Population& p = m.pops[k];
        const snn::Population& pop = *p.pop;
        const snn::NeuronParams& q = pop.params();
        const std::string& g = gid[k];
        const snn::Model model = q.model;
        const long nref = std::lround(q.refractory / m.dt);
        const bool spiking = model != snn::Model::LI, refr = spiking && nref > 0;
        const std::string unless = refr ? " (unless refractory)" : "";
        // An equal time constant reuses tau_mem's symbol: Brian2's exact integrator then finds the
        // degenerate solution (distinct symbols would divide by tau_exc − tau_mem = 0).
        auto tau = [&](double t, const char* name) { return std::abs(t - q.tauMem) < 1e-12 * q.tauMem ? std::string("tau_mem") : std::string(name); };
        std::ostringstream eq, ns;
        ns << "tau_mem=" << seconds(q.tauMem) << ", r=" << pyFloat(q.r);
        if (refr) ns << ", n_refractory=" << nref;
        if (model == snn::Model::CubaLIF) {
            eq << "        dv/dt = (v_leak - v + r*(I_exc + I_inh + I_ext))/tau_mem : 1" << unless << "\n"
               << "        dI_exc/dt = -I_exc/" << tau(q.tauExc, "tau_exc") << " : 1\n"
               << "        dI_inh/dt = -I_inh/" << tau(q.tauInh, "tau_inh") << " : 1\n";
            ns << ", tau_exc=" << seconds(q.tauExc) << ", tau_inh=" << seconds(q.tauInh);
        } else if (model == snn::Model::IF) {
            eq << "        dv/dt = r*I_ext/second : 1" << unless << "  # no leak\n";
        } else {
            eq << "        dv/dt = (v_leak - v + r*I_ext)/tau_mem : 1" << unless << "\n";
        }
        if (model == snn::Model::AdaptiveLIF) {
            eq << "        da/dt = -a/tau_adapt : 1  # threshold adaptation\n";
            ns << ", tau_adapt=" << seconds(q.tauAdapt) << ", adapt_increment=" << pyFloat(q.adaptIncrement);
        }
        if (model != snn::Model::CubaLIF)
            eq << "        jump : 1  # weighted input spikes, added to v at the start of the next step\n";
        if (p.currents.empty()) {
            eq << "        I_ext = bias : 1\n";
        } else {
            eq << "        I_ext = bias + I_step(t) : 1 (constant over dt)\n";
            ns << ", I_step=I_step";
        }
        for (const char* v : {"v_threshold", "v_reset", "v_leak", "bias"}) eq << "        " << v << " : 1 (constant)\n";
        py << "\n    # " << label(p) << ": " << snn::modelName(model) << ", " << pop.size() << " neurons\n";
        if (!p.currents.empty()) stepCurrents(p);
        py << "    G = NeuronGroup(" << pop.size() << ", '''\n" << eq.str() << "        ''',";
        if (spiking) {
            py << " threshold='v > v_threshold" << (model == snn::Model::AdaptiveLIF ? " + a" : "") << "',\n"
               << "        reset='v = v_reset" << (model == snn::Model::AdaptiveLIF ? "\\na += adapt_increment" : "") << "',";
            // Ganglion holds v for the n_refractory steps after the spike step; Brian2's state updater
            // of step k integrates once k − spike step ≥ refractory / dt.
            if (refr) py << "\n        refractory=" << nref + 1 << " * dt,  # the spike step + n_refractory steps held at v_reset";
        }
        py << "\n        method='exact', name=" << pyString(g) << ",\n        namespace=dict(" << ns.str() << "))\n";
        const snn::Heterogeneity& h = pop.heterogeneity();
        perNeuron(g, "v_threshold", h.vThreshold, q.vThreshold);
        perNeuron(g, "v_reset", h.vReset, q.vReset);
        perNeuron(g, "v_leak", h.vLeak, q.vLeak);
        perNeuron(g, "bias", h.bias, q.bias);
        if (p.prepared) {
            state(g, "v", pop.v(), true);
            if (model == snn::Model::CubaLIF) state(g, "I_exc", pop.inExc(), false), state(g, "I_inh", pop.inInh(), false);
            if (model == snn::Model::AdaptiveLIF) state(g, "a", pop.adaptation(), false);
        } else {
            py << "    G.v = 'v_reset'\n";
        }
        // Ganglion adds the input of step n to v at step n+1 before that step's leak. The leak being
        // linear, the same is the input added after the state update, decayed over the step; there
        // the refractory flag is the one the update just set, and Brian2 discards the write (v is
        // written only when not refractory), as Ganglion discards input while refractory.
        if (model != snn::Model::CubaLIF)
            py << "    # Ganglion's order: input of step n reaches v at step n+1, before the leak (here after\n"
                  "    # it, decayed by the leak of one step), and is discarded while the neuron is refractory\n"
               << "    others.append(G.run_regularly('v += r*jump" << (model == snn::Model::IF ? "" : "*exp(-dt/tau_mem)")
               << "\\njump = 0', when='groups', order=1, name=" << pyString(g + "_input") << "))\n";
    }

    void perNeuron(const std::string& g, const char* name, const std::vector<float>& values, double uniform) {
        if (values.empty()) {
            py << "    G." << name << " = " << pyFloat(uniform) << "\n";
            return;
        }
        const std::string key = g + "_" + name;
        arrays.emplace_back(key, floatArray(doubles(values)));
        py << "    G." << name << " = data[" << pyString(key) << "]  # per neuron\n";
    }

    void state(const std::string& g, const char* name, const std::vector<float>& values, bool always) {
        if (!always && !anyNonZero(values)) return;
        const std::string key = g + "_" + name;
        arrays.emplace_back(key, floatArray(doubles(values)));
        py << "    G." << name << " = data[" << pyString(key) << "]  # at export time\n";
    }

    void stepCurrents(const Population& p) {
        long end = 0;
        for (const auto& c : p.currents) end = std::max(end, stepAt(c.t1, m.dt));
        py << "    # step currents, by step (TimedArray: value at step n = current during that step)\n"
           << "    steps = np.zeros(" << end + 1 << ")\n";
        for (const auto& c : p.currents)
            py << "    steps[" << std::max(0L, stepAt(c.t0, m.dt)) << ":" << stepAt(c.t1, m.dt) << "] += " << pyFloat(c.amplitude)
               << "  # " << pyFloat(c.t0) << " s to " << pyFloat(c.t1) << " s\n";
        py << "    I_step = TimedArray(steps, dt=dt)\n";
    }

    void source(std::size_t k) {
        const Population& p = m.pops[k];
        const snn::Population& pop = *p.pop;
        const std::string& g = gid[k];
        py << "\n    # " << label(p) << ": " << snn::modelName(pop.params().model) << ", " << pop.size() << " neurons\n";
        if (pop.params().model == snn::Model::Poisson) {
            std::string rates = pyFloat(pop.params().rate) + " * Hz";
            if (!pop.rates().empty()) {
                arrays.emplace_back(g + "_rates", floatArray(doubles(pop.rates())));
                rates = "data[" + pyString(g + "_rates") + "] * Hz";
            }
            py << "    G = PoissonGroup(" << pop.size() << ", rates=" << rates << ", name=" << pyString(g) << ")\n";
            return;
        }
        const auto& spikes = p.generatorSpikes ? *p.generatorSpikes : pop.generatorSpikes();
        const long period = p.generatorPeriod > 0 ? std::lround(p.generatorPeriod / m.dt) : 0;
        std::vector<double> idx, steps;
        std::set<std::pair<long, int>> seen;
        for (const auto& s : spikes) {
            const long n = emissionStep(s.t, m.dt);
            if (n < 0) continue;
            if (!seen.insert({n, s.neuron}).second)
                throw std::runtime_error(label(p) + ": neuron " + std::to_string(s.neuron) + " spikes twice in step " + std::to_string(n) +
                                         " (t = " + pyFloat(s.t) + " s); Brian2's SpikeGeneratorGroup allows one spike per neuron and step");
            idx.push_back(s.neuron);
            steps.push_back(double(n));
        }
        arrays.emplace_back(g + "_indices", intArray(idx));
        arrays.emplace_back(g + "_steps", intArray(steps));
        py << "    # spike times are whole steps: the step Ganglion emits each spike in\n"
           << "    G = SpikeGeneratorGroup(" << pop.size() << ", data[" << pyString(g + "_indices") << "], data["
           << pyString(g + "_steps") << "] * dt,";
        if (period > 0) py << " period=" << period << " * dt,";
        py << " name=" << pyString(g) << ")\n";
    }

    void synapses(std::size_t k) {
        const Projection& x = m.projs[k];
        const snn::Projection& pr = *x.proj;
        const Population& post = m.pops[std::size_t(x.post)];
        const std::string& s = sid[k];
        const bool cuba = post.pop->params().model == snn::Model::CubaLIF;
        const std::string target = cuba ? (pr.channel() == snn::Channel::Exc ? "I_exc_post" : "I_inh_post") : "jump_post";
        std::vector<double> i, j, w, d;
        bool delayed = false;
        for (int a = 0; a + 1 < int(pr.rowStart().size()); ++a)
            for (int b = pr.rowStart()[std::size_t(a)]; b < pr.rowStart()[std::size_t(a) + 1]; ++b) {
                i.push_back(a);
                j.push_back(pr.targets()[std::size_t(b)]);
                w.push_back(pr.weights()[std::size_t(b)]);
                const int own = x.delaySteps >= 0 ? x.delaySteps : pr.delays().empty() ? 0 : pr.delays()[std::size_t(b)];
                d.push_back(own + x.extraDelay);
                delayed = delayed || d.back() != 0;
            }
        arrays.emplace_back(s + "_i", intArray(i));
        arrays.emplace_back(s + "_j", intArray(j));
        arrays.emplace_back(s + "_w", floatArray(w));
        arrays.emplace_back(s + "_delay", intArray(d));
        const std::string preG = "groups[" + pyString(gid[std::size_t(x.pre)]) + "]", postG = "groups[" + pyString(gid[std::size_t(x.post)]) + "]";
        py << "\n    # projection '" << x.label << "': '" << m.pops[std::size_t(x.pre)].label << "' -> '" << post.label << "', " << i.size()
           << " synapses onto " << target.substr(0, target.size() - 5) << "\n";
        const snn::StdpParams& st = pr.stdp();
        if (x.learning && st.enabled) {
            double lo = st.wMin, hi = st.wMax;
            if (pr.preDale() == snn::Dale::Excitatory) lo = std::max(lo, 0.0);
            if (pr.preDale() == snn::Dale::Inhibitory) hi = std::min(hi, 0.0);
            py << "    # pair-based STDP with unit traces: a presynaptic spike depresses by a_minus*apost, a\n"
                  "    # postsynaptic one potentiates by a_plus*apre; the learning pathway sees the spike undelayed\n"
               << "    S = Synapses(" << preG << ", " << postG << ", '''\n        w : 1\n"
               << "        dapre/dt = -apre/tau_plus : 1 (event-driven)\n        dapost/dt = -apost/tau_minus : 1 (event-driven)\n        ''',\n"
               << "        on_pre={'pre': '" << target << " += w',\n"
               << "                'learn': 'w = clip(w - a_minus*apost, w_min, w_max)\\napre += 1'},\n"
               << "        on_post='w = clip(w + a_plus*apre, w_min, w_max)\\napost += 1',\n"
               << "        namespace=dict(tau_plus=" << seconds(st.tauPlus) << ", tau_minus=" << seconds(st.tauMinus) << ", a_plus="
               << pyFloat(st.aPlus) << ", a_minus=" << pyFloat(st.aMinus) << ",\n                       w_min=" << pyFloat(lo)
               << ", w_max=" << pyFloat(hi) << "),\n        name=" << pyString(s) << ")\n"
               << "    S.learn.order = 0  # after every delivery (order -1), before the postsynaptic pass (order 1)\n";
            plastic.push_back(s);
        } else {
            py << "    S = Synapses(" << preG << ", " << postG << ", 'w : 1', on_pre='" << target << " += w', name=" << pyString(s) << ")\n";
        }
        if (i.empty()) {
            py << "    # (no synapses)\n";
        } else {
            py << "    S.connect(i=data[" << pyString(s + "_i") << "], j=data[" << pyString(s + "_j") << "])\n"
               << "    S.w = data[" << pyString(s + "_w") << "]\n";
            if (delayed) py << "    S.pre.delay = data[" << pyString(s + "_delay") << "] * dt\n";
        }
        py << "    synapses[" << pyString(s) << "] = S\n";
    }
};

}  // namespace

Brian2Export write(const Model& m, const Brian2Options& o) {
    Writer w{m, {}, {}, {}, {}, {}};
    w.check();
    if (o.target != "numpy" && o.target != "cython" && o.target != "cpp_standalone")
        throw std::runtime_error("unknown Brian2 target '" + o.target + "' (numpy, cython or cpp_standalone)");
    std::set<std::string> taken;
    for (const Population& p : m.pops) {
        w.gid.push_back(identifier("G_", p.label, taken));
        taken.insert(w.gid.back() + "_input");  // its run_regularly
    }
    for (const Projection& x : m.projs) w.sid.push_back(identifier("S_", x.label, taken));
    std::ostringstream body, labels;
    for (std::size_t k = 0; k < m.pops.size(); ++k) {
        if (m.pops[k].pop->isSource()) w.source(k);
        else w.neuronGroup(k);
        w.py << "    groups[" << pyString(w.gid[k]) << "] = G\n";
        labels << "    " << pyString(w.gid[k]) << ": " << pyString(m.pops[k].label) << ",\n";
    }
    for (std::size_t k = 0; k < m.projs.size(); ++k) w.synapses(k);
    body.swap(w.py);
    std::ostringstream spiking;
    for (std::size_t k = 0; k < m.pops.size(); ++k)
        if (m.pops[k].pop->spikes()) spiking << pyString(w.gid[k]) << ", ";
    std::ostringstream& py = w.py;
    py << "#!/usr/bin/env python3\n\"\"\"Brian2 version of the Ganglion network " << pyString(o.title.empty() ? "untitled" : o.title)
       << ", written by Ganglion's Brian2 export.\n\n"
       << "It follows Ganglion's simulator step for step: the same dt, exact integration, threshold and\n"
          "reset, refractory period held at v_reset, and a spike of step n reaching its target's update of\n"
          "step n+1+delay. Synapses (i, j, w, delay in steps) and per-neuron values are in synapses.npz\n"
          "beside this file; the initial state is the network's at export time. Poisson sources draw their\n"
          "own random numbers, so they agree with Ganglion in rate, not spike for spike.\n\n"
          "    python3 network.py [--duration S] [--target numpy|cython|cpp_standalone] [--seed N]\n"
          "                       [--spikes FILE.npz] [--weights FILE.npz] [--build-dir DIR]\n\n"
          "Prints `rate <population>=X Hz` for every spiking population.\n\"\"\"\n"
       << "import argparse\nimport os\n\nimport numpy as np\nimport brian2 as b2\n"
       << "from brian2 import (Hz, Network, NeuronGroup, PoissonGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses,\n"
       << "                    TimedArray, second)\n\n"
       << "HERE = os.path.dirname(os.path.abspath(__file__))\n"
       << "DT = " << pyFloat(m.dt) << "  # s, Ganglion's simulation step\n"
       << "DURATION = " << pyFloat(o.duration) << "  # s, default run length\n"
       << "TARGET = " << pyString(o.target) << "  # default code generation target\n"
       << "SEED = " << o.seed << "\n"
       << "LABELS = {  # object name -> Ganglion's population name\n" << labels.str() << "}\n"
       << "SPIKING = [" << spiking.str() << "]\nPLASTIC = [";
    for (const auto& s : w.plastic) py << pyString(s) << ", ";
    py << "]\n\n\ndef build(data):\n"
       << "    \"\"\"The network's populations, projections and helpers (dicts by object name, a list).\"\"\"\n"
       << "    dt = DT * second\n    groups, synapses, others = {}, {}, []\n"
       << body.str() << "    return groups, synapses, others\n\n\n"
       << "def main():\n"
       << "    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)\n"
       << "    ap.add_argument('--duration', type=float, default=DURATION, help='simulated seconds')\n"
       << "    ap.add_argument('--target', default=TARGET, choices=['numpy', 'cython', 'cpp_standalone'])\n"
       << "    ap.add_argument('--seed', type=int, default=SEED, help=\"seed of Brian2's random numbers\")\n"
       << "    ap.add_argument('--spikes', help='save every spike to this .npz (<population>_i, <population>_step)')\n"
       << "    ap.add_argument('--weights', help='save the plastic weights after the run to this .npz')\n"
       << "    ap.add_argument('--build-dir', default=os.path.join(HERE, 'standalone'), help='cpp_standalone project folder')\n"
       << "    a = ap.parse_args()\n"
       << "    b2.prefs.logging.file_log = False\n"
       << "    if a.target == 'cpp_standalone':\n        b2.set_device('cpp_standalone', directory=a.build_dir)\n"
       << "    else:\n        b2.prefs.codegen.target = a.target\n"
       << "    b2.defaultclock.dt = DT * second\n    b2.seed(a.seed)\n"
       << "    data = np.load(os.path.join(HERE, 'synapses.npz'))\n"
       << "    groups, synapses, others = build(data)\n"
       << "    monitors = {g: SpikeMonitor(groups[g], record=a.spikes is not None, name='M_' + g) for g in SPIKING}\n"
       << "    net = Network(list(groups.values()), list(synapses.values()), others, list(monitors.values()))\n"
       << "    net.run(a.duration * second)\n"
       << "    for g, mon in monitors.items():\n"
       << "        print(f'rate {LABELS[g]}={mon.count[:].sum() / len(groups[g]) / a.duration:.6g} Hz')\n"
       << "    if a.spikes:\n"
       << "        out = {}\n        for g, mon in monitors.items():\n"
       << "            out[g + '_i'] = np.asarray(mon.i[:], dtype=np.int32)\n"
       << "            out[g + '_step'] = np.round(np.asarray(mon.t[:] / second) / DT).astype(np.int64)\n"
       << "        np.savez(a.spikes, **out)\n"
       << "    if a.weights:\n        np.savez(a.weights, **{s: np.asarray(synapses[s].w[:]) for s in PLASTIC})\n\n\n"
       << "if __name__ == '__main__':\n    main()\n";
    return Brian2Export{py.str(), std::move(w.arrays)};
}

}  // namespace ganglion::brian2
