// A grid of greyscale images from the current minibatch with their true label and, when known,
// the model's prediction (green when right, red when wrong).
#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace ganglion {

class ImageBatchPreview : public QWidget {
    Q_OBJECT
public:
    explicit ImageBatchPreview(QWidget* parent = nullptr);

    /// `pixels`: one image per column (w*h values, row-major image), any range (min..max is
    /// mapped to black..white). `truth`/`predicted` may be shorter than the image count (then
    /// the label is omitted). `classNames` maps labels to text.
    void setBatch(const float* pixels, int count, int w, int h, std::vector<int> truth, std::vector<int> predicted,
                  QStringList classNames);
    int imageCount() const { return int(images_.size()); }
    int correctCount() const;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::vector<QImage> images_;
    std::vector<int> truth_, predicted_;
    QStringList names_;
};

}  // namespace ganglion
