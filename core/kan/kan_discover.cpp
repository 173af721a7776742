#include "core/kan/kan_discover.h"

#include "core/kan/kan_optim.h"

#include <Eigen/Dense>

#include <algorithm>
#include <optional>
#include <cmath>
#include <stdexcept>

namespace ganglion::kan {

bool netExpressions(const Net& net, std::vector<Expr>& out, std::string* why) {
    out.clear();
    if (net.layers.empty()) return false;
    std::vector<Expr> cur;
    for (int i = 0; i < net.layers.front().in(); ++i) cur.push_back(Expr::variable(i));
    const auto& lib = symbolicLibrary();
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Layer& L = net.layers[l];
        std::vector<Expr> next;
        for (int o = 0; o < L.out(); ++o) {
            Expr e = Expr::constant(L.config().bias ? double(L.bias(o, 0)) : 0.0);
            for (int i = 0; i < L.in(); ++i) {
                if (L.mask(o, i) != 0.f) {
                    if (why)
                        *why = "edge (" + std::to_string(l) + ", " + std::to_string(i) + ", " + std::to_string(o) +
                               ") is still a spline";
                    return false;
                }
                const SymbolicEdge& s = L.symbolic[size_t(i) * L.out() + o];
                if (s.fn < 0) continue;  // pruned
                const Expr arg = double(s.a) * cur[size_t(i)] + Expr::constant(s.b);
                e = e + double(s.c) * applyLibrary(lib[size_t(s.fn)].name, arg) + Expr::constant(s.d);
            }
            next.push_back(std::move(e));
        }
        cur = std::move(next);
    }
    out = std::move(cur);
    return true;
}

namespace {
double rmse(const Expr& e, const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
    const Eigen::VectorXd r = evaluate(e, x) - y;
    const double v = std::sqrt(r.squaredNorm() / double(std::max<Eigen::Index>(1, y.size())));
    return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
}

double r2Of(const Eigen::VectorXd& pred, const Eigen::VectorXd& y) {
    const double mean = y.mean();
    const double sst = (y.array() - mean).square().sum();
    const double sse = (pred - y).squaredNorm();
    if (!std::isfinite(sse)) return -std::numeric_limits<double>::infinity();
    return sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
}
}  // namespace

double refineConstants(Expr& e, const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int iterations) {
    std::vector<double*> p = constants(e);
    const Eigen::Index P = Eigen::Index(p.size()), n = y.size();
    if (P == 0) return rmse(e, x, y);
    Eigen::VectorXd r = evaluate(e, x) - y;
    double cost = r.squaredNorm();
    double lambda = 1e-3;
    Eigen::MatrixXd J(n, P);
    for (int it = 0; it < iterations && std::isfinite(cost); ++it) {
        jacobian(e, x, p, J);
        const Eigen::MatrixXd A = J.transpose() * J;
        const Eigen::VectorXd g = J.transpose() * r;
        bool improved = false;
        for (int tries = 0; tries < 12 && !improved; ++tries) {
            Eigen::MatrixXd M = A;
            M.diagonal().array() += lambda * (A.diagonal().array() + 1e-12);
            const Eigen::VectorXd step = M.ldlt().solve(-g);
            std::vector<double> saved(p.size());
            for (Eigen::Index k = 0; k < P; ++k) {
                saved[size_t(k)] = *p[size_t(k)];
                *p[size_t(k)] += step(k);
            }
            const Eigen::VectorXd r2 = evaluate(e, x) - y;
            const double c2 = r2.squaredNorm();
            if (std::isfinite(c2) && c2 < cost) {
                improved = true;
                const double gain = (cost - c2) / std::max(cost, 1e-300);
                r = r2;
                cost = c2;
                lambda = std::max(lambda / 3, 1e-12);
                if (gain < 1e-12) it = iterations;  // converged
            } else {
                for (Eigen::Index k = 0; k < P; ++k) *p[size_t(k)] = saved[size_t(k)];
                lambda *= 4;
            }
        }
        if (!improved) break;
    }
    normalize(e);
    return rmse(e, x, y);
}

