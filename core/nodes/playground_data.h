// The four TensorFlow Playground 2D data sets (circle, xor, gauss, spiral) as a data source.
// Points are generated in Playground's [-6, 6]² domain and emitted scaled to [-1, 1]².
#pragma once

#include "core/export/torch_module.h"

namespace ganglion {

struct PlaygroundSet {
    Matrix x;  ///< 2 x n raw coordinates in [-1, 1]
    Eigen::VectorXi labels;
};

/// Deterministic for a generator state. kind: circle | xor | gauss | spiral.
PlaygroundSet makePlaygroundSet(const std::string& kind, int samples, double noise, Rng& rng);
/// Input features from raw (x1, x2): 2 rows, or 7 with x1², x2², x1·x2, sin x1, sin x2.
void playgroundFeatures(const Matrix& xy, bool extra, Matrix& out);

class PlaygroundDataKernel : public Kernel, public TorchDataSource {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    bool supportsGrid() const override { return true; }
    TorchData torchData() const override;
    /// The data set's seed: a loaded kernel trains and tests on the same split.
    KernelState saveState() const override { return {{"data_seed", seedState(seed_)}}; }
    void loadState(const KernelState& state) override;

private:
    void regenerate();
    std::string kind_;
    int samples_ = 500, batch_ = 10, gridSize_ = 48;
    double noise_ = 0.0, trainFraction_ = 0.5;
    bool extra_ = false;
    std::uint64_t seed_ = 0;
    Matrix trainXY_, testXY_;
    Eigen::VectorXi trainY_, testY_;
    Matrix batchXY_;
    std::vector<int> order_;
    std::size_t cursor_ = 0;
    Rng shuffle_;
};

}  // namespace ganglion
