#include "core/kan/kan_symbolic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace ganglion::kan {

namespace {
// Singularity-protected versions (pykan clips 1/x, log and sqrt the same way) so a fit never
// sees inf/nan: |result| stays bounded and the derivative is 0 where the clip is active.
constexpr float kYth = 10.f;
float fx(float x) { return x; }
float dfx(float) { return 1.f; }
float fx2(float x) { return x * x; }
float dfx2(float x) { return 2 * x; }
float fx3(float x) { return x * x * x; }
float dfx3(float x) { return 3 * x * x; }
float fx4(float x) { return x * x * x * x; }
float dfx4(float x) { return 4 * x * x * x; }
float finv(float x) {
    const float th = 1.f / kYth;
    return std::abs(x) < th ? (x < 0 ? -kYth : kYth) : 1.f / x;
}
float dfinv(float x) { return std::abs(x) < 1.f / kYth ? 0.f : -1.f / (x * x); }
float fsqrt(float x) { return x > 0 ? std::sqrt(x) : 0.f; }
float dfsqrt(float x) { return x > 1e-4f ? 0.5f / std::sqrt(x) : 0.f; }
float fexp(float x) { return std::exp(std::min(x, 30.f)); }
float dfexp(float x) { return std::exp(std::min(x, 30.f)); }
float flog(float x) {
    const float th = std::exp(-kYth);
    return std::abs(x) < th ? -kYth : std::log(std::abs(x));
}
float dflog(float x) { return std::abs(x) < std::exp(-kYth) ? 0.f : 1.f / x; }
float fsin(float x) { return std::sin(x); }
float dfsin(float x) { return std::cos(x); }
float ftan(float x) {
    float c = std::cos(x);
    if (std::abs(c) < 1.f / kYth) c = c < 0 ? -1.f / kYth : 1.f / kYth;
    return std::sin(x) / c;
}
float dftan(float x) {
    float c = std::cos(x);
    return std::abs(c) < 1.f / kYth ? 0.f : 1.f / (c * c);
}
float ftanh(float x) { return std::tanh(x); }
float dftanh(float x) { float t = std::tanh(x); return 1 - t * t; }
float fabs_(float x) { return std::abs(x); }
float dfabs(float x) { return x > 0 ? 1.f : (x < 0 ? -1.f : 0.f); }
float fgauss(float x) { return std::exp(-x * x); }
float dfgauss(float x) { return -2 * x * std::exp(-x * x); }
float fzero(float) { return 0.f; }
float florentz(float x) { return 1.f / (1 + x * x); }
float dflorentz(float x) { const float q = 1 + x * x; return -2 * x / (q * q); }
}  // namespace

std::string SymbolicFn::apply(const std::string& arg) const {
    if (name == "x") return arg;
    if (name == "x^2") return "(" + arg + ")^2";
    if (name == "x^3") return "(" + arg + ")^3";
    if (name == "x^4") return "(" + arg + ")^4";
    if (name == "1/x") return "1/(" + arg + ")";
    if (name == "gaussian") return "exp(-(" + arg + ")^2)";
    if (name == "1/(x^2+1)") return "1/((" + arg + ")^2+1)";
    if (name == "0") return "0";
    return name + "(" + arg + ")";
}

const std::vector<SymbolicFn>& symbolicLibrary() {
    static const std::vector<SymbolicFn> lib = {
        {"x", 1, fx, dfx},         {"x^2", 2, fx2, dfx2},     {"x^3", 3, fx3, dfx3},
        {"x^4", 3, fx4, dfx4},     {"1/x", 2, finv, dfinv},   {"sqrt", 2, fsqrt, dfsqrt},
        {"exp", 2, fexp, dfexp},   {"log", 2, flog, dflog},   {"sin", 2, fsin, dfsin},
        {"tan", 3, ftan, dftan},   {"tanh", 3, ftanh, dftanh}, {"abs", 3, fabs_, dfabs},
        {"gaussian", 3, fgauss, dfgauss}, {"1/(x^2+1)", 3, florentz, dflorentz}, {"0", 0, fzero, fzero},
    };
    return lib;
}

int symbolicIndex(const std::string& name) {
    const auto& lib = symbolicLibrary();
    for (size_t i = 0; i < lib.size(); ++i)
        if (lib[i].name == name) return int(i);
    return -1;
}

namespace {
// Least squares y ≈ c·g + d for fixed g; returns R² (and c, d).
double linearFit(const std::vector<double>& g, const std::vector<float>& y, double& c, double& d) {
    const size_t n = y.size();
    double mg = 0, my = 0;
    for (size_t k = 0; k < n; ++k) { mg += g[k]; my += y[k]; }
    mg /= double(n); my /= double(n);
    double sgg = 0, sgy = 0, syy = 0;
    for (size_t k = 0; k < n; ++k) {
        const double dg = g[k] - mg, dy = y[k] - my;
        sgg += dg * dg; sgy += dg * dy; syy += dy * dy;
    }
    if (sgg < 1e-12 * std::max(1.0, double(n))) {
        c = 0; d = my;
        return syy < 1e-12 ? 1.0 : 0.0;
    }
    c = sgy / sgg;
    d = my - c * mg;
    if (syy < 1e-20) return 1.0;
    return std::clamp(sgy * sgy / (sgg * syy), 0.0, 1.0);
}
}  // namespace

