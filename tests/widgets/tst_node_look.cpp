// How nodes look on the canvas, as the registry declares it: every node category of the registry
// has its own colour (and names that are no category get the neutral one), and each node draws
// the thumbnail its type declares, falling back to its activations when that data is absent.
#include "core/model/node_spec.h"
#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/node_thumbnails.h"

#include <QSet>
#include <QtTest>

using namespace ganglion;

class TstNodeLook : public QObject {
    Q_OBJECT
private slots:
    void everyCategoryHasItsOwnColour() {
        QSet<QRgb> seen;
        const auto categories = NodeRegistry::instance().categories();
        QVERIFY(!categories.empty());
        for (const auto& cat : categories) {
            const QColor c = canvas::categoryColor(QString::fromStdString(cat));
            QVERIFY2(c != canvas::nodeBorder(), cat.c_str());
            QVERIFY2(!seen.contains(c.rgb()), qPrintable(QString::fromStdString(cat) + " shares its colour"));
            seen.insert(c.rgb());
            QCOMPARE(canvas::categoryColor(QString::fromStdString(cat)), c);  // stable
        }
        QCOMPARE(canvas::categoryColor("Metrics"), canvas::nodeBorder());  // no node has this category
    }

    void thumbnailFollowsTheDeclaredKind() {
        Observables obs;
        obs.arrays["activations"] = Matrix::Random(4, 8);
        const QSize heatMap(8, 4);  // one pixel per sample and feature
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Activations, obs, 0).size(), heatMap);
        // declared data absent: the activations
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Trace, obs, 0).size(), heatMap);
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Images, obs, 0).size(), heatMap);
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Points, obs, 0).size(), heatMap);
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::SpikeRaster, obs, 0).size(), heatMap);
        obs.arrays["trace"] = Matrix::Random(2, 10);
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Trace, obs, 0).size(), QSize(128, 40));
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Activations, obs, 0).size(), heatMap);  // not declared: not drawn
        obs.arrays["images"] = Matrix::Random(16, 3);  // three 4x4 images
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Images, obs, 0).size(), QSize(3 * 6 - 2, 4));
        Matrix pts(3, 20);
        pts.setRandom();
        obs.arrays["train_points"] = pts;
        QCOMPARE(canvas::nodeThumbnail(Thumbnail::Points, obs, 0).size(), QSize(72, 48));
        // over a 2D data set's 4x4 plane, a neuron layer draws each neuron's field
        Observables fields;
        fields.arrays["activations"] = Matrix::Random(2, 16);
        const QImage tiles = canvas::nodeThumbnail(Thumbnail::Activations, fields, 4);
        QVERIFY(!tiles.isNull());
        QVERIFY(tiles.size() != QSize(16, 2));
        // nothing published: nothing drawn
        QVERIFY(canvas::nodeThumbnail(Thumbnail::Trace, Observables{}, 0).isNull());
    }
};

QTEST_MAIN(TstNodeLook)
#include "tst_node_look.moc"
