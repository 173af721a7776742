// What every node that emits Fashion-MNIST batches shares: its data_dir parameter, loading the
// data set at build time, and the preview of the last batch it published.
#pragma once

#include "core/g2g/fashion_mnist.h"
#include "core/model/kernel.h"
#include "core/model/params.h"

namespace ganglion::g2g {

/// The "data_dir" parameter: the directory of the four idx files.
ParamSpec fashionDataDirParam();

/// FashionMnist::load(params "data_dir"); a missing or corrupt file becomes a BuildError naming
/// the file and the fix.
std::shared_ptr<const FashionMnist> loadFashionForBuild(const ParamSet& params);

/// The first images of the batch that went through last (so they line up with the first columns
/// of a downstream classifier's "predictions"), published as "images", "labels" and
/// "preview_is_test".
class BatchPreview {
public:
    void take(const Matrix& x, const Matrix& y, Phase phase);
    void publish(Observables& obs) const;

private:
    static constexpr int kImages = 16;
    Matrix x_, y_;
    bool test_ = false;
};

}  // namespace ganglion::g2g
