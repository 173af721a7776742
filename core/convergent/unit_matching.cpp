#include "core/convergent/unit_matching.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ganglion {

namespace {
/// Row norm of the centred activity below which a unit counts as constant.
bool isConstant(double centredNorm, Eigen::Index samples) { return !(centredNorm > 1e-9 * std::sqrt(double(samples))); }
}  // namespace

std::vector<bool> constantUnits(const Matrix& activity) {
    std::vector<bool> out(std::size_t(activity.rows()));
    for (Eigen::Index i = 0; i < activity.rows(); ++i) {
        const Eigen::RowVectorXd r = activity.row(i).cast<double>();
        out[std::size_t(i)] = isConstant((r.array() - r.mean()).matrix().norm(), activity.cols());
    }
    return out;
}

Matrix unitCorrelation(const Matrix& a, const Matrix& b) {
    if (a.cols() != b.cols())
        throw std::invalid_argument("unit correlation: the two layers saw different numbers of samples (" +
                                    std::to_string(a.cols()) + " and " + std::to_string(b.cols()) + ")");
    if (a.cols() < 2) throw std::invalid_argument("unit correlation needs at least 2 samples");
    // Centre each unit and scale it to unit norm; the product is then the correlation.
    auto standardise = [](const Matrix& m) {
        Eigen::MatrixXd z = m.cast<double>();
        z.colwise() -= z.rowwise().mean();
        for (Eigen::Index i = 0; i < z.rows(); ++i) {
            const double n = z.row(i).norm();
            if (isConstant(n, z.cols())) z.row(i).setZero();  // no correlation with anything
            else z.row(i) /= n;
        }
        return z;
    };
    const Eigen::MatrixXd za = standardise(a), zb = standardise(b);
    return (za * zb.transpose()).cwiseMax(-1.0).cwiseMin(1.0).cast<float>();
}

namespace {
// Minimum-cost assignment of every row of `cost` (rows <= cols) to a distinct column: the Hungarian
// method with row and column potentials u, v, adding one row at a time along a shortest augmenting
// path (Dijkstra-like over the reduced costs cost(i, j) − u(i) − v(j) >= 0). Index 0 is a virtual
// column that holds the row being added. Returns the column of every row.
std::vector<int> minAssignmentRowsLeCols(const Eigen::MatrixXd& cost) {
    const int n = int(cost.rows()), m = int(cost.cols());
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(std::size_t(n) + 1, 0.0), v(std::size_t(m) + 1, 0.0);
    std::vector<int> rowOf(std::size_t(m) + 1, 0), prev(std::size_t(m) + 1, 0);  // rows are 1-based here
    for (int i = 1; i <= n; ++i) {
        rowOf[0] = i;
        int j0 = 0;
        std::vector<double> minReduced(std::size_t(m) + 1, inf);
        std::vector<char> done(std::size_t(m) + 1, 0);
        do {
            done[std::size_t(j0)] = 1;
            const int i0 = rowOf[std::size_t(j0)];
            double delta = inf;
            int j1 = 0;
            for (int j = 1; j <= m; ++j) {
                if (done[std::size_t(j)]) continue;
                const double reduced = cost(i0 - 1, j - 1) - u[std::size_t(i0)] - v[std::size_t(j)];
                if (reduced < minReduced[std::size_t(j)]) {
                    minReduced[std::size_t(j)] = reduced;
                    prev[std::size_t(j)] = j0;
                }
                if (minReduced[std::size_t(j)] < delta) {
                    delta = minReduced[std::size_t(j)];
                    j1 = j;
                }
            }
            for (int j = 0; j <= m; ++j) {
                if (done[std::size_t(j)]) {
                    u[std::size_t(rowOf[std::size_t(j)])] += delta;
                    v[std::size_t(j)] -= delta;
                } else {
                    minReduced[std::size_t(j)] -= delta;
                }
            }
            j0 = j1;
        } while (rowOf[std::size_t(j0)] != 0);
        do {  // flip the augmenting path
            const int j1 = prev[std::size_t(j0)];
            rowOf[std::size_t(j0)] = rowOf[std::size_t(j1)];
            j0 = j1;
        } while (j0 != 0);
    }
    std::vector<int> colOf(std::size_t(n), -1);
    for (int j = 1; j <= m; ++j)
        if (rowOf[std::size_t(j)] > 0) colOf[std::size_t(rowOf[std::size_t(j)] - 1)] = j - 1;
    return colOf;
}
}  // namespace

