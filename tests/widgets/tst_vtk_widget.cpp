// VtkWidget under a real X display (xvfb): a sphere must show up as non-background pixels, and
// mouse drags / wheel must move the camera; a view holding it exports an image that shows it.
#include "widgets/export/image_export.h"
#include "widgets/vtk/vtk_widget.h"

#include <QTemporaryDir>
#include <QVBoxLayout>

#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QTest>
#include <QWheelEvent>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSphereSource.h>

using namespace ganglion;

namespace {

void addSphere(VtkWidget& w) {
    auto src = vtkSmartPointer<vtkSphereSource>::New();
    src->SetRadius(1.0);
    src->SetThetaResolution(32);
    src->SetPhiResolution(32);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(src->GetOutputPort());
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(1.0, 0.5, 0.0);
    actor->GetProperty()->SetAmbient(0.6);
    w.renderer()->AddActor(actor);
    w.renderer()->SetBackground(0.0, 0.0, 0.0);
    w.renderer()->ResetCamera();
}

int countNonBackground(const QImage& img) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            if (qGray(img.pixel(x, y)) > 20) ++n;
    return n;
}

void sendDrag(QWidget* w, Qt::MouseButton button, QPoint from, QPoint to) {
    QMouseEvent press(QEvent::MouseButtonPress, from, w->mapToGlobal(from), button, button,
                      Qt::NoModifier);
    QApplication::sendEvent(w, &press);
    for (int i = 1; i <= 5; ++i) {
        const QPoint p = from + (to - from) * i / 5;
        QMouseEvent move(QEvent::MouseMove, p, w->mapToGlobal(p), Qt::NoButton, button,
                         Qt::NoModifier);
        QApplication::sendEvent(w, &move);
    }
    QMouseEvent release(QEvent::MouseButtonRelease, to, w->mapToGlobal(to), button, Qt::NoButton,
                        Qt::NoModifier);
    QApplication::sendEvent(w, &release);
}

}  // namespace

class TstVtkWidget : public QObject {
    Q_OBJECT
private slots:
    void init() {
        QString why;
        QVERIFY2(vtkOpenGLAvailable(&why), qPrintable("no usable OpenGL >= 3.2: " + why));
    }

    void rendersActor() {
        VtkWidget w;
        w.resize(320, 240);
        addSphere(w);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage img = w.grabFramebuffer();
        QVERIFY2(w.vtkReady(), qPrintable("VTK failed to initialise: " + w.vtkError()));
        QCOMPARE(img.size(), QSize(320, 240) * w.devicePixelRatio());
        const int lit = countNonBackground(img);
        // The sphere fills a good part of the view after ResetCamera, but not all of it.
        QVERIFY2(lit > img.width() * img.height() / 10, qPrintable(QString::number(lit)));
        QVERIFY2(lit < img.width() * img.height() * 9 / 10, qPrintable(QString::number(lit)));
        const QRgb centre = img.pixel(img.width() / 2, img.height() / 2);
        QVERIFY2(qRed(centre) > qBlue(centre) + 60,
                 qPrintable(QString("centre pixel %1").arg(centre, 8, 16)));
        QVERIFY(w.lastFrameMs() > 0.0);
        if (qEnvironmentVariableIsSet("GANGLION_SAVE_GRABS")) img.save("tst_vtk_widget.png");
    }

    void exportedImageShowsTheScene() {
        // Export image… of a view (a panel with a margin around the 3D widget): the sphere is in it.
        QWidget panel;
        panel.resize(360, 280);
        auto* lay = new QVBoxLayout(&panel);
        lay->setContentsMargins(20, 20, 20, 20);
        auto* w = new VtkWidget(&panel);
        lay->addWidget(w);
        addSphere(*w);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        (void)w->grabFramebuffer();
        QVERIFY2(w->vtkReady(), qPrintable("VTK failed to initialise: " + w->vtkError()));
        QTemporaryDir dir;
        const QString path = dir.filePath("view.png");
        QString error;
        QVERIFY2(exportWidgetImage(&panel, path, 1, &error), qPrintable(error));
        const QImage img(path);
        QCOMPARE(img.size(), panel.size());
        const QImage inside = img.copy(QRect(w->mapTo(&panel, QPoint(0, 0)), w->size()));
        const int lit = countNonBackground(inside);
        QVERIFY2(lit > inside.width() * inside.height() / 10, qPrintable(QString("%1 lit pixels").arg(lit)));
        const QRgb centre = inside.pixel(inside.width() / 2, inside.height() / 2);
        QVERIFY2(qRed(centre) > qBlue(centre) + 60, qPrintable(QString("centre pixel %1").arg(centre, 8, 16)));
    }

    void emptySceneIsBackground() {
        VtkWidget w;
        w.resize(200, 150);
        w.renderer()->SetBackground(0.0, 0.0, 0.0);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage img = w.grabFramebuffer();
        QVERIFY(w.vtkReady());
        QCOMPARE(countNonBackground(img), 0);
        QCOMPARE(qAlpha(img.pixel(3, 3)), 255);  // opaque, never see-through
    }

    void mouseMovesCamera() {
        VtkWidget w;
        w.resize(320, 240);
        addSphere(w);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        (void)w.grabFramebuffer();
        vtkCamera* cam = w.renderer()->GetActiveCamera();
        double before[3], after[3];
        cam->GetPosition(before);
        sendDrag(&w, Qt::LeftButton, {160, 120}, {220, 120});  // orbit
        cam->GetPosition(after);
        const double moved = std::hypot(after[0] - before[0], after[1] - before[1],
                                        after[2] - before[2]);
        QVERIFY2(moved > 0.1, qPrintable(QString("orbit moved camera by %1").arg(moved)));

        const double d0 = cam->GetDistance();
        QWheelEvent wheel(QPointF(160, 120), w.mapToGlobal(QPointF(160, 120)), QPoint(),
                          QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&w, &wheel);
        QVERIFY2(cam->GetDistance() < d0 * 0.99, "wheel forward should zoom in");

        double f0[3], f1[3];
        cam->GetFocalPoint(f0);
        sendDrag(&w, Qt::MiddleButton, {160, 120}, {160, 60});  // pan
        cam->GetFocalPoint(f1);
        QVERIFY(std::hypot(f1[0] - f0[0], f1[1] - f0[1], f1[2] - f0[2]) > 1e-3);

        const QImage img = w.grabFramebuffer();
        QVERIFY(countNonBackground(img) > 0);
    }

    /// Frames are drawn only on request, coalesced, and never while hidden (counted through
    /// renderCount, not timed).
    void rendersOnlyWhenAskedAndShown() {
        VtkWidget w;
        w.resize(200, 150);
        addSphere(w);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        (void)w.grabFramebuffer();
        QTest::qWait(150);
        const int settled = w.renderCount();
        QVERIFY(settled >= 1);
        QTest::qWait(300);
        QCOMPARE(w.renderCount(), settled);  // nothing changed: nothing drawn

        for (int i = 0; i < 20; ++i) w.requestRender();  // a burst of changes: one frame
        QTRY_COMPARE(w.renderCount(), settled + 1);
        QTest::qWait(300);
        QCOMPARE(w.renderCount(), settled + 1);

        w.hide();
        w.requestRender();
        w.renderer()->GetActiveCamera()->Azimuth(30);
        QTest::qWait(300);
        QCOMPARE(w.renderCount(), settled + 1);  // hidden: no frame
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY(w.renderCount() > settled + 1);  // the pending change is drawn once shown
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();
    QApplication app(argc, argv);
    TstVtkWidget t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_vtk_widget.moc"
