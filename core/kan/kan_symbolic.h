// Symbolic regression of single KAN edges (pykan's suggest_symbolic / fix_symbolic): fit
// y ≈ c·f(a·x + b) + d for every f of a small library and rank the fits by R² and complexity.
#pragma once

#include <string>
#include <vector>

namespace ganglion::kan {

struct SymbolicFn {
    std::string name;   ///< "sin", "x^2", …
    int complexity = 1; ///< pykan's complexity scale (x = 1 … tan = 3)
    float (*f)(float) = nullptr;
    float (*df)(float) = nullptr;
    /// The function applied to an argument text, e.g. "sin(" + arg + ")".
    std::string apply(const std::string& arg) const;
};

/// x, x^2, x^3, x^4, 1/x, sqrt, exp, log, sin, tan, tanh, abs, gaussian, 0.
const std::vector<SymbolicFn>& symbolicLibrary();
int symbolicIndex(const std::string& name);  ///< -1 when absent

struct SymbolicFit {
    int fn = -1;
    float a = 1, b = 0, c = 1, d = 0;
    double r2 = 0;
    double score = 0;  ///< pykan: 0.8·complexity + 0.2·log2(1 + 1e-5 − R²); lower is better
};

struct SymbolicOptions {
    float aMin = -10, aMax = 10, bMin = -10, bMax = 10;
    int gridSteps = 31;     ///< coarse grid search per axis
    int refineRounds = 3;   ///< each shrinks the (a, b) window around the best point
    double weightSimple = 0.8;
};

/// Best fit of one library function to the samples (x_k, y_k).
SymbolicFit fitSymbolic(int fn, const std::vector<float>& x, const std::vector<float>& y,
                        const SymbolicOptions& opt = {});
/// Every library function fitted, best (lowest score) first.
std::vector<SymbolicFit> suggestSymbolic(const std::vector<float>& x, const std::vector<float>& y,
                                         const SymbolicOptions& opt = {});

/// A number printed with `digits` significant digits ("-0.5", "3.142").
std::string formatNumber(double v, int digits = 4);
/// "c*f(a*arg+b)+d" with trivial factors dropped (used for the network formula).
std::string symbolicText(const SymbolicFit& s, const std::string& arg);

}  // namespace ganglion::kan
