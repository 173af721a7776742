#include "widgets/worm/ncap_diagram_widget.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
// rows (top to bottom); the oscillator sits left of the head column, between the muscle rows
constexpr int kOsc = -1, kDB = 0, kDM = 1, kVM = 2, kVB = 3, kRows = 4;
const char* kRowName[kRows] = {"DB", "DM", "VM", "VB"};

const QColor kExc(40, 130, 60), kInh(200, 50, 40), kProp(120, 120, 140);
}  // namespace

NcapDiagramWidget::NcapDiagramWidget(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Click a neuron to ablate it (click again to restore). Arrows excite, bars inhibit."));
}

void NcapDiagramWidget::setTrace(std::shared_ptr<const worm::CircuitTrace> trace) {
    trace_ = std::move(trace);
    update();
}

double NcapDiagramWidget::radius() const {
    if (!trace_) return 10;
    const double colW = (width() - 60.0) / std::max(1, trace_->joints);
    return std::clamp(std::min(colW * 0.13, (height() - 30.0) / kRows * 0.26), 5.0, 18.0);
}

QPointF NcapDiagramWidget::neuronCenter(const QString& name) const {
    if (!trace_) return {-1, -1};
    int row = -2, joint = 0;
    if (name == QLatin1String("osc")) row = kOsc;
    else
        for (int r = kDB; r < kRows; ++r)
            if (name.startsWith(QLatin1String(kRowName[r]))) {
                bool ok = false;
                joint = name.mid(2).toInt(&ok) - 1;
                if (ok) row = r;
            }
    if (row < -1 || joint < 0 || joint >= trace_->joints) return {-1, -1};
    const double colW = (width() - 60.0) / trace_->joints;
    const double rowH = (height() - 30.0) / kRows;
    const double x = 60.0 + colW * (joint + 0.5);
    if (row == kOsc) return {x - 0.40 * colW, 24.0 + rowH * 2.0};
    // B-neurons left of the column centre, muscles right: crossing (contralateral) and
    // same-side (ipsilateral) connections stay apart
    const bool b = row == kDB || row == kVB;
    return {x + (b ? -0.12 : 0.22) * colW, 24.0 + rowH * (row + 0.5)};
}

QString NcapDiagramWidget::neuronAt(const QPointF& p) const {
    if (!trace_) return {};
    const double r = radius() + 3;
    QStringList names{QStringLiteral("osc")};
    for (int j = 1; j <= trace_->joints; ++j)
        for (int row = kDB; row < kRows; ++row) names << QString::fromLatin1(kRowName[row]) + QString::number(j);
    for (const auto& n : names) {
        const QPointF c = neuronCenter(n);
        if (std::hypot(c.x() - p.x(), c.y() - p.y()) <= r) return n;
    }
    return {};
}

void NcapDiagramWidget::mousePressEvent(QMouseEvent* e) {
    const QString n = neuronAt(e->position());
    if (!n.isEmpty()) emit neuronClicked(n);
}

void NcapDiagramWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), Qt::white);
    if (!trace_ || trace_->joints < 1) {
        p.setPen(QColor(120, 120, 120));
        p.drawText(rect(), Qt::AlignCenter, tr("No NCAP circuit selected."));
        return;
    }
    const auto& t = *trace_;
    const int n = t.joints;
    const double r = radius();
    auto last = [&](const Eigen::MatrixXf& m, int j) { return m.cols() ? double(m(j, m.cols() - 1)) : 0.0; };
    auto ablated = [&](const QString& name) {
        return std::find(t.ablated.begin(), t.ablated.end(), name.toStdString()) != t.ablated.end();
    };
    // row labels
    p.setPen(QColor(70, 70, 80));
    const double rowH = (height() - 30.0) / kRows;
    const QString rowLabel[kRows] = {tr("B dorsal"), tr("M dorsal"), tr("M ventral"), tr("B ventral")};
    for (int row = 0; row < kRows; ++row)
        p.drawText(QRectF(2, 24 + rowH * row, 56, rowH), Qt::AlignVCenter | Qt::AlignLeft, rowLabel[row]);
    p.drawText(QRectF(60, 2, width() - 64, 18), Qt::AlignLeft | Qt::AlignVCenter,
               tr("head → tail   arrows excite, bars inhibit, dashed = proprioception"));

    auto edge = [&](const QPointF& a, const QPointF& b, bool excit, bool dashed, double w) {
        const QPointF d = b - a;
        const double len = std::hypot(d.x(), d.y());
        if (len < 1e-6) return;
        const QPointF u = d / len;
        const QPointF s = a + u * r, e = b - u * (r + 2);
        QColor c = dashed ? kProp : excit ? kExc : kInh;
        c.setAlphaF(float(std::clamp(0.25 + 0.6 * std::min(std::abs(w), 2.0) / 2.0, 0.25, 0.9)));
        p.setPen(QPen(c, 1.2 + std::min(std::abs(w), 3.0), dashed ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap));
        p.drawLine(s, e);
        const QPointF nrm(-u.y(), u.x());
        p.setPen(QPen(c, 1.6));
        if (excit) {
            QPainterPath head;
            head.moveTo(e);
            head.lineTo(e - u * 7 + nrm * 4);
            head.lineTo(e - u * 7 - nrm * 4);
            head.closeSubpath();
            p.fillPath(head, c);
        } else {
            p.drawLine(e + nrm * 5, e - nrm * 5);
        }
    };
    const double wOsc = t.weights.size() == 4 ? t.weights(0) : 1, wProp = t.weights.size() == 4 ? t.weights(1) : 1;
    const double wIpsi = t.weights.size() == 4 ? t.weights(2) : 1, wContra = t.weights.size() == 4 ? t.weights(3) : -1;
    for (int j = 0; j < n; ++j) {
        const QString s = QString::number(j + 1);
        const QPointF db = neuronCenter("DB" + s), vb = neuronCenter("VB" + s);
        const QPointF dm = neuronCenter("DM" + s), vm = neuronCenter("VM" + s);
        edge(db, dm, true, false, wIpsi);
        edge(vb, vm, true, false, wIpsi);
        edge(db, vm, false, false, wContra);
        edge(vb, dm, false, false, wContra);
        if (j == 0) {
            edge(neuronCenter("osc"), db, true, false, wOsc);  // dorsal half of the square wave
            edge(neuronCenter("osc"), vb, true, false, wOsc);  // ventral half
        } else {
            // proprioception: the previous joint's bend (sensed between the muscle rows) drives B
            const QString q = QString::number(j);
            edge((neuronCenter("DM" + q) + neuronCenter("VM" + q)) / 2, db, true, true, wProp);
            edge((neuronCenter("DM" + q) + neuronCenter("VM" + q)) / 2, vb, true, true, wProp);
        }
    }
    auto neuron = [&](const QString& name, double act, const QColor& tint) {
        const QPointF c = neuronCenter(name);
        const double a = std::clamp(act, 0.0, 1.0);
        const QColor fill = QColor::fromRgbF(float(1 - a * (1 - tint.redF())), float(1 - a * (1 - tint.greenF())),
                                             float(1 - a * (1 - tint.blueF())));
        p.setPen(QPen(QColor(40, 40, 50), 1.3));
        p.setBrush(fill);
        p.drawEllipse(c, r, r);
        if (ablated(name)) {
            p.setPen(QPen(QColor(210, 30, 30), 2.2));
            p.drawLine(c + QPointF(-r, -r), c + QPointF(r, r));
            p.drawLine(c + QPointF(-r, r), c + QPointF(r, -r));
        }
        if (r >= 9) {
            p.setPen(a > 0.6 ? Qt::white : QColor(30, 30, 40));
            QFont f = p.font();
            f.setPointSizeF(std::max(6.0, r * 0.55));
            p.setFont(f);
            p.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), Qt::AlignCenter, name);
        }
    };
    const QColor dorsal(33, 102, 210), ventral(235, 120, 20);
    const double osc = t.oscDorsal.size() ? std::max(t.oscDorsal(t.oscDorsal.size() - 1), t.oscVentral(t.oscVentral.size() - 1)) : 0.0;
    neuron("osc", osc, QColor(90, 60, 140));
    for (int j = 0; j < n; ++j) {
        const QString s = QString::number(j + 1);
        neuron("DB" + s, last(t.bDorsal, j), dorsal);
        neuron("DM" + s, last(t.muscleDorsal, j), dorsal);
        neuron("VM" + s, last(t.muscleVentral, j), ventral);
        neuron("VB" + s, last(t.bVentral, j), ventral);
    }
}

}  // namespace ganglion