namespace {

constexpr Eigen::Index kRefineSamples = 256;

int complexity(const Expr& e) {
    int c = 0;
    for (const Term& t : e.terms) {
        c += 1;
        for (const Factor& f : t.factors) c += f.power + (f.fn == ExprFn::Var ? 0 : 1 + complexity(f.arg.front()));
    }
    return c;
}

struct Snap {
    int layer, in, out;
    std::vector<SymbolicFit> fits;  ///< best first
};

/// Snaps every active numeric edge to its best candidate (layer by layer, each layer fitted on the
/// inputs the snapped layers before it produce) and returns the candidate lists.
std::vector<Snap> snapAll(Net& net, const Matrix& x, double r2, const SymbolicOptions& opt) {
    std::vector<Snap> snaps;
    for (size_t l = 0; l < net.layers.size(); ++l) {
        const Matrix in = layerInputs(net, x)[l];
        Layer& L = net.layers[l];
        const Eigen::Index stride = std::max<Eigen::Index>(1, in.cols() / 256);
        for (int i = 0; i < L.in(); ++i)
            for (int o = 0; o < L.out(); ++o) {
                if (L.mask(o, i) == 0.f) continue;
                std::vector<float> xs, ys;
                for (Eigen::Index b = 0; b < in.cols(); b += stride) {
                    xs.push_back(in(i, b));
                    ys.push_back(L.edge(i, o, in(i, b)));
                }
                Snap s{int(l), i, o, suggestSymbolic(xs, ys, opt)};
                auto best = std::find_if(s.fits.begin(), s.fits.end(), [&](const SymbolicFit& f) { return f.r2 >= r2; });
                if (best == s.fits.end()) best = s.fits.begin();
                std::rotate(s.fits.begin(), best, best + 1);  // the chosen candidate first
                const SymbolicFit& f = s.fits.front();
                L.setSymbolic(i, o, {f.fn, f.a, f.b, f.c, f.d, f.r2});
                snaps.push_back(std::move(s));
            }
    }
    return snaps;
}

struct Candidate {
    Net net;
    std::vector<Expr> exprs;
    std::vector<std::string> formulas;
    std::vector<double> r2;
    bool complete = false;
    int complexity = 0;
    int nodesPruned = 0, edgesPruned = 0, snapped = 0;
    double worstR2() const { return r2.empty() ? -1e300 : *std::min_element(r2.begin(), r2.end()); }
};

/// Removes outer terms whose loss the other terms absorb (refitted), smallest contribution first:
/// e.g. a sine of a tiny argument cancelling a tiny square.
void dropNegligibleTerms(Expr& e, const Eigen::MatrixXd& xtr, const Eigen::VectorXd& ytr, const Eigen::MatrixXd& xte,
                         const Eigen::VectorXd& yte, double tol, int iterations) {
    for (bool dropped = true; dropped && e.terms.size() > 1;) {
        dropped = false;
        std::vector<std::pair<double, size_t>> order;
        for (size_t k = 0; k < e.terms.size(); ++k) {
            if (e.terms[k].factors.empty()) continue;  // the constant absorbs, it is not dropped
            Expr t;
            t.terms.push_back(e.terms[k]);
            const Eigen::VectorXd v = evaluate(t, xte);
            order.emplace_back(std::sqrt((v.array() - v.mean()).square().mean()), k);
        }
        std::sort(order.begin(), order.end());
        // First every negligible term at once (one refit), as a formula with many of them (a
        // product spread over expanded squares) would otherwise take a refit per term and pass.
        std::vector<size_t> negligible;
        for (const auto& [spread, k] : order)
            if (spread <= 10 * tol) negligible.push_back(k);
        if (negligible.size() > 1) {
            std::sort(negligible.rbegin(), negligible.rend());
            Expr cand = e;
            for (size_t k : negligible) cand.terms.erase(cand.terms.begin() + std::ptrdiff_t(k));
            if (!cand.terms.empty() && cand.constantPart() == 0) cand.terms.push_back({0.0, {}});
            refineConstants(cand, xtr, ytr, iterations);
            recanonicalize(cand);
            if (rmse(cand, xte, yte) <= tol) {
                e = std::move(cand);
                dropped = e.terms.size() > 1;
                continue;
            }
        }
        for (const auto& [spread, k] : order) {
            if (spread > 10 * tol) break;  // not negligible (and neither are the larger ones after it)
            Expr cand = e;
            cand.terms.erase(cand.terms.begin() + std::ptrdiff_t(k));
            if (!cand.terms.empty() && cand.constantPart() == 0) cand.terms.push_back({0.0, {}});  // a constant to refit
            refineConstants(cand, xtr, ytr, iterations);
            recanonicalize(cand);
            if (rmse(cand, xte, yte) <= tol) {
                e = std::move(cand);
                dropped = true;
                break;
            }
        }
    }
}

/// The parabola q0 + q1·(u − ū) + q2·(u − ū)² closest (least squares on x) to the function factor f
/// (power 1) of argument u; false unless it matches f to `rel` of f's variance.
bool parabolaOf(const Factor& f, const Eigen::MatrixXd& x, double rel, Expr& out) {
    Factor unit = f;
    unit.power = 1;
    Expr atom;
    atom.terms.push_back({1.0, {unit}});
    const Eigen::VectorXd fu = evaluate(atom, x), u = evaluate(f.arg.front(), x);
    const double u0 = u.mean();
    Eigen::MatrixXd A(u.size(), 3);
    A.col(0).setOnes();
    A.col(1) = u.array() - u0;
    A.col(2) = (u.array() - u0).square();
    const Eigen::Vector3d q = A.colPivHouseholderQr().solve(fu);
    const double var = (fu.array() - fu.mean()).square().sum();
    if (!q.allFinite() || !(var > 0) || !((A * q - fu).squaredNorm() <= rel * var)) return false;
    const Expr d = f.arg.front() + Expr::constant(-u0);
    out = Expr::constant(q(0)) + q(1) * d + q(2) * power(d, 2);
    return true;
}

/// Replaces the function factor number `target` (depth first over e, inner ones included) by its
/// parabola when parabolaOf accepts it; counts the factors it passes in `seen`.
bool replaceByParabola(Expr& e, int target, int& seen, const Eigen::MatrixXd& x) {
    for (size_t k = 0; k < e.terms.size(); ++k)
        for (size_t j = 0; j < e.terms[k].factors.size(); ++j) {
            Factor& f = e.terms[k].factors[j];
            if (f.fn == ExprFn::Var) continue;
            if (seen++ == target) {
                Expr parabola;
                if (!parabolaOf(f, x, 1e-4, parabola)) return false;
                Term rest = e.terms[k];
                rest.factors.erase(rest.factors.begin() + std::ptrdiff_t(j));
                Expr others, cand;
                others.terms.push_back(rest);
                for (size_t m = 0; m < e.terms.size(); ++m)
                    if (m != k) cand.terms.push_back(e.terms[m]);
                e = cand + others * power(parabola, f.power);
                return true;
            }
            if (replaceByParabola(f.arg.front(), target, seen, x)) return true;
            if (seen > target) return false;
        }
    return false;
}

/// Replaces function factors that the data sees only as a parabola by that parabola: a cosine or
/// a Gaussian of a short argument range, as a refinement drifts into when the true edge is a
/// square, becomes the polynomial it is (expanded); the constants are then refitted and the
/// change kept when the formula gets simpler and stays within tol.
void flattenNearQuadraticAtoms(Expr& e, const Eigen::MatrixXd& xtr, const Eigen::VectorXd& ytr,
                               const Eigen::MatrixXd& xte, const Eigen::VectorXd& yte, double tol, int iterations) {
    for (int target = 0;; ++target) {
        Expr cand = e;
        int seen = 0;
        const bool replaced = replaceByParabola(cand, target, seen, xte);
        if (seen <= target) break;  // every factor visited
        if (!replaced) continue;
        normalize(cand);
        if (cand.constantPart() == 0) cand.terms.push_back({0.0, {}});
        refineConstants(cand, xtr, ytr, iterations);
        recanonicalize(cand);
        dropNegligibleTerms(cand, xtr, ytr, xte, yte, tol, iterations);
        if (rmse(cand, xte, yte) <= tol && complexity(cand) < complexity(e)) {
            e = std::move(cand);
            target = -1;  // start over on the simpler formula
        }
    }
}

/// Closed forms of a snapped net, refined on the training data and rounded on the test data.
void finish(Candidate& c, const Matrix& xTrain, const Matrix& yTrain, const Matrix& xTest, const Matrix& yTest,
            const DiscoverConfig& cfg, const std::vector<std::string>& names) {
    c.formulas.clear();
    c.r2.clear();
    c.complexity = 0;
    c.complete = netExpressions(c.net, c.exprs);
    if (!c.complete) {
        c.formulas = c.net.formula(names);
        const Matrix pred = Net(c.net).forward(xTest, false);
        for (Eigen::Index o = 0; o < pred.rows(); ++o)
            c.r2.push_back(r2Of(pred.row(o).transpose().cast<double>(), yTest.row(o).transpose().cast<double>()));
        return;
    }
    // Constants are refined on an evenly strided subset of the training data (a closed form has
    // a handful of them) and judged on the whole test set.
    const Eigen::Index stride = std::max<Eigen::Index>(1, xTrain.cols() / kRefineSamples);
    const Eigen::Index m = (xTrain.cols() + stride - 1) / stride;
    Eigen::MatrixXd xtr(xTrain.rows(), m);
    Eigen::MatrixXd ytrAll(yTrain.rows(), m);
    for (Eigen::Index k = 0; k < m; ++k) {
        xtr.col(k) = xTrain.col(k * stride).cast<double>();
        ytrAll.col(k) = yTrain.col(k * stride).cast<double>();
    }
    const Eigen::MatrixXd xte = xTest.cast<double>();
    for (size_t o = 0; o < c.exprs.size(); ++o) {
        Expr& e = c.exprs[o];
        const Eigen::VectorXd ytr = ytrAll.row(Eigen::Index(o)).transpose();
        const Eigen::VectorXd yte = yTest.row(Eigen::Index(o)).transpose().cast<double>();
        refineConstants(e, xtr, ytr, cfg.refineIterations);
        recanonicalize(e);
        const double base = rmse(e, xte, yte);
        const double sd = std::sqrt((yte.array() - yte.mean()).square().mean());
        const double tol = std::max(1.5 * base, cfg.relTolerance * std::max(sd, 1e-12));
        dropNegligibleTerms(e, xtr, ytr, xte, yte, tol, cfg.refineIterations);
        // Only a formula that already fits is worth simplifying this way (and it is the costly step).
        if (r2Of(evaluate(e, xte), yte) >= cfg.targetR2)
            flattenNearQuadraticAtoms(e, xtr, ytr, xte, yte, tol, cfg.refineIterations);
        // A flattened formula may fit far better than the one tol was set from: round to what it supports.
        const double roundTol = std::min(tol, std::max(1.5 * rmse(e, xte, yte), cfg.relTolerance * std::max(sd, 1e-12)));
        roundConstants(e, [&](const Expr& cand) { return rmse(cand, xte, yte); }, roundTol, cfg.maxDecimals);
        recanonicalize(e);
        c.r2.push_back(r2Of(evaluate(e, xte), yte));
        c.formulas.push_back(toString(e, names));
        c.complexity += complexity(e);
    }
}

/// True when a is the better outcome: reaching the target first, then simpler, then closer.
bool better(const Candidate& a, const Candidate& b, double target) {
    const bool ha = a.complete && a.worstR2() >= target, hb = b.complete && b.worstR2() >= target;
    if (ha != hb) return ha;
    if (ha) return a.complexity < b.complexity || (a.complexity == b.complexity && a.worstR2() > b.worstR2());
    return a.worstR2() > b.worstR2();
}

}  // namespace

