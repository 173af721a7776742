// Detailed plot of one KAN edge: its function, the grid knots, the control points and the
// histogram of the inputs that reached it. Plain data in, nothing else known.
#pragma once

#include "core/kan/kan_samples.h"

#include <QString>
#include <QWidget>

#include <vector>

namespace ganglion {

struct KanEdgeDetail {
    KanEdgeSamples edge;
    std::vector<float> knots;
    std::vector<int> histogram;  ///< counts over [lo, hi]
    float lo = -1, hi = 1;
    QString title;
};

class KanEdgePlot : public QWidget {
    Q_OBJECT
public:
    explicit KanEdgePlot(QWidget* parent = nullptr);
    void setDetail(const KanEdgeDetail& d);
    void clear();
    bool hasDetail() const { return has_; }
    QSize sizeHint() const override { return {360, 220}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    KanEdgeDetail d_;
    bool has_ = false;
};

}  // namespace ganglion
