#include "core/kan/kan_expr.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <deque>
#include <numbers>
#include <unordered_map>
#include <stdexcept>

namespace ganglion::kan {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kPhaseSnap = 1e-5;  // a phase this close to a multiple of π becomes a sign

std::string exact(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string key(const Expr& e);

std::string factorBaseKey(const Factor& f) {
    if (f.fn == ExprFn::Var) return "v" + std::to_string(f.var);
    return "f" + std::to_string(int(f.fn)) + "(" + key(f.arg.front()) + ")";
}

std::string termKey(const Term& t) {
    std::string k;
    for (const Factor& f : t.factors) k += factorBaseKey(f) + "^" + std::to_string(f.power) + ";";
    return k;
}

std::string key(const Expr& e) {
    std::string k;
    for (const Term& t : e.terms) k += exact(t.coef) + "*" + termKey(t) + "|";
    return k;
}

int minVar(const Expr& e);
int minVar(const Factor& f) { return f.fn == ExprFn::Var ? f.var : minVar(f.arg.front()); }
int minVar(const Term& t) {
    int m = INT_MAX;
    for (const Factor& f : t.factors) m = std::min(m, minVar(f));
    return m;
}
int minVar(const Expr& e) {
    int m = INT_MAX;
    for (const Term& t : e.terms) m = std::min(m, minVar(t));
    return m;
}
int degree(const Term& t) {
    int d = 0;
    for (const Factor& f : t.factors) d += f.power;
    return d;
}

Expr atom(ExprFn fn, Expr inner) {
    Factor f;
    f.fn = fn;
    f.arg.push_back(std::move(inner));
    Expr e;
    e.terms.push_back({1.0, {std::move(f)}});
    return e;
}

/// Coefficient of the first non-constant term (inner is normalised); 0 when there is none.
double leading(const Expr& e) {
    for (const Term& t : e.terms)
        if (!t.factors.empty()) return t.coef;
    return 0;
}

Expr withoutConstant(const Expr& e) {
    Expr q;
    for (const Term& t : e.terms)
        if (!t.factors.empty()) q.terms.push_back(t);
    return q;
}

double apply(ExprFn fn, double v) {
    switch (fn) {
    case ExprFn::Var: return v;
    case ExprFn::Exp: return std::exp(std::min(v, 700.0));
    case ExprFn::Log: return std::log(std::abs(v));
    case ExprFn::Sqrt: return v > 0 ? std::sqrt(v) : 0.0;
    case ExprFn::Sin: return std::sin(v);
    case ExprFn::Tan: return std::tan(v);
    case ExprFn::Tanh: return std::tanh(v);
    case ExprFn::Abs: return std::abs(v);
    case ExprFn::Gauss: return std::exp(-v * v);
    case ExprFn::Inv: return 1.0 / v;
    }
    return v;
}

const char* fnName(ExprFn fn) {
    switch (fn) {
    case ExprFn::Var: return "";
    case ExprFn::Exp: return "exp";
    case ExprFn::Log: return "log";
    case ExprFn::Sqrt: return "sqrt";
    case ExprFn::Sin: return "sin";
    case ExprFn::Tan: return "tan";
    case ExprFn::Tanh: return "tanh";
    case ExprFn::Abs: return "abs";
    case ExprFn::Gauss: return "gaussian";
    case ExprFn::Inv: return "inv";
    }
    return "";
}

std::string number(double v, int digits) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

void collect(Expr& e, std::vector<double*>& out) {
    for (Term& t : e.terms) out.push_back(&t.coef);
    for (Term& t : e.terms)
        for (Factor& f : t.factors)
            if (f.fn != ExprFn::Var) collect(f.arg.front(), out);
}

}  // namespace

Expr Expr::constant(double c) {
    Expr e;
    if (c != 0) e.terms.push_back({c, {}});
    return e;
}

Expr Expr::variable(int k) {
    Factor f;
    f.var = k;
    Expr e;
    e.terms.push_back({1.0, {f}});
    return e;
}

bool Expr::isConstant() const {
    return std::all_of(terms.begin(), terms.end(), [](const Term& t) { return t.factors.empty(); });
}

double Expr::constantPart() const {
    double c = 0;
    for (const Term& t : terms)
        if (t.factors.empty()) c += t.coef;
    return c;
}

void normalize(Expr& e) {
    for (Term& t : e.terms) {
        for (Factor& f : t.factors)
            if (f.fn != ExprFn::Var) normalize(f.arg.front());
        std::sort(t.factors.begin(), t.factors.end(), [](const Factor& a, const Factor& b) {
            const int ma = minVar(a), mb = minVar(b);
            if (ma != mb) return ma < mb;
            if (a.fn != b.fn) return int(a.fn) < int(b.fn);
            return factorBaseKey(a) < factorBaseKey(b);
        });
        std::vector<Factor> merged;
        for (Factor& f : t.factors) {
            if (!merged.empty() && factorBaseKey(merged.back()) == factorBaseKey(f)) merged.back().power += f.power;
            else merged.push_back(std::move(f));
        }
        std::erase_if(merged, [](const Factor& f) { return f.power == 0; });
        t.factors = std::move(merged);
    }
    std::vector<std::pair<std::string, Term>> keyed;
    for (Term& t : e.terms) keyed.emplace_back(termKey(t), std::move(t));
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
        const int ma = minVar(a.second), mb = minVar(b.second);
        if (ma != mb) return ma < mb;
        const int da = degree(a.second), db = degree(b.second);
        if (da != db) return da > db;
        return a.first < b.first;
    });
    e.terms.clear();
    for (size_t k = 0; k < keyed.size(); ++k) {
        if (!e.terms.empty() && k > 0 && keyed[k - 1].first == keyed[k].first) e.terms.back().coef += keyed[k].second.coef;
        else e.terms.push_back(std::move(keyed[k].second));
    }
    std::erase_if(e.terms, [](const Term& t) { return t.coef == 0 || !std::isfinite(t.coef); });
}