SymbolicFit fitSymbolic(int fn, const std::vector<float>& x, const std::vector<float>& y,
                        const SymbolicOptions& opt) {
    const auto& lib = symbolicLibrary();
    if (fn < 0 || fn >= int(lib.size())) throw std::invalid_argument("unknown symbolic function index");
    if (x.size() != y.size() || x.size() < 2)
        throw std::invalid_argument("symbolic fit needs at least 2 (x, y) pairs of equal count");
    const auto& F = lib[size_t(fn)];
    SymbolicFit best;
    best.fn = fn;
    std::vector<double> g(x.size());
    auto eval = [&](double a, double b, double& c, double& d) {
        for (size_t k = 0; k < x.size(); ++k) g[k] = F.f(float(a * x[k] + b));
        return linearFit(g, y, c, d);
    };
    // The coarse rounds of the (a, b) search score an evenly strided subset of at most kCoarse
    // samples; the last round and the final fit use them all.
    constexpr size_t kCoarse = 64;
    std::vector<float> xs, ys;
    for (size_t k = 0, stride = std::max<size_t>(1, x.size() / kCoarse); k < x.size(); k += stride) {
        xs.push_back(x[k]);
        ys.push_back(y[k]);
    }
    std::vector<double> gs(xs.size());
    auto evalCoarse = [&](double a, double b, double& c, double& d) {
        for (size_t k = 0; k < xs.size(); ++k) gs[k] = F.f(float(a * xs[k] + b));
        return linearFit(gs, ys, c, d);
    };
    double c = 0, d = 0;
    if (F.name == "0") {
        double my = 0, syy = 0;
        for (float v : y) my += v;
        my /= double(y.size());
        for (float v : y) syy += (v - my) * (v - my);
        best.a = 1; best.b = 0; best.c = 0; best.d = float(my);
        best.r2 = syy < 1e-20 ? 1.0 : 0.0;
    } else if (F.name == "x") {
        best.r2 = eval(1, 0, c, d);
        best.a = 1; best.b = 0; best.c = float(c); best.d = float(d);
    } else {
        double a0 = opt.aMin, a1 = opt.aMax, b0 = opt.bMin, b1 = opt.bMax;
        double ba = 1, bb = 0, br2 = -1;
        const int S = std::max(3, opt.gridSteps);
        for (int round = 0; round <= opt.refineRounds; ++round) {
            if (round == opt.refineRounds) br2 = -1;  // scores of the full sample set from here on
            for (int ia = 0; ia < S; ++ia)
                for (int ib = 0; ib < S; ++ib) {
                    const double a = a0 + (a1 - a0) * ia / (S - 1), b = b0 + (b1 - b0) * ib / (S - 1);
                    const double r2 = round < opt.refineRounds ? evalCoarse(a, b, c, d) : eval(a, b, c, d);
                    // Prefer the smaller |a| among ties (the simpler argument).
                    if (r2 > br2 + 1e-9 || (std::abs(r2 - br2) <= 1e-9 && std::abs(a) < std::abs(ba))) {
                        br2 = r2; ba = a; bb = b;
                    }
                }
            const double wa = 2 * (a1 - a0) / (S - 1), wb = 2 * (b1 - b0) / (S - 1);
            a0 = ba - wa; a1 = ba + wa; b0 = bb - wb; b1 = bb + wb;
        }
        best.r2 = eval(ba, bb, c, d);
        best.a = float(ba); best.b = float(bb); best.c = float(c); best.d = float(d);
    }
    best.score = opt.weightSimple * F.complexity +
                 (1 - opt.weightSimple) * std::log2(1 + 1e-5 - std::min(best.r2, 1.0));
    return best;
}

std::vector<SymbolicFit> suggestSymbolic(const std::vector<float>& x, const std::vector<float>& y,
                                         const SymbolicOptions& opt) {
    std::vector<SymbolicFit> out;
    for (int f = 0; f < int(symbolicLibrary().size()); ++f) out.push_back(fitSymbolic(f, x, y, opt));
    std::sort(out.begin(), out.end(), [](const SymbolicFit& p, const SymbolicFit& q) {
        return p.score < q.score;
    });
    return out;
}

std::string formatNumber(double v, int digits) {
    if (std::abs(v) < 1e-12) return "0";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string symbolicText(const SymbolicFit& s, const std::string& arg) {
    const auto& F = symbolicLibrary().at(size_t(s.fn));
    if (F.name == "0" || std::abs(s.c) < 1e-12) return formatNumber(s.d);
    std::string inner;
    if (F.name == "x") inner = arg;
    else {
        std::string lin = std::abs(s.a - 1) < 1e-6 ? arg : formatNumber(s.a) + "*" + arg;
        if (std::abs(s.b) > 1e-6) lin += (s.b < 0 ? "-" : "+") + formatNumber(std::abs(s.b));
        inner = F.apply(lin);
    }
    std::string t = std::abs(s.c - 1) < 1e-6 ? inner : formatNumber(s.c) + "*" + inner;
    if (F.name == "x" && std::abs(s.a - 1) > 1e-6) t = formatNumber(double(s.c) * s.a) + "*" + arg;
    if (std::abs(s.d) > 1e-6) t += (s.d < 0 ? "-" : "+") + formatNumber(std::abs(s.d));
    return t;
}

}  // namespace ganglion::kan
