// The KanLayer node: a pykan-style KAN layer as an engine kernel. Besides the Kernel contract it
// offers the interactive operations the KAN view posts to the engine thread (pruning, grid
// update/extension, symbolic suggestions and snapping).
#pragma once

#include "core/export/torch_module.h"
#include "core/kan/kan_layer.h"
#include "core/kan/kan_publish.h"
#include "core/kan/kan_samples.h"
#include "core/kan/kan_symbolic.h"
#include "core/model/node_spec.h"

#include <cstdint>

namespace ganglion {

class KanLayerKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override { return layer_.parameters(); }
    void observe(Observables& obs) const override;
    double penalty() const override;
    NodeCost cost() const override { return layer_.cost(); }
    KernelState saveState() const override { return layer_.saveState(); }
    void loadState(const KernelState& s) override {
        layer_.loadState(s);
        kmeansPending_ = false;  // loaded centres are kept
        ++revision_;
    }

    /// PyTorch export (core/kan/kan_torch.cpp): the layer's tensors and its basis on its grid.
    TorchModule torchModule() const override;
    KernelState stateFromTorch(const KernelState& current, const std::map<std::string, Matrix>& tensors) const override;

    kan::Layer& layer() { return layer_; }
    const kan::Layer& layer() const { return layer_; }
    /// Recent training inputs (in x n, up to 512 samples) used for scores, grids and fits.
    const Matrix& recentInputs() const { return recent_.matrix(); }

    int prune(float threshold);                    ///< edges removed (threshold from the param when < 0)
    double updateGrid();                           ///< max |Δφ| of the refit
    double extendGrid(int newGrid);                ///< max |Δφ| of the refit
    double lastGridError() const { return lastGridError_; }
    std::vector<kan::SymbolicFit> suggest(int i, int o) const;
    void snap(int i, int o, const kan::SymbolicFit& fit);
    void unsnap(int i, int o);                     ///< back to the numeric spline
    int autoSnap(double r2Threshold);              ///< edges snapped (threshold from the param when < 0)

private:
    kan::Layer layer_;
    kan::RegConfig reg_;
    kan::RecentInputs recent_;
    ActivationThumbnail thumb_;
    bool kmeansPending_ = false;  ///< kmeans_init: place the rbf_adaptive centres on the next training batch
    int gridEvery_ = 0, gridUntil_ = 0;
    float gridEps_ = 0.02f, pruneThreshold_ = 0.01f;
    double snapR2_ = 0.99;
    double lastGridError_ = 0;
    std::uint64_t revision_ = 0;
    std::uint64_t trainSteps_ = 0;
    int imageWidth_ = 0, imageHeight_ = 0;  ///< declared by the input when it is an image
    kan::ScoreCache scores_;
};

NodeSpec makeKanLayerSpec();

}  // namespace ganglion
