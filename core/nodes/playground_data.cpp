#include "core/nodes/playground_data.h"

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ganglion {

namespace {
constexpr double kDomain = 6.0;  // Playground draws points in [-6, 6]²
constexpr double kPi = 3.14159265358979323846;
}

PlaygroundSet makePlaygroundSet(const std::string& kind, int n, double noise, Rng& rng) {
    PlaygroundSet s;
    s.x.resize(2, n);
    s.labels.resize(n);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::normal_distribution<double> g(0.0, 1.0);
    for (int i = 0; i < n; ++i) {
        double x = 0, y = 0;
        int label = 0;
        if (kind == "circle") {
            // Inner disc (radius < 2.5) vs ring (3.5..5), as in Playground; noise jitters points.
            const bool inner = i < n / 2;
            std::uniform_real_distribution<double> r(inner ? 0.0 : 0.7 * 5.0, inner ? 0.5 * 5.0 : 5.0);
            std::uniform_real_distribution<double> a(0.0, 2 * kPi);
            const double rad = r(rng), ang = a(rng);
            x = rad * std::sin(ang) + u(rng) * 5.0 * noise;
            y = rad * std::cos(ang) + u(rng) * 5.0 * noise;
            label = inner ? 1 : 0;
        } else if (kind == "xor") {
            std::uniform_real_distribution<double> c(-5.0, 5.0);
            x = c(rng);
            y = c(rng);
            const double pad = 0.3;
            x += x > 0 ? pad : -pad;
            y += y > 0 ? pad : -pad;
            label = (x * y >= 0) ? 1 : 0;
            x += u(rng) * 5.0 * noise;
            y += u(rng) * 5.0 * noise;
        } else if (kind == "gauss") {
            const bool pos = i < n / 2;
            const double var = 0.5 + 3.5 * noise;  // Playground: variance grows with noise
            const double cx = pos ? 2.0 : -2.0;
            x = cx + g(rng) * std::sqrt(var);
            y = cx + g(rng) * std::sqrt(var);
            label = pos ? 1 : 0;
        } else {  // spiral
            const int half = n / 2;
            const bool second = i >= half;
            const int k = second ? i - half : i;
            const int m = second ? n - half : half;
            const double r = double(k) / std::max(m, 1) * 5.0;
            const double t = 1.75 * double(k) / std::max(m, 1) * 2 * kPi + (second ? kPi : 0.0);
            x = r * std::sin(t) + u(rng) * noise;
            y = r * std::cos(t) + u(rng) * noise;
            label = second ? 0 : 1;
        }
        s.x(0, i) = float(std::clamp(x, -kDomain, kDomain) / kDomain);
        s.x(1, i) = float(std::clamp(y, -kDomain, kDomain) / kDomain);
        s.labels(i) = label;
    }
    return s;
}

void playgroundFeatures(const Matrix& xy, bool extra, Matrix& out) {
    const Eigen::Index n = xy.cols();
    out.resize(extra ? 7 : 2, n);
    out.topRows(2) = xy;
    if (!extra) return;
    // Playground's extra features, on the [-6, 6] scale then normalised back to about [-1, 1].
    for (Eigen::Index i = 0; i < n; ++i) {
        const float a = xy(0, i), b = xy(1, i);
        out(2, i) = a * a;
        out(3, i) = b * b;
        out(4, i) = a * b;
        out(5, i) = std::sin(float(kDomain) * a);
        out(6, i) = std::sin(float(kDomain) * b);
    }
}

std::vector<Shape> PlaygroundDataKernel::build(const BuildContext& ctx) {
    seed_ = ctx.rng();
    gridSize_ = ctx.gridSize;
    shuffle_.seed(seed_ ^ 0x5bd1e995u);
    setParams(ctx.params);
    return {Shape::tensor(extra_ ? 7 : 2), Shape::labels(2)};
}

void PlaygroundDataKernel::loadState(const KernelState& state) {
    auto it = state.find("data_seed");
    if (it == state.end()) return;
    seed_ = seedFromState(it->second, "data_seed");
    shuffle_.seed(seed_ ^ 0x5bd1e995u);
    regenerate();
}

void PlaygroundDataKernel::setParams(const ParamSet& p) {
    const std::string kind = p.getString("dataset");
    const int samples = int(p.getInt("samples"));
    const double noise = p.getFloat("noise");
    const double frac = p.getFloat("train_fraction");
    batch_ = int(p.getInt("batch_size"));
    extra_ = p.getBool("extra_features");
    if (kind != kind_ || samples != samples_ || noise != noise_ || frac != trainFraction_ || trainXY_.size() == 0) {
        kind_ = kind;
        samples_ = samples;
        noise_ = noise;
        trainFraction_ = frac;
        regenerate();
    }
}

void PlaygroundDataKernel::regenerate() {
    Rng rng(seed_);  // same parameters → same points
    auto set = makePlaygroundSet(kind_, samples_, noise_, rng);
    std::vector<int> idx(samples_);
    std::iota(idx.begin(), idx.end(), 0);
    std::shuffle(idx.begin(), idx.end(), rng);
    const int nTrain = std::clamp(int(std::lround(samples_ * trainFraction_)), 1, samples_ - 1);
    trainXY_.resize(2, nTrain);
    trainY_.resize(nTrain);
    testXY_.resize(2, samples_ - nTrain);
    testY_.resize(samples_ - nTrain);
    for (int i = 0; i < samples_; ++i) {
        const int j = idx[i];
        if (i < nTrain) {
            trainXY_.col(i) = set.x.col(j);
            trainY_(i) = set.labels(j);
        } else {
            testXY_.col(i - nTrain) = set.x.col(j);
            testY_(i - nTrain) = set.labels(j);
        }
    }
    order_.resize(nTrain);
    std::iota(order_.begin(), order_.end(), 0);
    cursor_ = order_.size();  // reshuffle at the next batch
}

void PlaygroundDataKernel::forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) {
    Matrix& x = out[0].tensor;
    Matrix& y = out[1].tensor;
    if (ctx.phase == Phase::Train) {
        const int b = std::min<int>(batch_, int(order_.size()));
        batchXY_.resize(2, b);
        y.resize(1, b);
        for (int i = 0; i < b; ++i) {
            if (cursor_ >= order_.size()) {  // epoch boundary: reshuffle
                std::shuffle(order_.begin(), order_.end(), shuffle_);
                cursor_ = 0;
            }
            const int j = order_[cursor_++];
            batchXY_.col(i) = trainXY_.col(j);
            y(0, i) = float(trainY_(j));
        }
        playgroundFeatures(batchXY_, extra_, x);
    } else if (ctx.phase == Phase::Test) {
        playgroundFeatures(testXY_, extra_, x);
        y = testY_.cast<float>().transpose();
    } else {  // Grid: the plane, row-major from top-left (y = +1) to bottom-right
        const int g = gridSize_;
        batchXY_.resize(2, g * g);
        for (int r = 0; r < g; ++r)
            for (int c = 0; c < g; ++c) {
                batchXY_(0, r * g + c) = -1.f + 2.f * (c + 0.5f) / g;
                batchXY_(1, r * g + c) = 1.f - 2.f * (r + 0.5f) / g;
            }
        playgroundFeatures(batchXY_, extra_, x);
        y.setZero(1, g * g);
    }
}