Expr operator+(const Expr& a, const Expr& b) {
    Expr s = a;
    s.terms.insert(s.terms.end(), b.terms.begin(), b.terms.end());
    normalize(s);
    return s;
}

Expr operator*(double s, const Expr& a) {
    Expr r = a;
    for (Term& t : r.terms) t.coef *= s;
    normalize(r);
    return r;
}

Expr operator*(const Expr& a, const Expr& b) {
    Expr r;
    for (const Term& p : a.terms)
        for (const Term& q : b.terms) {
            Term t{p.coef * q.coef, p.factors};
            t.factors.insert(t.factors.end(), q.factors.begin(), q.factors.end());
            r.terms.push_back(std::move(t));
        }
    normalize(r);
    return r;
}

Expr power(const Expr& a, int n) {
    if (n < 0) throw std::invalid_argument("expression power must be >= 0");
    Expr r = Expr::constant(1.0);
    for (int k = 0; k < n; ++k) r = r * a;
    return r;
}

Expr applyLibrary(const std::string& name, const Expr& innerIn) {
    Expr inner = innerIn;
    normalize(inner);
    if (name == "x") return inner;
    if (name == "x^2") return power(inner, 2);
    if (name == "x^3") return power(inner, 3);
    if (name == "x^4") return power(inner, 4);
    if (name == "0") return {};
    if (name == "1/(x^2+1)") return canonicalAtom(ExprFn::Inv, power(inner, 2) + Expr::constant(1));
    static const std::vector<std::pair<std::string, ExprFn>> fns = {
        {"exp", ExprFn::Exp}, {"log", ExprFn::Log},   {"sqrt", ExprFn::Sqrt}, {"sin", ExprFn::Sin},
        {"tan", ExprFn::Tan}, {"tanh", ExprFn::Tanh}, {"abs", ExprFn::Abs},   {"gaussian", ExprFn::Gauss},
        {"1/x", ExprFn::Inv}};
    const auto it = std::find_if(fns.begin(), fns.end(), [&](const auto& p) { return p.first == name; });
    if (it == fns.end()) throw std::invalid_argument("no closed form for symbolic function '" + name + "'");
    return canonicalAtom(it->second, inner);
}