DiscoverResult discoverFormula(Net& net, const Matrix& xTrain, const Matrix& yTrain, const Matrix& xTest,
                               const Matrix& yTest, const DiscoverConfig& cfg, const std::vector<std::string>& names) {
    if (net.layers.empty()) throw std::invalid_argument("symbolic recovery: the KAN has no layers");
    const int in = net.layers.front().in(), out = net.layers.back().out();
    if (xTrain.rows() != in || xTest.rows() != in || yTrain.rows() != out || yTest.rows() != out ||
        xTrain.cols() != yTrain.cols() || xTest.cols() != yTest.cols() || xTrain.cols() < 2 || xTest.cols() < 2)
        throw std::invalid_argument("symbolic recovery: data shapes do not match the KAN (" + std::to_string(in) +
                                    " inputs, " + std::to_string(out) + " outputs, at least 2 samples)");
    for (size_t l = 0; l < net.layers.size(); ++l)
        if (net.layers[l].config().layerNorm)
            throw std::invalid_argument("symbolic recovery: KAN layer " + std::to_string(l + 1) +
                                        " normalises its inputs (layer_norm), so its outputs are not sums of "
                                        "functions of single inputs; turn layer_norm off to recover a formula");
    std::optional<Candidate> best;
    std::vector<Matrix> lastMasks;
    int tried = 0;  // runner-up snaps evaluated, over all attempts
    for (int t = 0; t < std::max(1, cfg.thresholdSteps); ++t) {
        // Each attempt prunes harder: the simplest structure that still reaches the target wins.
        Candidate c{net};
        const float th = cfg.pruneThreshold * std::pow(3.f, float(t));
        c.nodesPruned = c.net.pruneNodes(xTrain, th);
        c.edgesPruned = c.net.pruneEdges(xTrain, th);
        std::vector<Matrix> masks;
        for (const Layer& L : c.net.layers) masks.push_back(L.mask);
        // Eigen's == needs equal shapes: compare the shapes first
        const bool same = masks.size() == lastMasks.size() &&
                          std::equal(masks.begin(), masks.end(), lastMasks.begin(), [](const Matrix& a, const Matrix& b) {
                              return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
                          });
        if (same) continue;  // the same structure as the previous attempt
        lastMasks = masks;
        if (cfg.retrainIterations > 0) {
            LbfgsConfig lc;
            lc.maxIter = cfg.retrainIterations;
            Lbfgs opt(c.net.parameters(), lc);
            Matrix grad;
            opt.step([&] {
                c.net.zeroGrad();
                const double loss = mseLoss(c.net.forward(xTrain), yTrain, &grad);
                c.net.backward(grad);
                return loss;
            });
        }
        const std::vector<Snap> snaps = snapAll(c.net, xTrain, cfg.snapR2, cfg.symbolic);
        c.snapped = int(snaps.size());
        finish(c, xTrain, yTrain, xTest, yTest, cfg, names);
        // Each edge's runner-up candidates (those fitting the edge almost as well): kept when they
        // reach the target where the first choice did not, or give a simpler formula.
        // Coordinate search: a second pass revisits edges whose best choice depended on another's.
        for (int pass = 0, changed = 1; pass < 2 && changed; ++pass) {
            changed = 0;
            for (const Snap& s : snaps)
                for (size_t k = 0; k < std::min<size_t>(s.fits.size(), size_t(cfg.alternatives) + 1); ++k) {
                    const SymbolicFit& f = s.fits[k];
                    if (f.r2 < cfg.alternativeR2 || (k == 0 && pass == 0)) continue;
                    const Layer& L = c.net.layers[size_t(s.layer)];
                    const SymbolicEdge& now = L.symbolic[size_t(s.in) * size_t(L.out()) + size_t(s.out)];
                    if (now.fn == f.fn && now.a == f.a && now.b == f.b) continue;  // already this candidate
                    if (tried >= cfg.maxAlternatives) break;  // the search's budget is spent
                    ++tried;
                    Candidate alt{c.net};
                    alt.nodesPruned = c.nodesPruned;
                    alt.edgesPruned = c.edgesPruned;
                    alt.snapped = c.snapped;
                    alt.net.layers[size_t(s.layer)].setSymbolic(s.in, s.out, {f.fn, f.a, f.b, f.c, f.d, f.r2});
                    finish(alt, xTrain, yTrain, xTest, yTest, cfg, names);
                    if (better(alt, c, cfg.targetR2)) {
                        c = std::move(alt);
                        changed = 1;
                    }
                }
        }
        const std::vector<int> w = c.net.widths();
        const bool minimal = std::all_of(w.begin() + 1, w.end() - 1, [](int h) { return h == 1; });
        const bool reached = c.complete && c.worstR2() >= cfg.targetR2;
        if (!best || better(c, *best, cfg.targetR2)) best = std::move(c);
        if (reached && minimal) break;  // nothing simpler left to try
    }
    net = best->net;
    DiscoverResult res;
    res.complete = best->complete;
    res.expressions = best->exprs;
    res.formulas = best->formulas;
    res.r2 = best->r2;
    res.nodesPruned = best->nodesPruned;
    res.edgesPruned = best->edgesPruned;
    res.edgesSnapped = best->snapped;
    res.widths = net.widths();
    return res;
}

}  // namespace ganglion::kan
