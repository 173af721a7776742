// Live traces of an NCAP circuit: the head oscillator, then per joint the dorsal (blue) and
// ventral (orange) B-neurons (left panel) and muscles (right panel), activations in [0, 1].
#pragma once

#include "core/worm/worm_observables.h"

#include <QWidget>

#include <memory>

namespace ganglion {

class CircuitTraceWidget : public QWidget {
    Q_OBJECT
public:
    explicit CircuitTraceWidget(QWidget* parent = nullptr);

    void setTrace(std::shared_ptr<const worm::CircuitTrace> trace, const QString& title = {});
    void clear() { setTrace(nullptr); }
    bool hasTrace() const { return bool(trace_); }

    QSize sizeHint() const override { return {480, 260}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void paintPanel(QPainter& p, const QRectF& r, bool muscles) const;

    std::shared_ptr<const worm::CircuitTrace> trace_;
    QString title_;
};

}  // namespace ganglion
