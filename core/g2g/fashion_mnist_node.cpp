// "FashionMNIST" node: training minibatches and a fixed test subset of Fashion-MNIST.
#include "core/export/torch_hooks.h"
#include "core/g2g/fashion_mnist_source.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <numeric>

namespace ganglion {
namespace {

using namespace g2g;

class FashionMnistKernel final : public Kernel, public TorchDataSource {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        data_ = loadFashionForBuild(p);
        batch_ = int(p.getInt("batch_size"));
        norm_ = parseNormalisation(p.getString("normalisation"));
        int trainN = data_->train.size();
        if (p.getInt("train_subset") > 0) trainN = std::min<int>(trainN, int(p.getInt("train_subset")));
        if (batch_ > trainN)
            throw BuildError("", "batch_size " + std::to_string(batch_) + " exceeds the " + std::to_string(trainN) +
                                     " training samples");
        sampler_.reset(trainN, std::uint64_t(p.getInt("seed")), p.getBool("shuffle"));
        int testN = data_->test.size();
        if (p.getInt("test_subset") > 0) testN = std::min<int>(testN, int(p.getInt("test_subset")));
        epochs_ = p.getInt("epochs");
        testIdx_.resize(std::size_t(testN));
        std::iota(testIdx_.begin(), testIdx_.end(), 0);
        // The same memory either way: row-major pixels are a time-major sequence of rows.
        Shape x = Shape::tensor(kImagePixels);
        x.width = x.height = kImageSide;
        dir_ = p.getString("data_dir");
        rowsAsSteps_ = p.getBool("rows_as_steps");
        if (rowsAsSteps_) x = Shape::sequence(kImageSide, kImageSide);
        return {x, Shape::labels(kClasses)};
    }

    void setParams(const ParamSet& p) override {
        if (p.has("batch_size")) batch_ = std::min<int>(int(p.getInt("batch_size")), sampler_.size());
        if (p.has("epochs")) epochs_ = p.getInt("epochs");
    }

    double progress() const override { return epochs_ > 0 ? epochsDone() / double(epochs_) : -1.0; }

    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        Matrix& x = out[0].tensor;
        Matrix& y = out[1].tensor;
        if (ctx.phase == Phase::Train) {
            fillBatch(data_->train, sampler_.next(batch_), norm_, x, y);
        } else {
            // Test and Grid: the fixed test subset (the same samples every evaluation).
            fillBatch(data_->test, testIdx_, norm_, x, y);
        }
        // The preview shows the first samples of whatever batch went through last, so it lines
        // up with the first columns of a downstream classifier's "predictions".
        preview_.take(x, y, ctx.phase);
    }

    void observe(Observables& obs) const override {
        preview_.publish(obs);
        obs.scalars["epoch"] = epochsDone();
        obs.scalars["train_samples"] = sampler_.size();
        obs.scalars["test_samples"] = double(testIdx_.size());
    }

    /// train.py reads the same IDX files from the same folder, scaled the same way.
    TorchData torchData() const override {
        // rows_as_steps: the same 784 values per image are the sequence of its rows, time-major
        const auto [a, b] = pixelScale(norm_);
        TorchData d;
        d.batchSize = batch_;
        d.pyLoader = "def load_data(here):\n"
                     "    import gzip\n"
                     "    def idx(name):\n"
                     "        with gzip.open(os.path.join(" + torch::pyString(dir_) + ", name), 'rb') as f:\n"
                     "            raw = f.read()\n"
                     "        dims = raw[3]\n"
                     "        shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]\n"
                     "        return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)\n"
                     "    def images(name, n):\n"
                     "        x = idx(name).reshape(-1, 784)[:n].astype(np.float32)\n"
                     "        return np.float32(" + torch::pyFloat(a) + ") * x + np.float32(" + torch::pyFloat(b) + ")\n"
                     "    def labels(name, n):\n"
                     "        return idx(name)[:n].astype(np.int64)\n"
                     "    ntr, nte = " + std::to_string(sampler_.size()) + ", " + std::to_string(testIdx_.size()) + "\n"
                     "    return (images('train-images-idx3-ubyte.gz', ntr), labels('train-labels-idx1-ubyte.gz', ntr),\n"
                     "            images('t10k-images-idx3-ubyte.gz', nte), labels('t10k-labels-idx1-ubyte.gz', nte))\n";
        return d;
    }

private:
    double epochsDone() const { return sampler_.epoch() + double(sampler_.position()) / std::max(1, sampler_.size()); }

    std::shared_ptr<const FashionMnist> data_;
    std::int64_t epochs_ = 0;  // the run's end, 0 = none
    EpochSampler sampler_;
    std::vector<int> testIdx_;
    int batch_ = 128;
    Normalisation norm_ = Normalisation::MinusOneOne;
    BatchPreview preview_;
    std::string dir_;
    bool rowsAsSteps_ = false;
};

}  // namespace

NodeSpec makeFashionMnistSpec() {
    NodeSpec s;
    s.type = "FashionMNIST";
    s.title = "Fashion-MNIST";
    s.category = "Data";
    s.observables = {"images", "labels", "through_time"};
    s.observableWhen = {{"through_time", "rows_as_steps"}};
    s.thumbnail = Thumbnail::Images;
    s.help =
        "28x28 greyscale clothing images in 10 classes (60,000 training, 10,000 test) from Debian's "
        "dataset-fashion-mnist. Training steps emit a shuffled minibatch; test evaluations emit a fixed "
        "test subset. x is 784 pixels x batch (with rows_as_steps: a sequence of 28 rows of 28 pixels), y the "
        "class index (0..9) of each sample.";
    s.reference = "Xiao, Rasul & Vollgraf, Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine "
                  "Learning Algorithms, arXiv:1708.07747 (2017)";
    s.role = NodeRole::Source;
    s.outputs = {{"x", PortType::Tensor, "784 pixels x batch, normalised (or 28 steps of 28 pixels)"},
                 {"y", PortType::Tensor, "1 x batch class labels (0..9 as floats)"}};
    s.params = {
        intParam("batch_size", 128, 1, 60000, "Training minibatch size.", true),
        intParam("epochs", 0, 0, 10000, "Passes over the training set: the run finishes there (0 = no end).", true),
        boolParam("shuffle", true, "Reshuffle the training set every epoch."),
        intParam("seed", 0, 0, 1000000000, "Seed of the shuffling order."),
        enumParam("normalisation", "-1..1", {"-1..1", "0..1", "standardise"},
                  "Pixel scaling: [-1, 1], [0, 1], or zero mean / unit variance (training-set statistics)."),
        intParam("train_subset", 0, 0, 60000, "Use only the first N training images (0 = all 60,000)."),
        intParam("test_subset", 2000, 0, 10000, "Test evaluations use the first N test images (0 = all 10,000)."),
        boolParam("rows_as_steps", false,
                  "Emit each image as a sequence of its 28 rows (28 steps of 28 pixels; sequential Fashion-MNIST "
                  "for recurrent layers) instead of 784 pixels."),
        g2g::fashionDataDirParam(),
    };
    s.create = [] { return std::make_unique<FashionMnistKernel>(); };
    return s;
}

}  // namespace ganglion
