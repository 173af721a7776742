// "LastStep": the last step of a sequence, (steps·features) x batch → features x batch.
#pragma once

#include "core/nodes/step_slice.h"

namespace ganglion {

class LastStepKernel : public StepSliceKernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
};

}  // namespace ganglion
