#include "core/kan/formula_data.h"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <stdexcept>

namespace ganglion {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kE = 2.71828182845904523536;

// Variables x1…xn (and x, y, z aliases when n <= 3) bound to `vals`.
void defineVariables(mu::Parser& p, std::vector<double>& vals, int n) {
    vals.assign(size_t(n), 0.0);
    for (int i = 0; i < n; ++i) p.DefineVar("x" + std::to_string(i + 1), &vals[size_t(i)]);
    const char* alias[] = {"x", "y", "z"};
    if (n <= 3)
        for (int i = 0; i < n; ++i) p.DefineVar(alias[i], &vals[size_t(i)]);
    p.DefineConst("pi", kPi);
    p.DefineConst("e", kE);
}

FormulaError toError(const std::string& formula, const mu::Parser::exception_type& e) {
    FormulaError f;
    f.position = e.GetPos();
    std::string msg = e.GetMsg();
    // muparser appends " found at position N." — we state the position ourselves.
    if (auto k = msg.find(" at position"); k != std::string::npos) msg.erase(k);
    while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
    if (f.position >= 0) {
        f.message = "formula error at character " + std::to_string(f.position + 1) + ": " + msg;
        f.caret = formula + "\n" + std::string(size_t(std::min<int>(f.position, int(formula.size()))), ' ') + "^";
    } else {
        f.message = "formula error: " + msg;
        f.caret = formula;
    }
    return f;
}
}  // namespace

std::optional<FormulaError> checkFormula(const std::string& formula, int variables) {
    if (formula.find_first_not_of(" \t") == std::string::npos)
        return FormulaError{"formula is empty", 0, "^"};
    mu::Parser p;
    std::vector<double> vals;
    defineVariables(p, vals, variables);
    try {
        p.SetExpr(formula);
        p.Eval();
    } catch (const mu::Parser::exception_type& e) {
        return toError(formula, e);
    }
    if (p.GetNumResults() != 1) return FormulaError{"formula must give exactly one value (no commas)", -1, formula};
    return std::nullopt;
}

void evaluateFormula(const std::string& formula, const Matrix& x, Matrix& y) {
    if (auto err = checkFormula(formula, int(x.rows()))) throw std::invalid_argument(err->message);
    mu::Parser p;
    std::vector<double> vals;
    defineVariables(p, vals, int(x.rows()));
    p.SetExpr(formula);
    y.resize(1, x.cols());
    for (Eigen::Index b = 0; b < x.cols(); ++b) {
        for (Eigen::Index i = 0; i < x.rows(); ++i) vals[size_t(i)] = x(i, b);
        const double v = p.Eval();
        if (!std::isfinite(v)) {
            std::string at;
            for (Eigen::Index i = 0; i < x.rows(); ++i) at += (i ? ", " : "") + std::to_string(x(i, b));
            throw std::invalid_argument("formula is not finite at (" + at + ")");
        }
        y(0, b) = float(v);
    }
}

std::vector<Shape> FormulaDataKernel::build(const BuildContext& ctx) {
    const auto& p = ctx.params;
    formula_ = p.getString("formula");
    vars_ = int(p.getInt("variables"));
    batch_ = int(p.getInt("batch_size"));
    lo_ = float(p.getFloat("range_min"));
    hi_ = float(p.getFloat("range_max"));
    gridSize_ = ctx.gridSize;
    if (!(hi_ > lo_)) throw BuildError("", "range_min must be below range_max");
    if (auto err = checkFormula(formula_, vars_)) throw BuildError("", err->message + "\n" + err->caret);
    const int nTrain = int(p.getInt("train_samples")), nTest = int(p.getInt("test_samples"));
    const double noise = p.getFloat("noise");
    std::uniform_real_distribution<float> u(lo_, hi_);
    std::normal_distribution<float> g(0.f, 1.f);
    auto sample = [&](Matrix& X, Matrix& Y, int n) {
        X.resize(vars_, n);
        for (Eigen::Index k = 0; k < X.size(); ++k) X(k) = u(ctx.rng);
        try {
            evaluateFormula(formula_, X, Y);
        } catch (const std::exception& e) {
            throw BuildError("", e.what());
        }
    };
    sample(trainX_, trainY_, nTrain);
    sample(testX_, testY_, nTest);
    if (noise > 0)
        for (Eigen::Index k = 0; k < trainY_.size(); ++k) trainY_(k) += float(noise) * g(ctx.rng);
    if (vars_ == 2) {
        const int G = gridSize_;
        gridX_.resize(2, G * G);
        for (int r = 0; r < G; ++r)
            for (int c = 0; c < G; ++c) {
                gridX_(0, r * G + c) = lo_ + (hi_ - lo_) * (c + 0.5f) / G;
                gridX_(1, r * G + c) = hi_ - (hi_ - lo_) * (r + 0.5f) / G;
            }
        try {
            evaluateFormula(formula_, gridX_, gridY_);
        } catch (const std::exception&) {
            gridY_.setZero(1, G * G);  // singular somewhere on the plane: show no target field
        }
    }
    order_.resize(size_t(nTrain));
    std::iota(order_.begin(), order_.end(), 0);
    cursor_ = order_.size();
    return {Shape::tensor(vars_), Shape::tensor(1)};
}

