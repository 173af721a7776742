// Closed-form expressions of a fully symbolic KAN, in a canonical form that can be refined,
// rounded and printed the way a person would write the formula.
//
// An expression is a sum of terms; a term is a coefficient times a product of factors; a factor
// is a variable x_k or a function (exp, log, sqrt, sin, tan, tanh, abs, gaussian, 1/·) of an inner
// expression, raised to an integer power. Polynomial edges (x, x², x³, x⁴) are expanded, so
// (x1 + x2)² − (x1 − x2)² becomes 4·x1·x2. Functions are canonicalised so that equivalent
// parametrisations print alike: constants leave exp (e^(k+q) = e^k·e^q) and log; scales leave
// abs, sqrt and 1/·; odd functions (sin, tan, tanh) and even ones (abs, gaussian) take a positive
// leading inner coefficient; a sine's phase is reduced modulo 2π and a phase of a multiple of π
// becomes a sign. Rounding (roundConstants) then keeps each constant to the fewest decimals the
// data supports, so wrappers such as 1.0000·exp(…) + 0.0000 disappear.
#pragma once

#include "core/model/types.h"

#include <functional>
#include <string>
#include <vector>

namespace ganglion::kan {

enum class ExprFn { Var, Exp, Log, Sqrt, Sin, Tan, Tanh, Abs, Gauss, Inv };

struct Expr;

struct Factor {
    ExprFn fn = ExprFn::Var;
    int var = 0;             ///< variable index when fn == Var
    std::vector<Expr> arg;   ///< the inner expression (one element) for functions
    int power = 1;
};

struct Term {
    double coef = 0;
    std::vector<Factor> factors;  ///< empty: a constant
};

struct Expr {
    std::vector<Term> terms;  ///< canonical order after normalize(); empty = 0

    static Expr constant(double c);
    static Expr variable(int k);
    bool isConstant() const;
    double constantPart() const;  ///< coefficient of the factor-free term (0 if none)
};

Expr operator+(const Expr& a, const Expr& b);
Expr operator*(const Expr& a, const Expr& b);
Expr operator*(double s, const Expr& a);
Expr power(const Expr& a, int n);  ///< n >= 0, expanded

/// The symbolic library function `name` (kan_symbolic.h: "x", "x^2", "sin", …) applied to
/// `inner`, canonicalised. Throws std::invalid_argument for an unknown name.
Expr applyLibrary(const std::string& name, const Expr& inner);

/// fn(inner) in canonical form (see the file comment): e.g. Inv(2x + 4) = 0.5·Inv(x + 2).
Expr canonicalAtom(ExprFn fn, const Expr& inner);
/// Re-derives the canonical form of every function factor (after constants were refined, a
/// scale may have moved back into an argument: c·1/(a·x² + a) becomes (c/a)·1/(x² + 1)).
void recanonicalize(Expr& e);

/// Sorts factors and terms, merges equal ones, drops zero terms (recursively).
void normalize(Expr& e);

/// Values on every column of x (variables x n).
Eigen::VectorXd evaluate(const Expr& e, const Eigen::MatrixXd& x);
/// The same into `out` (resized), without allocating once the sizes are known.
void evaluate(const Expr& e, const Eigen::MatrixXd& x, Eigen::VectorXd& out);

/// Central-difference Jacobian of e's values on x with respect to the constants p (pointers into
/// e, as constants() lists them): column k = (e(p_k + h) − e(p_k − h)) / 2h, h = 1e-7·max(1, |p_k|).
/// Function values that do not hold p_k are computed once, not twice per constant.
void jacobian(Expr& e, const Eigen::MatrixXd& x, const std::vector<double*>& p, Eigen::MatrixXd& J);

/// Every coefficient of e, its inner expressions included (outer terms first).
std::vector<double*> constants(Expr& e);

/// Text of e in the variable names (x1, x2, … when names is short), constants printed with
/// `digits` significant digits at most: "exp(sin(3.1416*x1) + x2^2)".
std::string toString(const Expr& e, const std::vector<std::string>& names = {}, int digits = 6);

/// Rounds each constant (outer ones first) to the fewest decimal places, 0 to maxDecimals, for
/// which error(e) stays <= tolerance; a constant that cannot be rounded keeps its value. The
/// expression is re-canonicalised afterwards (terms whose coefficient rounded to 0 vanish).
void roundConstants(Expr& e, const std::function<double(const Expr&)>& error, double tolerance,
                    int maxDecimals = 6);

}  // namespace ganglion::kan
