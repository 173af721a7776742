// Classifier readout: softmax probabilities, predicted class and accuracy on train and test data;
// over the Grid phase it records the predicted field for decision-boundary views.
#pragma once

#include "core/export/torch_module.h"

namespace ganglion {

class ClassifierKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    TorchModule torchModule() const override;

private:
    double trainAcc_ = -1, testAcc_ = -1;
    ActivationThumbnail thumb_;  ///< class probabilities: fields over the plane, or the batch
    Matrix lastPred_;  ///< predicted class per sample of the last train batch (1 x batch)
};

}  // namespace ganglion
