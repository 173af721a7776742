#include "widgets/kan/kan_importance_panel.h"

#include "widgets/kan/kan_importance_map.h"

#include <QComboBox>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace ganglion {

KanImportancePanel::KanImportancePanel(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(2);
    outputs_ = new QComboBox(this);
    outputs_->setToolTip(tr("Sum the attributions over all outputs of the layer, or show one output node's"));
    map_ = new KanImportanceMap(this);
    lay->addWidget(outputs_);
    lay->addWidget(map_, 1);
    connect(outputs_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
}

int KanImportancePanel::output() const { return outputs_->currentIndex() - 1; }

void KanImportancePanel::setOutput(int o) { outputs_->setCurrentIndex(o + 1); }

void KanImportancePanel::setLayer(std::shared_ptr<const KanLayerSamples> layer, const QString& name) {
    const int outs = layer ? layer->out : 0;
    if (outputs_->count() != outs + 1) {  // other width: new choices, keep the selection when it fits
        const int keep = output();
        QSignalBlocker b(outputs_);
        outputs_->clear();
        outputs_->addItem(tr("all %1 outputs").arg(outs));
        for (int o = 0; o < outs; ++o) outputs_->addItem(tr("output %1").arg(o + 1));
        outputs_->setCurrentIndex(keep >= 0 && keep < outs ? keep + 1 : 0);
    }
    layer_ = std::move(layer);
    name_ = name;
    refresh();
}

void KanImportancePanel::refresh() {
    if (!layer_ || layer_->imageWidth <= 0 || layer_->imageHeight <= 0) {
        map_->clear(tr("The layer's inputs are not an image"));
        return;
    }
    const int o = output();
    auto v = layer_->inputImportance(o);
    if (v.empty()) {
        map_->clear(tr("No importance yet: train first"));
        return;
    }
    const QString which = o < 0 ? tr("all %1 outputs").arg(layer_->out) : tr("output %1").arg(o + 1);
    map_->setImportance(std::move(v), layer_->imageWidth, layer_->imageHeight,
                        tr("%1 pixel importance, %2").arg(name_, which));
}

}  // namespace ganglion
