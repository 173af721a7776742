// The input-importance map of one KAN layer with a choice of output: all outputs (each pixel's
// edge attributions summed) or one output node (the attribution of the pixel's edge into it).
// Takes the layer's published KanLayerSamples; shows nothing useful unless the layer declares
// image inputs (imageWidth · imageHeight == in).
#pragma once

#include "core/kan/kan_samples.h"

#include <QWidget>

#include <memory>

class QComboBox;

namespace ganglion {

class KanImportanceMap;

class KanImportancePanel : public QWidget {
    Q_OBJECT
public:
    explicit KanImportancePanel(QWidget* parent = nullptr);

    void setLayer(std::shared_ptr<const KanLayerSamples> layer, const QString& name);
    /// -1: all outputs; else the output node shown.
    int output() const;
    void setOutput(int o);
    KanImportanceMap* map() const { return map_; }
    QComboBox* outputBox() const { return outputs_; }

private:
    void refresh();
    std::shared_ptr<const KanLayerSamples> layer_;
    QString name_;
    QComboBox* outputs_;
    KanImportanceMap* map_;
};

}  // namespace ganglion
