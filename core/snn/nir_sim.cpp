// Reference simulation of NIR graphs (see nir.h).
#include "core/snn/nir.h"

#include <cmath>

namespace ganglion::nir {

namespace {
double at(const Array& a, std::size_t i) { return a.data[a.size() == 1 ? 0 : i]; }
double opt(const Node& n, const char* key, std::size_t i, double def) {
    auto it = n.params.find(key);
    return it == n.params.end() ? def : at(it->second, i);
}
}  // namespace

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
        const std::vector<std::string>& src = sources_[name];
        const std::size_t inSz = src.empty() ? 0 : out_[src[0]].size();
        x.assign(inSz, 0.0);
        for (const auto& s : src) {
            const auto& o = out_[s];
            for (std::size_t i = 0; i < inSz && i < o.size(); ++i) x[i] += o[i];
        }
        if (src.empty()) x.assign(n.type == "Affine" || n.type == "Linear" ? n.params.at("weight").shape[1] : y.size(), 0.0);
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
                if (n.type == "CubaLIF") {
                    // τ_syn dI/dt = −I + w_in·x, x held over the step: exact update.
                    const double target = opt(n, "w_in", i, 1.0) * x[i];
                    const double ps = std::exp(-dt_ / at(n.params.at("tau_syn"), i));
                    is[i] = target + (is[i] - target) * ps;
                    drive = is[i];
                }
                if (n.type == "IF" || n.type == "I") {
                    v[i] += r * drive * dt_;
                } else {
                    const double tau = at(n.params.at(n.type == "CubaLIF" ? "tau_mem" : "tau"), i);
                    const double vinf = at(n.params.at("v_leak"), i) + r * drive;
                    v[i] = vinf + (v[i] - vinf) * std::exp(-dt_ / tau);
                }
                if (n.type == "LI" || n.type == "I") {
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