Expr canonicalAtom(ExprFn fn, const Expr& innerIn) {
    Expr inner = innerIn;
    normalize(inner);
    if (inner.isConstant()) return Expr::constant(apply(fn, inner.constantPart()));
    const double k = inner.constantPart(), L = leading(inner);
    switch (fn) {
    case ExprFn::Exp: return std::exp(k) * atom(fn, withoutConstant(inner));
    case ExprFn::Log: return Expr::constant(std::log(std::abs(L))) + atom(fn, (1.0 / L) * inner);
    case ExprFn::Sqrt: return std::sqrt(std::abs(L)) * atom(fn, (1.0 / std::abs(L)) * inner);
    case ExprFn::Abs: return std::abs(L) * atom(fn, (1.0 / L) * inner);
    case ExprFn::Inv: return (1.0 / L) * atom(fn, (1.0 / L) * inner);
    case ExprFn::Gauss: return atom(fn, L < 0 ? -1.0 * inner : inner);
    case ExprFn::Tanh: return L < 0 ? -1.0 * atom(fn, -1.0 * inner) : atom(fn, inner);
    case ExprFn::Sin:
    case ExprFn::Tan: {
        double sign = 1;
        Expr q = withoutConstant(inner);
        double phase = k;
        if (L < 0) {  // odd: f(-u) = -f(u)
            sign = -1;
            q = -1.0 * q;
            phase = -phase;
        }
        const double period = fn == ExprFn::Sin ? 2 * kPi : kPi;
        phase = std::remainder(phase, period);  // (-period/2, period/2]
        if (fn == ExprFn::Sin && std::abs(std::abs(phase) - kPi) < kPhaseSnap) {
            sign = -sign;  // sin(u + π) = -sin(u)
            phase = 0;
        }
        if (std::abs(phase) < kPhaseSnap) phase = 0;
        return sign * atom(fn, q + Expr::constant(phase));
    }
    case ExprFn::Var: break;
    }
    return atom(fn, inner);
}

void recanonicalize(Expr& e) {
    Expr out;
    for (const Term& t : e.terms) {
        Expr term = Expr::constant(t.coef);
        for (const Factor& f : t.factors) {
            if (f.fn == ExprFn::Var) {
                Expr v;
                v.terms.push_back({1.0, {f}});
                term = term * v;
                continue;
            }
            Expr arg = f.arg.front();
            recanonicalize(arg);
            term = term * power(canonicalAtom(f.fn, arg), f.power);
        }
        out.terms.insert(out.terms.end(), term.terms.begin(), term.terms.end());
    }
    normalize(out);
    e = std::move(out);
}

namespace {

/// Scratch arrays of evaluate, two per nesting depth (a term's product and a factor's base), kept
/// between calls: the constant refinement evaluates the same expression thousands of times, and an
/// allocation per term and factor was most of its cost. A deque keeps references to its elements
/// valid while deeper levels are added.
Eigen::ArrayXd& scratch(std::deque<Eigen::ArrayXd>& ws, size_t k) {
    while (ws.size() <= k) ws.emplace_back();
    return ws[k];
}

/// Values of function factors (fn applied to the inner expression) kept from an earlier
/// evaluation, for evaluations that change only constants outside them.
struct FactorValues {
    std::unordered_map<const Factor*, Eigen::ArrayXd> values;
    bool record = false;                 ///< store every function factor's values
    std::vector<const Factor*> changed;  ///< (when not recording) the factors to compute afresh
    const Eigen::ArrayXd* reusable(const Factor& f) const {
        if (record || std::find(changed.begin(), changed.end(), &f) != changed.end()) return nullptr;
        return &values.at(&f);
    }
};

/// out = value of e on every column of x. The same element-wise operations in the same order as a
/// plain Eigen evaluation (the results must not change: symbolic recovery depends on them); values
/// reused from `known` are bit-identical to computing them again.
void evaluateInto(const Expr& e, const Eigen::MatrixXd& x, Eigen::Ref<Eigen::ArrayXd> out,
                  std::deque<Eigen::ArrayXd>& ws, size_t depth, FactorValues* known) {
    const Eigen::Index n = x.cols();
    out.setZero();
    for (const Term& t : e.terms) {
        Eigen::ArrayXd& v = scratch(ws, 2 * depth);
        v.setConstant(n, t.coef);
        for (const Factor& f : t.factors) {
            if (const Eigen::ArrayXd* kept = known && f.fn != ExprFn::Var ? known->reusable(f) : nullptr) {
                for (int p = 0; p < f.power; ++p) v *= *kept;
                continue;
            }
            Eigen::ArrayXd& base = scratch(ws, 2 * depth + 1);
            if (f.fn == ExprFn::Var) {
                if (f.var < 0 || f.var >= x.rows()) throw std::invalid_argument("expression variable out of range");
                base = x.row(f.var).transpose().array();
            } else {
                base.resize(n);
                evaluateInto(f.arg.front(), x, base, ws, depth + 1, known);
                for (Eigen::Index b = 0; b < n; ++b) base(b) = apply(f.fn, base(b));
                if (known && known->record) known->values[&f] = base;
            }
            for (int p = 0; p < f.power; ++p) v *= base;
        }
        out += v;
    }
}

std::deque<Eigen::ArrayXd>& workspace() {
    thread_local std::deque<Eigen::ArrayXd> ws;
    return ws;
}

/// For every coefficient of e, the function factors that hold it (outermost first).
void enclosingFactors(Expr& e, std::vector<const Factor*>& open, std::unordered_map<const double*, std::vector<const Factor*>>& out) {
    for (Term& t : e.terms) {
        out[&t.coef] = open;
        for (Factor& f : t.factors) {
            if (f.fn == ExprFn::Var) continue;
            open.push_back(&f);
            enclosingFactors(f.arg.front(), open, out);
            open.pop_back();
        }
    }
}

}  // namespace

