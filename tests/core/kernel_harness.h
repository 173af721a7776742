// Test helpers for node kernels: build a kernel from its registered spec, run it, and compare
// analytic gradients (Kernel::backward) with central finite differences.
#pragma once

#include "core/model/node_spec.h"

#include <QtTest>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace ganglion::testing {

struct KernelRig {
    const NodeSpec* spec = nullptr;
    ParamSet params;
    Rng rng{1234};
    std::unique_ptr<Kernel> kernel;
    std::vector<Value> inputs;
    std::vector<Value> outputs;
    std::vector<Shape> outShapes;

    std::uint64_t step = 0;  ///< StepContext::step of the next forward()

    /// `overrides` are applied on top of the spec defaults; `seed` seeds the build (weights).
    KernelRig(const std::string& type, std::vector<std::pair<std::string, ParamValue>> overrides,
              std::vector<Shape> inShapes, std::uint64_t seed = 1234) {
        rng.seed(seed);
        spec = NodeRegistry::instance().find(type);
        if (!spec) throw std::runtime_error("unknown node type " + type);
        params = ParamSet::defaults(spec->params);
        for (auto& [k, v] : overrides) {
            const ParamSpec* ps = spec->param(k);
            if (!ps) throw std::runtime_error(type + " has no parameter " + k);
            auto value = ps->coerce(v);
            if (!value) throw std::runtime_error(type + ": bad value for " + k);
            params.set(k, *value);
        }
        kernel = spec->create();
        BuildContext bc{params, std::move(inShapes), rng, type};
        outShapes = kernel->build(bc);
        outputs.resize(spec->outputs.size());
        for (size_t i = 0; i < outputs.size(); ++i) outputs[i].type = spec->outputs[i].type;
    }

    void forward(Phase phase = Phase::Train) {
        StepContext ctx;
        ctx.phase = phase;
        ctx.step = step;
        ctx.rng = &rng;
        std::vector<const Value*> in;
        for (auto& v : inputs) in.push_back(v.tensor.size() || v.type != PortType::Tensor ? &v : nullptr);
        kernel->forward(ctx, in, outputs);
    }

    /// Backward with the given output gradients; returns input gradients.
    std::vector<Matrix> backward(const std::vector<Matrix>& gradOut) {
        StepContext ctx;
        ctx.rng = &rng;
        std::vector<const Value*> in;
        for (auto& v : inputs) in.push_back(&v);
        std::vector<Matrix> gradIn(inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i)
            if (inputs[i].type == PortType::Tensor) gradIn[i].setZero(inputs[i].tensor.rows(), inputs[i].tensor.cols());
        kernel->backward(ctx, in, outputs, gradOut, gradIn);
        return gradIn;
    }
};

/// L = sum(out[0] .* R) for a fixed random R: checks dL/d(inputs[i]) (Tensor inputs listed in
/// `checkInputs`) and dL/d(every parameter) against central differences.
/// For Loss kernels (role Loss) L is kernel->loss() and gradOut is empty.
inline void gradientCheck(KernelRig& rig, std::vector<int> checkInputs, double eps = 1e-3,
                          double tol = 2e-2) {
    const bool isLoss = rig.spec->role == NodeRole::Loss;
    Matrix R;
    auto lossOf = [&]() -> double {
        rig.forward();
        if (isLoss) return rig.kernel->loss();
        const Matrix& y = rig.outputs[0].tensor;
        if (R.rows() != y.rows() || R.cols() != y.cols()) {
            Rng r(99);
            std::uniform_real_distribution<float> u(-1.f, 1.f);
            R.resize(y.rows(), y.cols());
            for (Eigen::Index i = 0; i < R.size(); ++i) R(i) = u(r);
        }
        return double((y.array() * R.array()).sum());
    };
    lossOf();
    for (auto& p : rig.kernel->parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
    std::vector<Matrix> gradOut(rig.outputs.size());
    if (!isLoss) gradOut[0] = R;
    auto gradIn = rig.backward(gradOut);

    auto compare = [&](const char* what, float& x, double analytic) {
        float old = x;
        x = float(old + eps);
        double lp = lossOf();
        x = float(old - eps);
        double lm = lossOf();
        x = old;
        double numeric = (lp - lm) / (2 * eps);
        double scale = std::max({1.0, std::abs(numeric), std::abs(analytic)});
        if (std::abs(numeric - analytic) / scale > tol)
            QFAIL(qPrintable(QString("%1: analytic %2 vs numeric %3").arg(what).arg(analytic).arg(numeric)));
    };
    for (int i : checkInputs) {
        Matrix& x = rig.inputs[i].tensor;
        QVERIFY2(gradIn[i].rows() == x.rows() && gradIn[i].cols() == x.cols(), "input gradient shape");
        for (Eigen::Index k = 0; k < x.size(); ++k) compare("input", x(k), gradIn[i](k));
    }
    for (auto& p : rig.kernel->parameters()) {
        Matrix g = *p.grad;  // analytic, accumulated once above
        for (Eigen::Index k = 0; k < p.value->size(); ++k)
            compare(p.name.c_str(), (*p.value)(k), g(k));
    }
}

inline Matrix randomMatrix(int rows, int cols, unsigned seed = 7, float scale = 1.f) {
    Rng r(seed);
    std::uniform_real_distribution<float> u(-scale, scale);
    Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = u(r);
    return m;
}

inline Value tensorValue(Matrix m) {
    Value v;
    v.type = PortType::Tensor;
    v.tensor = std::move(m);
    return v;
}

}  // namespace ganglion::testing
