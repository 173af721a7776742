// Reference simulation of NIR graphs (see nir.h).
#include "core/snn/nir.h"

#include "core/snn/nir_tensor_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace ganglion::nir {

namespace {

double at(const Array& a, std::size_t i) { return a.data[a.size() == 1 ? 0 : i]; }
double opt(const Node& n, const char* key, std::size_t i, double def) {
    auto it = n.params.find(key);
    return it == n.params.end() ? def : at(it->second, i);
}

Graph validatedFlat(const Graph& g) {
    validate(g);
    Graph f = flatten(g);
    validate(f);
    return f;
}

}  // namespace

Simulator::Simulator(const Graph& g, double dt) : g_(validatedFlat(g)), dt_(dt) {
    if (!(dt > 0)) throw NirError("NIR simulation: dt must be > 0");
    const detail::Shapes shapes = detail::inferShapes(g_, "");
    shape_ = shapes.out;
    inShape_ = shapes.in;
    for (const auto& [a, b] : g_.edges) sources_[b].push_back(a);
    // Depth-first topological order; an edge back to a node on the stack closes a cycle and
    // simply delivers the previous step's value.
    std::map<std::string, int> mark;
    std::function<void(const std::string&)> visit = [&](const std::string& n) {
        if (mark[n]) return;
        mark[n] = 1;
        for (const auto& s : sources_[n]) visit(s);
        mark[n] = 2;
        order_.push_back(n);
    };
    for (const auto& [name, _] : g_.nodes) visit(name);
    // Delay lines: round(delay / dt) steps per element, one ring of (longest + 1) slots per node.
    std::size_t buffered = 0;
    for (const auto& [name, n] : g_.nodes) {
        if (n.type != "Delay") continue;
        DelayLine& d = delay_[name];
        const std::size_t len = detail::count(shape_.at(name));
        const Array& delay = n.params.at("delay");
        double longest = 0;
        for (std::size_t i = 0; i < len; ++i) {
            const double steps = std::round(at(delay, i) / dt);
            longest = std::max(longest, at(delay, i));
            if (!(steps < double(kMaxValues))) {
                d.length = kMaxValues;
                break;
            }
            d.lag.push_back(std::size_t(steps));
            d.length = std::max(d.length, std::size_t(steps) + 1);
        }
        if (d.length >= kMaxValues || (buffered += d.length * len) > kMaxValues) {
            char what[96];
            std::snprintf(what, sizeof what, "delays of up to %g s at dt = %g s need more than", longest, dt);
            throw NirError("NIR node '" + name + "' (Delay): " + what + " " + std::to_string(kMaxValues) + " buffered values");
        }
    }
    reset();
}

void Simulator::reset() {
    out_.clear();
    v_.clear();
    isyn_.clear();
    for (const auto& [name, n] : g_.nodes) {
        const std::size_t sz = detail::count(shape_.at(name));
        out_[name].assign(sz, 0.0);
        v_[name].assign(sz, 0.0);
        isyn_[name].assign(sz, 0.0);
        if (n.params.count("v_reset"))
            for (std::size_t i = 0; i < sz; ++i) v_[name][i] = at(n.params.at("v_reset"), i);
    }
    for (auto& [name, d] : delay_) {
        d.ring.assign(d.length * d.lag.size(), 0.0);
        d.pos = 0;
    }
}

std::vector<std::string> Simulator::spikingNodes() const {
    std::vector<std::string> r;
    for (const auto& [name, n] : g_.nodes)
        if (n.type == "LIF" || n.type == "CubaLIF" || n.type == "IF" || n.type == "Threshold") r.push_back(name);
    return r;
}

const std::vector<double>& Simulator::output(const std::string& node) const {
    auto it = out_.find(node);
    if (it == out_.end()) throw NirError("NIR simulation: no node named '" + node + "'");
    return it->second;
}