void PlaygroundDataKernel::observe(Observables& obs) const {
    auto points = [](const Matrix& xy, const Eigen::VectorXi& labels) {
        Matrix m(3, xy.cols());
        m.topRows(2) = xy;
        m.row(2) = labels.cast<float>().transpose();
        return m;
    };
    obs.arrays["train_points"] = points(trainXY_, trainY_);
    obs.arrays["test_points"] = points(testXY_, testY_);
    obs.arrays["grid_size"] = Matrix::Constant(1, 1, float(gridSize_));
    obs.scalars["train_samples"] = double(trainXY_.cols());
}

TorchData PlaygroundDataKernel::torchData() const {
    TorchData d;
    d.batchSize = batch_;
    d.pyLoader = torch::npzLoader(true);
    Matrix x;
    playgroundFeatures(trainXY_, extra_, x);
    d.arrays["train_x"] = x.transpose();
    playgroundFeatures(testXY_, extra_, x);
    d.arrays["test_x"] = x.transpose();
    d.arrays["train_y"] = trainY_.cast<float>();
    d.arrays["test_y"] = testY_.cast<float>();
    return d;
}

NodeSpec makePlaygroundDataSpec() {
    NodeSpec s;
    s.type = "PlaygroundData";
    s.title = "2D data set";
    s.category = "Data";
    s.observables = {"train_points", "test_points", "grid_size"};
    s.thumbnail = Thumbnail::Points;
    s.role = NodeRole::Source;
    s.help = "TensorFlow Playground's 2D classification sets: two classes on a plane. Emits a "
             "random minibatch per training step and the held-out test points when evaluating. "
             "Coordinates are scaled from Playground's [-6, 6] to [-1, 1].";
    s.reference = "Smilkov & Carter, TensorFlow Playground (2016)";
    s.outputs = {{"x", PortType::Tensor, "inputs: 2 x batch (7 x batch with extra features)"},
                 {"y", PortType::Tensor, "labels: 1 x batch, class index 0 or 1"}};
    s.params = {
        enumParam("dataset", "spiral", {"circle", "xor", "gauss", "spiral"}, "Which point cloud to draw.", true),
        intParam("samples", 500, 20, 20000, "Number of points, train and test together.", true),
        floatParam("noise", 0.0, 0.0, 0.5, "Jitter added to every point (Playground's noise slider / 100).", "", true),
        floatParam("train_fraction", 0.5, 0.1, 0.9, "Share of the points used for training; the rest are test points.", "", true),
        intParam("batch_size", 10, 1, 1000, "Points per training step.", true),
        boolParam("extra_features", false, "Also feed x1², x2², x1·x2, sin x1, sin x2 (changes the input width)."),
    };
    s.create = [] { return std::make_unique<PlaygroundDataKernel>(); };
    return s;
}

}  // namespace ganglion
