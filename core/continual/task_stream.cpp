#include "core/continual/task_stream.h"

#include "core/g2g/fashion_mnist_source.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace ganglion {

std::vector<int> taskPermutation(std::uint64_t seed, int task, int pixels, bool firstIdentity) {
    std::vector<int> perm(std::size_t(std::max(pixels, 0)));
    std::iota(perm.begin(), perm.end(), 0);
    if (task == 0 && firstIdentity) return perm;
    std::seed_seq seq{std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t(task), 0x7a5cu};
    std::mt19937_64 rng(seq);
    std::shuffle(perm.begin(), perm.end(), rng);
    return perm;
}

namespace {

using namespace g2g;

class TaskStreamKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        data_ = loadFashionForBuild(p);
        tasks_ = int(p.getInt("tasks"));
        stepsPerTask_ = p.getInt("steps_per_task");
        batch_ = int(p.getInt("batch_size"));
        norm_ = parseNormalisation(p.getString("normalisation"));
        seed_ = std::uint64_t(p.getInt("seed"));
        perms_.clear();
        for (int t = 0; t < tasks_; ++t)
            perms_.push_back(taskPermutation(seed_, t, kImagePixels, p.getBool("first_unpermuted")));
        sampler_.reset(data_->train.size(), seed_, true);
        const int n = std::min<int>(int(p.getInt("test_per_task")), data_->test.size());
        std::vector<int> idx(static_cast<std::size_t>(n));
        std::iota(idx.begin(), idx.end(), 0);
        Matrix x, y;
        fillBatch(data_->test, idx, norm_, x, y);
        testX_.resize(kImagePixels, Eigen::Index(n) * tasks_);
        testY_.resize(1, testX_.cols());
        testT_.resize(1, testX_.cols());
        for (int t = 0; t < tasks_; ++t) {
            Matrix view;
            permute(x, t, view);
            testX_.middleCols(Eigen::Index(t) * n, n) = view;
            testY_.middleCols(Eigen::Index(t) * n, n) = y;
            testT_.middleCols(Eigen::Index(t) * n, n).setConstant(float(t));
        }
        batches_ = 0;
        Shape img = Shape::tensor(kImagePixels);
        img.width = img.height = kImageSide;
        return {img, Shape::labels(kClasses), Shape::labels(tasks_)};
    }

    void setParams(const ParamSet& p) override {
        if (p.has("batch_size")) batch_ = std::min<int>(int(p.getInt("batch_size")), sampler_.size());
    }

    int task() const override {
        const std::int64_t b = std::max<std::int64_t>(batches_ - 1, 0);
        return int(std::min<std::int64_t>(b / stepsPerTask_, tasks_ - 1));
    }

    double progress() const override { return double(batches_) / double(std::int64_t(tasks_) * stepsPerTask_); }

    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        Matrix& x = out[0].tensor;
        if (ctx.phase == Phase::Train) {
            ++batches_;
            fillBatch(data_->train, sampler_.next(batch_), norm_, raw_, out[1].tensor);
            permute(raw_, task(), x);
            out[2].tensor.setConstant(1, x.cols(), float(task()));
        } else {
            x = testX_;
            out[1].tensor = testY_;
            out[2].tensor = testT_;
        }
        preview_.take(x, out[1].tensor, ctx.phase);
    }

    void observe(Observables& obs) const override {
        preview_.publish(obs);
        obs.scalars["task"] = task() + 1;
        obs.scalars["tasks"] = tasks_;
    }

    KernelState saveState() const override { return {{"batches", seedState(std::uint64_t(batches_))}}; }

    void loadState(const KernelState& s) override {
        auto it = s.find("batches");
        if (it == s.end()) throw std::runtime_error("TaskStream state: missing 'batches'");
        const auto batches = std::int64_t(seedFromState(it->second, "batches"));
        // replay the sampler to where the saved stream was (index arithmetic, no images)
        sampler_.reset(data_->train.size(), seed_, true);
        for (std::int64_t b = 0; b < batches; ++b) sampler_.next(batch_);
        batches_ = batches;
    }

private:
    void permute(const Matrix& src, int t, Matrix& dst) const {
        const auto& perm = perms_[std::size_t(t)];
        dst.resize(src.rows(), src.cols());
        for (Eigen::Index c = 0; c < src.cols(); ++c)
            for (int k = 0; k < kImagePixels; ++k) dst(k, c) = src(perm[std::size_t(k)], c);
    }

    std::shared_ptr<const FashionMnist> data_;
    std::vector<std::vector<int>> perms_;
    EpochSampler sampler_;
    Matrix raw_, testX_, testY_, testT_;
    BatchPreview preview_;
    Normalisation norm_ = Normalisation::ZeroOne;
    std::uint64_t seed_ = 0;
    std::int64_t stepsPerTask_ = 300, batches_ = 0;
    int tasks_ = 5, batch_ = 64;
};

}  // namespace

NodeSpec makeTaskStreamSpec() {
    NodeSpec s;
    s.type = "TaskStream";
    s.title = "Task stream";
    s.category = "Data";
    s.observables = {"images", "labels", "task"};
    s.thumbnail = Thumbnail::Images;
    s.role = NodeRole::Source;
    s.help = "Continual learning: permuted Fashion-MNIST. Each task is the 10-class problem under its own fixed "
             "pixel permutation (task 1 may be the unpermuted images), so one classifier head serves every task "
             "(the domain-incremental setting of the HLOP paper's permuted-MNIST runs). Training batches come from "
             "one task at a time, the next task after steps_per_task batches; the run ends after the last task. "
             "Test evaluations emit the first test_per_task test images under every task's permutation, and "
             "'task' says which task each column belongs to: wire it with the labels and the model's scores into "
             "TaskAccuracy for the accuracy on every task after each task.";
    s.reference = "Permuted MNIST: Goodfellow et al., arXiv:1312.6211 (2013); HLOP: Xiao et al., ICLR 2024, "
                  "arXiv:2402.11984; Fashion-MNIST: Xiao, Rasul & Vollgraf, arXiv:1708.07747 (2017)";
    s.outputs = {{"x", PortType::Tensor, "784 permuted pixels x batch"},
                 {"y", PortType::Tensor, "1 x batch class labels (0..9)"},
                 {"task", PortType::Tensor, "1 x batch task index (0-based) of each sample"}};
    s.params = {
        intParam("tasks", 5, 2, 20, "Number of tasks (pixel permutations) in the stream."),
        intParam("steps_per_task", 300, 1, 10000000, "Training batches of each task before the next one starts."),
        intParam("batch_size", 64, 1, 60000, "Training minibatch size.", true),
        intParam("test_per_task", 500, 10, 10000, "Test images evaluated per task (the first N of the test set)."),
        boolParam("first_unpermuted", true, "Task 1 shows the images unpermuted."),
        intParam("seed", 0, 0, 1000000000, "Seed of the permutations and of the shuffling order."),
        enumParam("normalisation", "0..1", {"-1..1", "0..1", "standardise"},
                  "Pixel scaling: [-1, 1], [0, 1], or zero mean / unit variance (training-set statistics)."),
        g2g::fashionDataDirParam(),
    };
    s.create = [] { return std::make_unique<TaskStreamKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{{"test_per_task", std::int64_t(20)}}, {}}; };
    return s;
}

}  // namespace ganglion
