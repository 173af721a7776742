#include "core/snn/presets.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::snn {

Network buildCuba(const CubaConfig& c, double dt, std::uint64_t seed) {
    if (c.neurons < 2) throw std::invalid_argument("CUBA: need at least 2 neurons");
    if (c.excFraction <= 0 || c.excFraction >= 1)
        throw std::invalid_argument("CUBA: excitatory fraction must be in (0, 1)");
    const int nExc = int(std::lround(c.excFraction * c.neurons));
    const int nInh = c.neurons - nExc;
    const double p = c.pConnect > 0 ? std::min(1.0, c.pConnect) : std::min(1.0, 0.02 * 4000.0 / c.neurons);
    NeuronParams np;
    np.model = Model::CubaLIF;
    np.tauMem = c.tauMem;
    np.tauExc = c.tauExc;
    np.tauInh = c.tauInh;
    np.r = 1.0;
    np.vLeak = c.vLeak;
    np.vThreshold = c.vThreshold;
    np.vReset = c.vReset;
    np.refractory = c.refractory;
    Network net;
    const int e = net.addPopulation(Population("exc", nExc, np, Dale::Excitatory));
    const int i = net.addPopulation(Population("inh", nInh, np, Dale::Inhibitory));
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
    const auto we = float(c.we), wi = float(c.wi);
    net.addProjection("exc->exc", e, e, connect::fixedProbability(nExc, nExc, p, we, rng), Channel::Exc);
    net.addProjection("exc->inh", e, i, connect::fixedProbability(nExc, nInh, p, we, rng), Channel::Exc);
    net.addProjection("inh->exc", i, e, connect::fixedProbability(nInh, nExc, p, wi, rng), Channel::Inh);
    net.addProjection("inh->inh", i, i, connect::fixedProbability(nInh, nInh, p, wi, rng), Channel::Inh);
    net.prepare(dt, seed);
    std::uniform_real_distribution<float> u(float(c.vReset), float(c.vThreshold));
    for (int k : {e, i})
        for (auto& v : net.population(k).v()) v = u(rng);
    return net;
}

Network buildStdpPattern(const StdpPatternConfig& c, double dt, std::uint64_t seed) {
    if (c.inputs < 2 || c.duration <= 0 || c.period <= c.patternLength || c.patternLength <= 0)
        throw std::invalid_argument("STDP pattern: need inputs >= 2, duration > 0, 0 < pattern < period");
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 5);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::exponential_distribution<double> isi(c.rate);
    // Frozen pattern: afferents 0 .. inputs/2−1, Poisson at `rate` within the pattern window.
    const int nPat = c.inputs / 2;
    std::exponential_distribution<double> pisi(c.patternRate);
    std::vector<GeneratorSpike> pattern;
    for (int n = 0; n < nPat; ++n)
        for (double t = pisi(rng); t < c.patternLength; t += pisi(rng)) pattern.push_back({t, n});
    std::vector<GeneratorSpike> spikes;
    for (double t0 = 0; t0 < c.duration; t0 += c.period) {
        // Pattern at the start of every period; noise elsewhere (and for the other afferents).
        for (auto s : pattern) spikes.push_back({t0 + s.t, s.neuron});
        for (int n = 0; n < c.inputs; ++n) {
            const double from = n < nPat ? t0 + c.patternLength : t0;
            for (double t = from + isi(rng); t < t0 + c.period; t += isi(rng)) spikes.push_back({t, n});
        }
    }
    // Like any neuron, an afferent is refractory for 1 ms (at least one step) after it fires: where
    // the noise or the pattern's edges would make it fire sooner, the later spike is dropped. So no
    // afferent fires twice in one step, as Brian2's SpikeGeneratorGroup requires of an export.
    const double deadTime = std::max(1e-3, dt);
    std::sort(spikes.begin(), spikes.end(), [](const GeneratorSpike& a, const GeneratorSpike& b) {
        return a.neuron != b.neuron ? a.neuron < b.neuron : a.t < b.t;
    });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < spikes.size(); ++i)
        if (kept == 0 || spikes[kept - 1].neuron != spikes[i].neuron || spikes[i].t - spikes[kept - 1].t > deadTime)
            spikes[kept++] = spikes[i];
    spikes.resize(kept);
    NeuronParams in;
    in.model = Model::Generator;
    NeuronParams out;
    out.model = Model::LIF;
    out.tauMem = 10e-3;
    out.vThreshold = 1.0;
    out.vReset = 0.0;
    out.refractory = 2e-3;
    Network net;
    Population inputs("inputs", c.inputs, in, Dale::Excitatory);
    inputs.setGeneratorSpikes(std::move(spikes));
    const int a = net.addPopulation(std::move(inputs));
    const int b = net.addPopulation(Population("out", 1, out));
    Synapses syn = connect::allToAll(c.inputs, 1, float(c.w0));
    for (auto& w : syn.weight) w *= float(0.5 + u(rng));
    const int pr = net.addProjection("stdp", a, b, syn, Channel::Exc);
    StdpParams sp;
    sp.enabled = true;
    sp.tauPlus = 16.8e-3;
    sp.tauMinus = 33.7e-3;
    sp.aPlus = 0.005;
    sp.aMinus = 0.0045;
    sp.wMin = 0.0;
    sp.wMax = 2.0 * c.w0;
    net.projection(pr).setStdp(sp);
    net.prepare(dt, seed);
    return net;
}

}  // namespace ganglion::snn
