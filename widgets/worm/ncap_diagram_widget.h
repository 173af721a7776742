// The NCAP circuit drawn neuron by neuron: one column per joint (head on the left), rows for the
// head oscillator, dorsal B-neurons, dorsal and ventral muscles, ventral B-neurons. Arrows are
// excitatory (ipsilateral, proprioceptive, oscillator), bars inhibitory (contralateral). Neurons
// are filled by their current activation; ablated ones are crossed out. Clicking a neuron emits
// its name (osc, DB<j>, VB<j>, DM<j>, VM<j>) so a view can toggle its ablation.
#pragma once

#include "core/worm/worm_observables.h"

#include <QString>
#include <QWidget>

#include <memory>

namespace ganglion {

class NcapDiagramWidget : public QWidget {
    Q_OBJECT
public:
    explicit NcapDiagramWidget(QWidget* parent = nullptr);

    void setTrace(std::shared_ptr<const worm::CircuitTrace> trace);
    bool hasTrace() const { return bool(trace_); }
    const std::shared_ptr<const worm::CircuitTrace>& trace() const { return trace_; }
    /// Centre of a neuron in widget coordinates; (-1, -1) when the name is not in the circuit.
    QPointF neuronCenter(const QString& name) const;
    /// Name of the neuron under a widget point, empty when none.
    QString neuronAt(const QPointF& p) const;

    QSize sizeHint() const override { return {480, 260}; }
    QSize minimumSizeHint() const override { return {200, 140}; }

signals:
    void neuronClicked(const QString& name);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    double radius() const;

    std::shared_ptr<const worm::CircuitTrace> trace_;
};

}  // namespace ganglion