void Simulator::step(const std::map<std::string, std::vector<double>>& inputs) {
    std::vector<double> x;
    for (const auto& name : order_) {
        const Node& n = g_.nodes.at(name);
        std::vector<double>& y = out_[name];
        if (n.type == "Input") {
            auto it = inputs.find(name);
            if (it == inputs.end()) std::fill(y.begin(), y.end(), 0.0);
            else {
                if (it->second.size() != y.size())
                    throw NirError("NIR simulation: input '" + name + "' needs " + std::to_string(y.size()) +
                                   " values, got " + std::to_string(it->second.size()));
                y = it->second;
            }
            continue;
        }
        // Sum of incoming values (earlier in the order: this step's; later: previous step's).
        x.assign(detail::count(inShape_.at(name)), 0.0);
        for (const auto& s : sources_[name]) {
            const auto& o = out_[s];
            for (std::size_t i = 0; i < x.size() && i < o.size(); ++i) x[i] += o[i];
        }
        if (n.type == "Output" || n.type == "Flatten") {
            y = x;
        } else if (n.type == "Affine" || n.type == "Linear") {
            const Array& w = n.params.at("weight");
            const std::size_t rows = w.shape[0], cols = w.shape[1];
            for (std::size_t r = 0; r < rows; ++r) {
                double s = n.type == "Affine" ? n.params.at("bias")[r] : 0.0;
                for (std::size_t c = 0; c < cols; ++c) s += w.data[r * cols + c] * x[c];
                y[r] = s;
            }
        } else if (detail::isConv(n.type)) {
            detail::convolve(n, detail::convWindow(n, &inShape_.at(name)), x.data(), y.data());
        } else if (detail::isPool(n.type)) {
            detail::pool(n.type == "AvgPool2d", detail::poolWindow(n, &inShape_.at(name)), x.data(), y.data());
        } else if (n.type == "Delay") {
            DelayLine& d = delay_.at(name);
            const std::size_t len = d.lag.size();
            std::copy(x.begin(), x.end(), d.ring.begin() + std::ptrdiff_t(d.pos * len));
            for (std::size_t i = 0; i < len; ++i) y[i] = d.ring[((d.pos + d.length - d.lag[i]) % d.length) * len + i];
            d.pos = (d.pos + 1) % d.length;
        } else if (n.type == "Scale") {
            for (std::size_t i = 0; i < y.size(); ++i) y[i] = at(n.params.at("scale"), i) * x[i];
        } else if (n.type == "Threshold") {
            for (std::size_t i = 0; i < y.size(); ++i) y[i] = x[i] > at(n.params.at("threshold"), i) ? 1.0 : 0.0;
        } else {
            std::vector<double>& v = v_[name];
            std::vector<double>& is = isyn_[name];
            for (std::size_t i = 0; i < y.size(); ++i) {
                const double r = at(n.params.at("r"), i);
                double drive = x[i];
                const bool cuba = n.type == "CubaLIF" || n.type == "CubaLI";
                if (cuba) {
                    // τ_syn dI/dt = −I + w_in·x, x held over the step: exact update.
                    const double target = opt(n, "w_in", i, 1.0) * x[i];
                    const double ps = std::exp(-dt_ / at(n.params.at("tau_syn"), i));
                    is[i] = target + (is[i] - target) * ps;
                    drive = is[i];
                }
                if (n.type == "IF" || n.type == "I") {
                    v[i] += r * drive * dt_;
                } else {
                    const double tau = at(n.params.at(cuba ? "tau_mem" : "tau"), i);
                    const double vinf = at(n.params.at("v_leak"), i) + r * drive;
                    v[i] = vinf + (v[i] - vinf) * std::exp(-dt_ / tau);
                }
                if (n.type == "LI" || n.type == "CubaLI" || n.type == "I") {
                    y[i] = v[i];
                } else {
                    const bool s = v[i] > at(n.params.at("v_threshold"), i);
                    if (s) v[i] = opt(n, "v_reset", i, 0.0);
                    y[i] = s ? 1.0 : 0.0;
                }
            }
        }
    }
}

}  // namespace ganglion::nir
