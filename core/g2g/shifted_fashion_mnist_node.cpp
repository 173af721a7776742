// "ShiftedFashionMNIST" node: clean Fashion-MNIST training batches until step shift_at, then a
// domain-shifted stream of test images whose labels only score the model (the node stops
// supervising: the engine runs no optimiser step, see Kernel::supervises).
#include "core/g2g/domain_shift.h"
#include "core/g2g/fashion_mnist_source.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <numeric>

namespace ganglion {
namespace {

using namespace g2g;

class ShiftedFashionMnistKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        data_ = loadFashionForBuild(p);
        kind_ = p.getString("shift");
        norm_ = parseNormalisation(p.getString("normalisation"));
        shiftAt_ = std::uint64_t(p.getInt("shift_at"));
        const int testN = int(p.getInt("test_subset"));
        const int streamN = data_->test.size() - testN;
        if (streamN < 1)
            throw BuildError("", "test_subset " + std::to_string(testN) + " leaves no test images for the stream (" +
                                     std::to_string(data_->test.size()) + " in all)");
        setParams(p);
        if (streamBatch_ > streamN)
            throw BuildError("", "stream_batch " + std::to_string(streamBatch_) + " exceeds the " +
                                     std::to_string(streamN) + " stream images");
        const std::uint64_t seed = std::uint64_t(p.getInt("seed"));
        train_.reset(data_->train.size(), seed, true);
        // The stream and the evaluation subset are disjoint: evaluations take the first test_subset
        // test images, the stream the rest, shuffled.
        stream_.reset(streamN, seed + 1, true);
        evalIdx_.resize(std::size_t(testN));
        std::iota(evalIdx_.begin(), evalIdx_.end(), 0);
        evalSeed_ = seed + 2;
        Shape x = Shape::tensor(kImagePixels);
        x.width = x.height = kImageSide;
        return {x, Shape::labels(kClasses)};
    }

    void setParams(const ParamSet& p) override {
        if (p.has("batch_size")) batch_ = std::min<int>(int(p.getInt("batch_size")), data_->train.size());
        if (p.has("stream_batch")) streamBatch_ = int(p.getInt("stream_batch"));
        if (p.has("noise_sigma") || p.has("contrast"))
            shift_ = makeDomainShift(kind_, p.has("noise_sigma") ? p.getFloat("noise_sigma") : shift_.noiseSigma,
                                     p.has("contrast") ? p.getFloat("contrast") : shift_.contrast);
        evalShifted_.resize(0, 0);  // the shifted evaluation set is redrawn with the new strength
    }

    bool supervises() const override { return !shifted_; }

    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        Matrix& x = out[0].tensor;
        Matrix& y = out[1].tensor;
        if (ctx.phase == Phase::Train) {
            shifted_ = ctx.step >= shiftAt_;
            if (!shifted_) {
                fillBatch(data_->train, train_.next(batch_), norm_, x, y);
            } else {
                auto idx = stream_.next(streamBatch_);
                streamIdx_.assign(idx.begin(), idx.end());
                for (int& i : streamIdx_) i += int(evalIdx_.size());
                fillBatch(data_->test, streamIdx_, norm_, x, y);
                applyDomainShift(x, shift_, norm_, *ctx.rng);
                streamSeen_ += std::uint64_t(x.cols());
            }
        } else {
            // Evaluations: the fixed subset, clean before the shift and shifted (the same noise
            // every time, for a given strength) from then on.
            fillBatch(data_->test, evalIdx_, norm_, x, y);
            if (ctx.step >= shiftAt_) {
                if (evalShifted_.cols() != x.cols()) {
                    std::mt19937_64 rng(evalSeed_);
                    evalShifted_ = x;
                    applyDomainShift(evalShifted_, shift_, norm_, rng);
                }
                x = evalShifted_;
            }
        }
        preview_.take(x, y, ctx.phase);
    }

    void observe(Observables& obs) const override {
        preview_.publish(obs);
        obs.scalars["shifted"] = shifted_ ? 1.0 : 0.0;
        obs.scalars["stream_samples"] = double(streamSeen_);
    }

private:
    std::shared_ptr<const FashionMnist> data_;
    std::string kind_;
    DomainShift shift_;
    Normalisation norm_ = Normalisation::MinusOneOne;
    std::uint64_t shiftAt_ = 0, streamSeen_ = 0, evalSeed_ = 0;
    EpochSampler train_, stream_;
    std::vector<int> evalIdx_, streamIdx_;
    Matrix evalShifted_;
    int batch_ = 128, streamBatch_ = 64;
    bool shifted_ = false;
    BatchPreview preview_;
};

}  // namespace

NodeSpec makeShiftedFashionMnistSpec() {
    NodeSpec s;
    s.type = "ShiftedFashionMNIST";
    s.title = "Fashion-MNIST, domain shift";
    s.category = "Data";
    s.observables = {"images", "labels", "shifted", "stream_samples"};
    s.thumbnail = Thumbnail::Images;
    s.role = NodeRole::Source;
    s.help =
        "A test-time adaptation protocol on Fashion-MNIST. Until step shift_at, training steps emit clean "
        "shuffled training minibatches that supervise the model as usual. From shift_at on they emit a stream of "
        "test images under a domain shift (contrast reduced about each image's mean and/or Gaussian noise, "
        "clipped to the pixel range), and the node stops supervising: the engine runs no backward pass and no "
        "optimiser step, so the labels it still emits only score the model and only label-free rules adapt. "
        "Evaluations use the first test_subset test images (never streamed): clean before the shift, shifted "
        "with a fixed noise draw after it.";
    s.reference = "Wang et al., Tent: Fully Test-Time Adaptation by Entropy Minimization, ICLR 2021 (the protocol); "
                  "Hendrycks & Dietterich, Benchmarking Neural Network Robustness to Common Corruptions and "
                  "Perturbations, ICLR 2019 (the shifts)";
    s.outputs = {{"x", PortType::Tensor, "784 pixels x batch, normalised"},
                 {"y", PortType::Tensor, "1 x batch class labels (0..9 as floats)"}};
    s.params = {
        intParam("shift_at", 1000, 0, 100000000,
                 "Training step at which the clean, supervised training ends and the shifted test stream starts."),
        enumParam("shift", "noise", {"noise", "contrast", "noise+contrast"}, "The domain shift of the stream."),
        floatParam("noise_sigma", 0.5, 0.0, 2.0,
                   "σ of the additive Gaussian noise, as a fraction of the full pixel range.", "", true),
        floatParam("contrast", 0.3, 0.02, 1.0,
                   "Contrast factor c: each image becomes mean + c · (image − mean) (1 = unchanged).", "", true),
        intParam("batch_size", 128, 1, 60000, "Training minibatch size (clean phase).", true),
        intParam("stream_batch", 64, 1, 10000, "Test images per step of the shifted stream.", true),
        intParam("seed", 0, 0, 1000000000, "Seed of the training order, the stream order and the evaluation noise."),
        enumParam("normalisation", "-1..1", {"-1..1", "0..1", "standardise"},
                  "Pixel scaling: [-1, 1], [0, 1], or zero mean / unit variance (training-set statistics)."),
        intParam("test_subset", 1000, 1, 9999,
                 "Evaluations use the first N test images; the stream draws from the remaining ones."),
        g2g::fashionDataDirParam(),
    };
    s.create = [] { return std::make_unique<ShiftedFashionMnistKernel>(); };
    return s;
}

}  // namespace ganglion
