// The reservoir step's sparse products E = W_E r_E and I = W_I r_I in one pass, laid out for the
// CPU it runs on.
//
// With AVX-512 the two blocks are stored as tiles: 16 consecutive rows (one vector lane each) by
// 32 consecutive columns. Slot k of a tile holds, for each of its 16 rows, the k-th connection
// that row receives from those 32 columns (zero weight where the row has fewer): a 1-byte column
// offset and the weight, contiguous. The 32 rates of a column block sit in two vector registers
// and one permute fetches all 16 presynaptic rates of a slot, so no gather is needed (gathers
// cost ~21 cycles per 16 values on the Zen 4 this was tuned on; a slot costs ~3). Tiles hold
// about twice the connections they carry (a tile has as many slots as its busiest row), which the
// cheap lookup more than pays for. Without AVX-512 the products run row by row over the
// compressed rows (AVX2 gathers when available).
//
// The rows can be split between the calling thread and one persistent helper (setThreads(2));
// each row is computed by one thread with the same arithmetic, so results do not depend on the
// split. The helper spins briefly between steps and then sleeps.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <memory>
#include <vector>

namespace ganglion::reservoir {

using SparseMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor>;

class SplitHelper;

class EIProduct {
public:
    EIProduct();
    ~EIProduct();
    EIProduct(const EIProduct& o);
    EIProduct& operator=(const EIProduct& o);

    /// wE: N x NE, wI: N x NI (compressed, row-major); the product is rebuilt from them.
    void build(const SparseMatrix& wE, const SparseMatrix& wI);
    /// exc = wE · r[0..NE), inh = wI · r[NE..N); r, exc and inh hold N floats each.
    void multiply(const float* r, float* exc, float* inh);

    /// 1 (default) or 2 threads; 2 is used only when the product is large enough to pay for it.
    void setThreads(int threads);
    /// Threads the next multiply uses.
    int threads() const;
    /// Stored weights including tile padding (AVX-512 layout), or the connections.
    std::size_t storedWeights() const;
    static bool tiled();  ///< true when built for AVX-512 (the tile layout)

private:
    void multiplyRows(const float* r, float* exc, float* inh, int part) const;

    int rows_ = 0, nE_ = 0, nI_ = 0;
    int threads_ = 1;
    int split_ = 0;  ///< first slice (tiles) or row (fallback) of the helper's part
    // tile layout
    int eBlocks_ = 0, iBlocks_ = 0;
    std::vector<std::uint8_t> len_;        ///< slots per tile, slice-major, E blocks then I blocks
    std::vector<std::int64_t> sliceSlot_;  ///< first slot of each slice (and the total)
    Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1> idx_;  ///< 16 column offsets per slot
    Eigen::VectorXf val_;                                 ///< 16 weights per slot
    Eigen::VectorXf table_;                               ///< rates, each block padded to 32
    // fallback layout
    SparseMatrix wE_, wI_;
    std::unique_ptr<SplitHelper> helper_;
};

}  // namespace ganglion::reservoir
