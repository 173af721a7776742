// Convergent learning (Li, Yosinski, Clune, Lipson, Hopcroft, "Convergent learning: do different
// neural networks learn the same representations?"): the units of one layer in two networks trained
// from different seeds, compared by the correlation of their activations on the same inputs, and
// matched one-to-one (the assignment maximising the summed correlation, by the Hungarian method) and
// many-to-one (each unit's best partner, which several units may share).
#pragma once

#include "core/model/types.h"

#include <vector>

namespace ganglion {

/// Pearson correlation of every unit of `a` with every unit of `b` over the samples: a is
/// unitsA x samples, b unitsB x samples (the same samples, in the same order). A unit whose activity
/// does not vary over the samples (a dead ReLU) correlates 0 with everything. Throws
/// std::invalid_argument when the sample counts differ or are below 2.
Matrix unitCorrelation(const Matrix& a, const Matrix& b);

/// Per unit (row): true when its activity does not vary over the samples (a dead ReLU), the test
/// unitCorrelation() uses to give such a unit correlation 0.
std::vector<bool> constantUnits(const Matrix& activity);

/// The one-to-one assignment of rows to columns maximising the summed score (Hungarian method with
/// potentials, O(rows² · cols)): result[i] is row i's column, or −1 for the rows left over when
/// there are more rows than columns. Every column is used at most once. Non-finite scores throw
/// std::invalid_argument.
std::vector<int> maxAssignment(const Eigen::MatrixXd& score);

/// Each row's best column (the first on a tie); several rows may share one.
std::vector<int> bestPartners(const Matrix& score);

/// Units of one layer in two networks, matched (see the file comment).
struct UnitMatching {
    Matrix correlation;               ///< unitsA x unitsB, as unitCorrelation()
    std::vector<int> oneToOne;        ///< per unit of A: its B unit in the assignment, −1 when none is left
    std::vector<double> oneToOneCorr; ///< per unit of A: the correlation with it (0 when none)
    std::vector<int> manyToOne;       ///< per unit of A: the B unit it correlates with most
    std::vector<double> manyToOneCorr;
    /// Units of A by decreasing one-to-one correlation: the order of sorted()'s rows.
    std::vector<int> order;
    /// The correlation matrix with A's units in `order` and B's columns so that row k's partner sits
    /// in column k (B's unassigned units after them): a bright diagonal where the nets agree.
    Matrix sorted;
    /// Units of A that vary over the samples but whose best partner (many-to-one) correlates below
    /// the threshold: no close partner.
    int withoutPartner = 0;
    /// Units whose activity is constant over the samples (dead), in A and in B; they correlate 0
    /// with everything and are not counted in withoutPartner.
    int deadA = 0, deadB = 0;
};

/// Correlates and matches; `threshold` decides "without a partner".
UnitMatching matchUnits(const Matrix& a, const Matrix& b, double threshold);

}  // namespace ganglion