void evaluate(const Expr& e, const Eigen::MatrixXd& x, Eigen::VectorXd& out) {
    out.resize(x.cols());
    evaluateInto(e, x, out.array(), workspace(), 0, nullptr);
}

Eigen::VectorXd evaluate(const Expr& e, const Eigen::MatrixXd& x) {
    Eigen::VectorXd out;
    evaluate(e, x, out);
    return out;
}

void jacobian(Expr& e, const Eigen::MatrixXd& x, const std::vector<double*>& p, Eigen::MatrixXd& J) {
    std::unordered_map<const double*, std::vector<const Factor*>> holders;
    std::vector<const Factor*> open;
    enclosingFactors(e, open, holders);
    FactorValues known;
    known.record = true;
    Eigen::VectorXd up(x.cols()), down(x.cols());
    evaluateInto(e, x, up.array(), workspace(), 0, &known);
    known.record = false;
    J.resize(x.cols(), Eigen::Index(p.size()));
    for (size_t k = 0; k < p.size(); ++k) {
        const auto h = holders.find(p[k]);
        if (h == holders.end()) throw std::invalid_argument("jacobian: a constant that is not in the expression");
        known.changed = h->second;
        const double v = *p[k], step = 1e-7 * std::max(1.0, std::abs(v));
        *p[k] = v + step;
        evaluateInto(e, x, up.array(), workspace(), 0, &known);
        *p[k] = v - step;
        evaluateInto(e, x, down.array(), workspace(), 0, &known);
        J.col(Eigen::Index(k)) = (up - down) / (2 * step);
        *p[k] = v;
    }
}

std::vector<double*> constants(Expr& e) {
    std::vector<double*> out;
    collect(e, out);
    return out;
}

std::string toString(const Expr& e, const std::vector<std::string>& names, int digits) {
    if (e.terms.empty()) return "0";
    std::string s;
    for (size_t k = 0; k < e.terms.size(); ++k) {
        const Term& t = e.terms[k];
        std::string num, den;  // 1/(…) factors print as a division
        for (const Factor& f : t.factors) {
            std::string base;
            if (f.fn == ExprFn::Var)
                base = size_t(f.var) < names.size() ? names[size_t(f.var)] : "x" + std::to_string(f.var + 1);
            else {
                const std::string in = toString(f.arg.front(), names, digits);
                if (f.fn == ExprFn::Gauss) base = "exp(-(" + in + ")^2)";
                else if (f.fn == ExprFn::Inv) {
                    den += "/(" + in + ")" + (f.power != 1 ? "^" + std::to_string(f.power) : "");
                    continue;
                } else base = std::string(fnName(f.fn)) + "(" + in + ")";
            }
            if (f.power != 1) base += "^" + std::to_string(f.power);
            num += (num.empty() ? "" : "*") + base;
        }
        const double a = std::abs(t.coef);
        std::string term;
        if (num.empty() && den.empty()) term = number(a, digits);
        else if (num.empty()) term = number(a, digits) + den;
        else term = (a == 1.0 ? "" : number(a, digits) + "*") + num + den;
        if (k == 0) s = (t.coef < 0 ? "-" : "") + term;
        else s += (t.coef < 0 ? " - " : " + ") + term;
    }
    return s;
}

void roundConstants(Expr& e, const std::function<double(const Expr&)>& error, double tolerance, int maxDecimals) {
    for (double* p : constants(e)) {
        const double orig = *p;
        for (int d = 0; d <= maxDecimals; ++d) {
            const double scale = std::pow(10.0, d);
            const double cand = std::round(orig * scale) / scale;
            if (cand == orig) break;
            *p = cand;
            if (error(e) <= tolerance) break;
            *p = orig;
        }
    }
    normalize(e);
}

}  // namespace ganglion::kan