std::vector<int> maxAssignment(const Eigen::MatrixXd& score) {
    if (!score.allFinite()) throw std::invalid_argument("assignment: the score matrix has non-finite entries");
    if (score.size() == 0) return std::vector<int>(std::size_t(score.rows()), -1);
    if (score.rows() <= score.cols()) return minAssignmentRowsLeCols(-score);
    // More rows than columns: assign the columns to rows, then invert.
    const std::vector<int> rowOfCol = minAssignmentRowsLeCols(-score.transpose());
    std::vector<int> colOf(std::size_t(score.rows()), -1);
    for (std::size_t j = 0; j < rowOfCol.size(); ++j) colOf[std::size_t(rowOfCol[j])] = int(j);
    return colOf;
}

std::vector<int> bestPartners(const Matrix& score) {
    std::vector<int> best(std::size_t(score.rows()), -1);
    if (score.cols() == 0) return best;
    for (Eigen::Index i = 0; i < score.rows(); ++i) {
        Eigen::Index j = 0;
        score.row(i).maxCoeff(&j);
        best[std::size_t(i)] = int(j);
    }
    return best;
}

UnitMatching matchUnits(const Matrix& a, const Matrix& b, double threshold) {
    UnitMatching r;
    r.correlation = unitCorrelation(a, b);
    const Matrix& c = r.correlation;
    const auto nA = std::size_t(c.rows());
    r.oneToOne = maxAssignment(c.cast<double>());
    r.manyToOne = bestPartners(c);
    const std::vector<bool> deadA = constantUnits(a), deadB = constantUnits(b);
    r.deadA = int(std::count(deadA.begin(), deadA.end(), true));
    r.deadB = int(std::count(deadB.begin(), deadB.end(), true));
    r.oneToOneCorr.assign(nA, 0.0);
    r.manyToOneCorr.assign(nA, 0.0);
    for (std::size_t i = 0; i < nA; ++i) {
        if (r.oneToOne[i] >= 0) r.oneToOneCorr[i] = c(Eigen::Index(i), r.oneToOne[i]);
        if (r.manyToOne[i] >= 0) r.manyToOneCorr[i] = c(Eigen::Index(i), r.manyToOne[i]);
        if (!deadA[i] && r.manyToOneCorr[i] < threshold) ++r.withoutPartner;
    }
    r.order.resize(nA);
    std::iota(r.order.begin(), r.order.end(), 0);
    std::stable_sort(r.order.begin(), r.order.end(),
                     [&](int x, int y) { return r.oneToOneCorr[std::size_t(x)] > r.oneToOneCorr[std::size_t(y)]; });
    std::vector<int> columns;
    std::vector<char> used(std::size_t(c.cols()), 0);
    for (int i : r.order)
        if (const int j = r.oneToOne[std::size_t(i)]; j >= 0) {
            columns.push_back(j);
            used[std::size_t(j)] = 1;
        }
    for (int j = 0; j < int(c.cols()); ++j)
        if (!used[std::size_t(j)]) columns.push_back(j);
    r.sorted.resize(c.rows(), c.cols());
    for (std::size_t k = 0; k < nA; ++k)
        for (std::size_t l = 0; l < columns.size(); ++l)
            r.sorted(Eigen::Index(k), Eigen::Index(l)) = c(r.order[k], columns[l]);
    return r;
}

}  // namespace ganglion
