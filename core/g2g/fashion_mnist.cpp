#include "core/g2g/fashion_mnist.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <numeric>

namespace ganglion::g2g {

const char* fashionClassName(int label) {
    static const char* names[kClasses] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                          "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return label >= 0 && label < kClasses ? names[label] : "?";
}

void validateImageSet(const ImageSet& s, const std::string& ip, const std::string& lp) {
    const auto& im = s.images;
    if (im.dims.size() != 3 || im.dims[1] != kImageSide || im.dims[2] != kImageSide)
        throw IdxError(ip + ": expected N x 28 x 28 images");
    if (s.labels.dims.size() != 1) throw IdxError(lp + ": expected a 1-D label array");
    if (im.dims[0] != s.labels.dims[0])
        throw IdxError(ip + " has " + std::to_string(im.dims[0]) + " images but " + lp + " has " +
                       std::to_string(s.labels.dims[0]) + " labels");
    for (std::size_t i = 0; i < s.labels.data.size(); ++i)
        if (s.labels.data[i] >= kClasses)
            throw IdxError(lp + ": label " + std::to_string(int(s.labels.data[i])) + " at index " +
                           std::to_string(i) + " is not a class 0..9");
}

std::shared_ptr<const FashionMnist> FashionMnist::load(const std::string& dir) {
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const FashionMnist>> cache;
    std::lock_guard lock(mutex);
    if (auto p = cache[dir].lock()) return p;
    auto d = std::make_shared<FashionMnist>();
    auto part = [&](ImageSet& s, const std::string& stem) {
        std::string ip = dir + "/" + stem + "-images-idx3-ubyte.gz";
        std::string lp = dir + "/" + stem + "-labels-idx1-ubyte.gz";
        s.images = readIdxFile(ip, kFashionMnistFix);
        s.labels = readIdxFile(lp, kFashionMnistFix);
        validateImageSet(s, ip, lp);
    };
    part(d->train, "train");
    part(d->test, "t10k");
    cache[dir] = d;
    return d;
}

Normalisation parseNormalisation(const std::string& s) {
    if (s == "0..1") return Normalisation::ZeroOne;
    if (s == "standardise") return Normalisation::Standardise;
    return Normalisation::MinusOneOne;
}

std::pair<float, float> pixelScale(Normalisation norm) {
    // Fashion-MNIST training-set pixel statistics (on the 0..1 scale).
    constexpr float kMean = 0.2860f, kStd = 0.3530f;
    if (norm == Normalisation::MinusOneOne) return {2.f / 255.f, -1.f};
    if (norm == Normalisation::Standardise) return {1.f / (255.f * kStd), -kMean / kStd};
    return {1.f / 255.f, 0.f};
}

void fillBatch(const ImageSet& s, std::span<const int> idx, Normalisation norm, Matrix& x, Matrix& y) {
    const int n = int(idx.size());
    if (x.rows() != kImagePixels || x.cols() != n) x.resize(kImagePixels, n);
    if (y.rows() != 1 || y.cols() != n) y.resize(1, n);
    const auto [a, b] = pixelScale(norm);
    for (int c = 0; c < n; ++c) {
        const std::uint8_t* src = s.images.data.data() + std::size_t(idx[c]) * kImagePixels;
        float* dst = x.col(c).data();
        for (int k = 0; k < kImagePixels; ++k) dst[k] = a * float(src[k]) + b;
        y(0, c) = float(s.labels.data[std::size_t(idx[c])]);
    }
}

void EpochSampler::reset(int n, std::uint64_t seed, bool shuffle) {
    perm_.resize(std::size_t(std::max(0, n)));
    std::iota(perm_.begin(), perm_.end(), 0);
    rng_.seed(seed);
    shuffle_ = shuffle;
    pos_ = 0;
    epoch_ = 0;
    reshuffle();
}

void EpochSampler::reshuffle() {
    if (shuffle_) std::shuffle(perm_.begin(), perm_.end(), rng_);
}

std::span<const int> EpochSampler::next(int batch) {
    batch = std::min(batch, int(perm_.size()));
    if (pos_ + batch > int(perm_.size())) {
        ++epoch_;
        pos_ = 0;
        reshuffle();
    }
    std::span<const int> out(perm_.data() + pos_, std::size_t(batch));
    pos_ += batch;
    return out;
}

}  // namespace ganglion::g2g
