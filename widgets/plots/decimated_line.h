// A line of at most a fixed number of points however long it grows, for live curves that run for
// hours: points are averaged in buckets of `stride` consecutive inputs, and when the line would
// exceed its cap, neighbouring buckets merge and the stride doubles. Every drawn point stands for
// the same number of inputs (the newest, still-filling bucket is shown as its running mean), so
// the curve keeps its shape while redrawing it stays cheap.
#pragma once

#include <QList>
#include <QPointF>

namespace ganglion {

class DecimatedLine {
public:
    explicit DecimatedLine(qsizetype cap = 1024) : cap_(cap < 4 ? 4 : cap) {}

    void add(QPointF p) {
        sum_ += p;
        if (++count_ < stride_) return;
        full_.append(sum_ / count_);
        sum_ = {};
        count_ = 0;
        if (full_.size() > cap_) merge();
    }
    /// The points to draw: the full buckets, then the running mean of the one still filling.
    QList<QPointF> points() const {
        QList<QPointF> out = full_;
        if (count_) out.append(sum_ / count_);
        return out;
    }
    /// Inputs per drawn point.
    int stride() const { return stride_; }
    void clear() { *this = DecimatedLine(cap_); }

private:
    void merge() {  // pairs of buckets into one; an odd last bucket goes back into the filling one
        QList<QPointF> merged;
        merged.reserve(full_.size() / 2 + 1);
        for (qsizetype i = 0; i + 1 < full_.size(); i += 2) merged.append((full_[i] + full_[i + 1]) / 2);
        if (full_.size() % 2) {
            sum_ += full_.back() * stride_;
            count_ += stride_;
        }
        full_ = std::move(merged);
        stride_ *= 2;
    }

    qsizetype cap_;
    QList<QPointF> full_;
    QPointF sum_;
    int count_ = 0;
    int stride_ = 1;
};

}  // namespace ganglion
