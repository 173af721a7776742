// Sparse linear map y = W x + b whose cost follows the live connections.
// Connections live in fixed "slots" (slot k: row slotRow[k], column slotCol[k], weight w(k)), so
// rewiring changes a slot's endpoints without moving parameters (optimiser state stays aligned).
// CSR (by output) and CSC (by input) index arrays over the slots drive the kernels, which run on
// batch-contiguous transposed activations: for each live (i, j), out_i[0..B) += w * in_j[0..B)
// is a straight AVX2 FMA stream over the batch.
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <vector>

namespace ganglion::g2g {

struct SparseStructure {
    int rows = 0;  ///< outputs
    int cols = 0;  ///< inputs
    std::vector<std::int32_t> slotRow, slotCol;  ///< per slot
    // Derived (rebuild() after changing slots). Both orders are tiled so that a kernel pass
    // touches only kTile input (resp. output) neurons' activations at a time, which then stay
    // in L1: CSR entries are ordered by (column tile, row, column), rowPtr[t * rows + i] starts
    // row i within column tile t; CSC likewise by (row tile, column, row).
    static constexpr int kTile = 64;
    int colTiles = 0, rowTiles = 0;
    std::vector<std::int32_t> rowPtr, csrCol, csrSlot;  ///< tiled CSR over outputs
    std::vector<std::int32_t> colPtr, cscRow, cscSlot;  ///< tiled CSC over inputs
    /// True when slot k is CSR entry k (slots created in CSR order and not rewired since):
    /// the kernels then read weights and write gradients in place, without gather/scatter.
    bool csrIdentity = false;
    /// Live fan-in of output i (all tiles).
    int fanIn(int i) const;

    int nnz() const { return int(slotRow.size()); }
    double density() const { return rows && cols ? double(nnz()) / (double(rows) * cols) : 0.0; }
    void rebuild();  ///< counting-sort the slots into CSR and CSC order (columns sorted per row)
    /// 0/1 dense mask (rows x cols).
    Matrix denseMask() const;
    /// Throws std::runtime_error when a slot is out of range or a connection appears twice.
    void check() const;
};

/// Per-thread scratch for the kernels (reused between calls: no steady-state allocation).
struct SparseScratch {
    Matrix xT;  ///< Bpad x cols: the input, batch-contiguous (kept from forward for backward)
    Matrix yT;  ///< Bpad x rows
    Matrix gT;  ///< Bpad x rows: output gradient, batch-contiguous
    Matrix dxT; ///< Bpad x cols
    std::vector<float> gPacked;
    int batch = 0;
};

class SparseLinear {
public:
    SparseStructure s;
    Matrix w;  ///< nnz x 1, per slot
    Matrix b;  ///< rows x 1

    /// Gathers slot weights into CSR/CSC order; call after the weights or structure changed
    /// (cheap: O(nnz)) and before forward/backward.
    void pack();
    /// Y (rows x B) = W X + b for X (cols x B). Keeps X (transposed) in `sc` for backward.
    void forward(const Matrix& X, Matrix& Y, SparseScratch& sc) const;
    /// Given dY (rows x B) of the last forward with `sc`: gW(slot) += dL/dw, gB += sum dY,
    /// and dX = W^T dY when dX != nullptr.
    void backward(const Matrix& dY, Matrix* dX, Matrix& gW, Matrix& gB, SparseScratch& sc) const;
    /// Dense gradient dY X^T of the last forward (rows x cols): for gradient-based regrowth.
    void denseGradient(const Matrix& dY, const SparseScratch& sc, Matrix& out) const;
    /// Dense equivalent of W (rows x cols), zeros where no connection lives.
    Matrix denseWeights() const;

private:
    std::vector<float> wCsr_, wCsc_;
    const float* wCsrPtr_ = nullptr;  // wCsr_ or w itself when the structure is in CSR order
};

}  // namespace ganglion::g2g
