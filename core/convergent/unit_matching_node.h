// UnitMatching node: compares one layer of two networks (inputs a and b, e.g. two copies of a model
// trained from different seeds in one graph) on the same test inputs — the units' activation
// correlations, matched one-to-one and many-to-one (core/convergent/unit_matching.h).
#pragma once

#include "core/convergent/unit_matching.h"
#include "core/model/kernel.h"

namespace ganglion {

class UnitMatchingKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;

    /// The latest comparison (empty correlation until a test pass ran).
    const UnitMatching& matching() const { return match_; }

private:
    double threshold_ = 0.5, strong_ = 0.9;
    UnitMatching match_;
};

}  // namespace ganglion
