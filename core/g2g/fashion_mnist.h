// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test 28x28 greyscale
// images of 10 clothing classes, read from Debian's dataset-fashion-mnist idx files.
#pragma once

#include "core/g2g/idx_reader.h"
#include "core/model/types.h"

#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ganglion::g2g {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
inline constexpr const char* kFashionMnistFix = "install it with: apt-get install dataset-fashion-mnist";
inline constexpr int kImageSide = 28;
inline constexpr int kImagePixels = kImageSide * kImageSide;
inline constexpr int kClasses = 10;

const char* fashionClassName(int label);

struct ImageSet {
    IdxArray images;  ///< N x 28 x 28 bytes
    IdxArray labels;  ///< N bytes, 0..9
    int size() const { return int(labels.count()); }
};

struct FashionMnist {
    ImageSet train;
    ImageSet test;
    /// Loads the four idx files from `dir` (cached per directory while anyone holds it).
    /// Throws IdxError naming the file and the fix when something is missing or corrupt.
    static std::shared_ptr<const FashionMnist> load(const std::string& dir = kFashionMnistDir);
};

/// Checks that images and labels agree (counts, 28x28, labels < 10); throws IdxError.
void validateImageSet(const ImageSet& s, const std::string& imagesPath, const std::string& labelsPath);

enum class Normalisation { ZeroOne, MinusOneOne, Standardise };
Normalisation parseNormalisation(const std::string& s);  ///< "0..1", "-1..1", "standardise"

/// The normalisation as value = a · byte + b: returns {a, b} (so a byte of 0 maps to b, 255 to 255a + b).
std::pair<float, float> pixelScale(Normalisation norm);

/// Copies samples `idx` into x (784 x n, normalised) and y (1 x n, class index as float).
void fillBatch(const ImageSet& s, std::span<const int> idx, Normalisation norm, Matrix& x, Matrix& y);

/// Shuffled pass over [0, n): a fresh permutation per epoch from the given generator.
class EpochSampler {
public:
    void reset(int n, std::uint64_t seed, bool shuffle);
    /// The next `batch` indices (wrapping into a new epoch; a batch never straddles two epochs
    /// — the tail shorter than `batch` is dropped, like drop_last).
    std::span<const int> next(int batch);
    int epoch() const { return epoch_; }
    int position() const { return pos_; }
    int size() const { return int(perm_.size()); }

private:
    void reshuffle();
    std::vector<int> perm_;
    std::mt19937_64 rng_;
    bool shuffle_ = true;
    int pos_ = 0;
    int epoch_ = 0;
};

}  // namespace ganglion::g2g
