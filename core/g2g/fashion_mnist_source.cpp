#include "core/g2g/fashion_mnist_source.h"

#include <algorithm>

namespace ganglion::g2g {

ParamSpec fashionDataDirParam() {
    return stringParam("data_dir", kFashionMnistDir, "Directory holding the four *-ubyte.gz idx files.");
}

std::shared_ptr<const FashionMnist> loadFashionForBuild(const ParamSet& params) {
    try {
        return FashionMnist::load(params.getString("data_dir"));
    } catch (const IdxError& e) {
        throw BuildError("", e.what());
    }
}

void BatchPreview::take(const Matrix& x, const Matrix& y, Phase phase) {
    const int n = std::min<int>(kImages, int(x.cols()));
    x_ = x.leftCols(n);
    y_ = y.leftCols(n);
    test_ = phase != Phase::Train;
}

void BatchPreview::publish(Observables& obs) const {
    obs.arrays["images"] = x_;
    obs.arrays["labels"] = y_;
    obs.scalars["preview_is_test"] = test_ ? 1.0 : 0.0;
}

}  // namespace ganglion::g2g
