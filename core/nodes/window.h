// "Window": steps start … start+length−1 of a sequence, itself a sequence of `length` steps.
#pragma once

#include "core/nodes/step_slice.h"

namespace ganglion {

class WindowKernel : public StepSliceKernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
};

}  // namespace ganglion
