// Histogram of a layer's activation values (one bar per bin), with the exact-zero count shown
// as its own highlighted bar so ReLU sparsity is visible at a glance.
#pragma once

#include <QString>
#include <QWidget>

#include <vector>

namespace ganglion {

class ActivationHistogram : public QWidget {
    Q_OBJECT
public:
    explicit ActivationHistogram(QWidget* parent = nullptr);

    /// Recomputes the histogram of `values` over [min, max] in `bins` bins (exact zeros apart).
    void setValues(const float* values, std::size_t n, int bins = 40);
    void setTitle(const QString& t);
    void clear();

    const std::vector<int>& counts() const { return counts_; }
    int zeroCount() const { return zeros_; }
    std::size_t total() const { return total_; }
    double lo() const { return lo_; }
    double hi() const { return hi_; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::vector<int> counts_;
    int zeros_ = 0;
    std::size_t total_ = 0;
    double lo_ = 0, hi_ = 1;
    QString title_;
};

}  // namespace ganglion
