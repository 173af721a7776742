// TensorFlow-Playground-style decision boundary: the predicted probability of class 1 over the
// input plane as an orange-to-blue field, with training and test points drawn on top.
#pragma once

#include "core/model/types.h"

#include <QImage>
#include <QWidget>

namespace ganglion {

class DecisionField : public QWidget {
    Q_OBJECT
public:
    explicit DecisionField(QWidget* parent = nullptr);

    /// probs: probability of the positive class, row-major g x g, top row = y = +1.
    void setField(const Eigen::VectorXf& probs, int gridSize);
    /// points: 3 x n (x, y in [-1, 1], label 0/1).
    void setPoints(const Matrix& train, const Matrix& test);
    void clear();
    void setShowTest(bool on);
    void setDiscretize(bool on);
    /// Text shown while there is no field (default: "No prediction yet — press Play").
    void setEmptyText(const QString& text);
    bool hasField() const { return !field_.isNull(); }

    QSize sizeHint() const override { return {320, 320}; }
    QSize minimumSizeHint() const override { return {160, 160}; }

    /// Colour of probability p in Playground's palette (orange = class 0, blue = class 1).
    static QColor colorFor(float p, bool discrete = false);

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void rebuildImage();
    Eigen::VectorXf probs_;
    int grid_ = 0;
    Matrix train_, test_;
    QImage field_;
    bool showTest_ = true;
    bool discretize_ = false;
    QString emptyText_;
    QImage pointsLayer_;  ///< train/test points, drawn once per data set and widget size
    bool pointsLayerDirty_ = true;
};

}  // namespace ganglion
