// Input-importance map of a KAN layer whose inputs are an image: each pixel coloured by the
// attribution of its edges (summed over the layer's outputs, or of its edge into one output),
// with a colour bar in the attribution's units. Plain values in, nothing else known.
#pragma once

#include <QImage>
#include <QString>
#include <QWidget>

#include <vector>

namespace ganglion {

class KanImportanceMap : public QWidget {
    Q_OBJECT
public:
    explicit KanImportanceMap(QWidget* parent = nullptr);

    /// `values` row-major, width · height of them (else the map is cleared and says why).
    /// `caption` names what is shown, e.g. "all 64 outputs".
    void setImportance(std::vector<float> values, int width, int height, QString caption);
    void clear(QString why = {});
    const std::vector<float>& values() const { return values_; }
    int imageWidth() const { return w_; }
    int imageHeight() const { return h_; }
    /// Where pixel (x, y) of the map is drawn (empty when no map).
    QRectF pixelRect(int x, int y) const;
    /// The map's colour for a value (white at 0, dark red at the maximum).
    QColor colourFor(float v) const;
    static QString unitText() { return tr("Σ std φ (output units)"); }

    QSize sizeHint() const override { return {260, 220}; }
    QSize minimumSizeHint() const override { return {160, 140}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QRectF mapRect() const;
    std::vector<float> values_;
    int w_ = 0, h_ = 0;
    float max_ = 0;
    QString caption_, why_;
    QImage image_;  ///< one pixel per input
};

}  // namespace ganglion