KernelState FormulaDataKernel::saveState() const {
    return {{"train_x", trainX_}, {"train_y", trainY_}, {"test_x", testX_}, {"test_y", testY_}};
}

void FormulaDataKernel::loadState(const KernelState& state) {
    const std::pair<const char*, Matrix*> entries[] = {
        {"train_x", &trainX_}, {"train_y", &trainY_}, {"test_x", &testX_}, {"test_y", &testY_}};
    for (const auto& [name, m] : entries) {  // check all first: a bad state changes nothing
        auto it = state.find(name);
        if (it != state.end() && (it->second.rows() != m->rows() || it->second.cols() != m->cols()))
            throw std::runtime_error(std::string("FormulaData state: '") + name + "' has shape " +
                                     std::to_string(it->second.rows()) + "x" + std::to_string(it->second.cols()) +
                                     ", expected " + std::to_string(m->rows()) + "x" + std::to_string(m->cols()));
    }
    for (const auto& [name, m] : entries)
        if (auto it = state.find(name); it != state.end()) *m = it->second;
}

void FormulaDataKernel::forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) {
    Matrix& x = out[0].tensor;
    Matrix& y = out[1].tensor;
    if (ctx.phase == Phase::Test) {
        x = testX_;
        y = testY_;
        return;
    }
    if (ctx.phase == Phase::Grid) {
        x = gridX_;
        y = gridY_;
        return;
    }
    const int n = int(trainX_.cols());
    if (batch_ <= 0 || batch_ >= n) {  // full batch, as pykan trains
        x = trainX_;
        y = trainY_;
        return;
    }
    x.resize(vars_, batch_);
    y.resize(1, batch_);
    Rng fallback(1);
    Rng& rng = ctx.rng ? *ctx.rng : fallback;
    for (int b = 0; b < batch_; ++b) {
        if (cursor_ >= order_.size()) {
            std::shuffle(order_.begin(), order_.end(), rng);
            cursor_ = 0;
        }
        const int j = order_[cursor_++];
        x.col(b) = trainX_.col(j);
        y(0, b) = trainY_(0, j);
    }
}

void FormulaDataKernel::observe(Observables& obs) const {
    obs.scalars["train_samples"] = double(trainX_.cols());
    if (vars_ == 2) {
        Matrix pts(3, trainX_.cols());
        pts.topRows(2) = trainX_;
        pts.row(2) = trainY_;
        obs.arrays["train_points"] = pts;
        obs.arrays["target_field"] = gridY_;
    }
}

NodeSpec makeFormulaDataSpec() {
    NodeSpec s;
    s.type = "FormulaData";
    s.title = "Formula data set";
    s.category = "Data";
    s.observables = {"train_points", "target_field"};
    s.thumbnail = Thumbnail::Points;
    s.role = NodeRole::Source;
    s.help = "Function fitting: samples y = f(x1…xn) uniformly over [range_min, range_max]^n for a "
             "formula you type (muparser syntax: + - * / ^, sin cos tan exp log sqrt abs tanh …, "
             "constants pi and e; x, y, z are aliases of x1, x2, x3). Noise is added to the training "
             "targets only. A parse error names the offending character.";
    s.reference = "pykan create_dataset (Liu et al. 2024); muparser";
    s.outputs = {{"x", PortType::Tensor, "inputs: variables x batch"},
                 {"y", PortType::Tensor, "targets: 1 x batch"}};
    s.params = {
        stringParam("formula", "exp(sin(pi*x1)+x2^2)", "f(x1, …, xn) in muparser syntax."),
        intParam("variables", 2, 1, 32, "Number of inputs n."),
        intParam("train_samples", 1000, 2, 1000000, "Training points."),
        intParam("test_samples", 1000, 1, 1000000, "Held-out test points."),
        intParam("batch_size", 0, 0, 1000000, "Points per training step (0 = the whole training set)."),
        floatParam("range_min", -1.0, -1e6, 1e6, "Lower bound of every input."),
        floatParam("range_max", 1.0, -1e6, 1e6, "Upper bound of every input."),
        floatParam("noise", 0.0, 0.0, 1e6, "Standard deviation of Gaussian noise on training targets."),
    };
    s.create = [] { return std::make_unique<FormulaDataKernel>(); };
    return s;
}

}  // namespace ganglion
