// The Event camera view on a live session running the bundled "Rotating dot" example: the 2D
// tab fills with events, the 3D tab draws a bounded cloud (and no frame once tabbed away), the
// comparison tab reports filter counts, and the speed control edits the source's live 'speed' parameter.
#include "document/session.h"
#include "widgets/events/event_cloud_widget.h"
#include "widgets/events/event_frame_widget.h"
#include "widgets/events/playback_bar.h"

#include <QApplication>
#include <QLabel>
#include <QSlider>
#include <QTabWidget>
#include <QTest>

namespace ganglion {
QWidget* makeEventsView(Session* session, QWidget* parent);
}

using namespace ganglion;

class TstEventView : public QObject {
    Q_OBJECT
private slots:
    void liveExample() {
        Session session;
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/events_rotating_dot.json", &err),
                 qPrintable(err));
        std::unique_ptr<QWidget> view(makeEventsView(&session, nullptr));
        view->resize(900, 700);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        session.play();
        auto* tabs = view->findChild<QTabWidget*>();
        QVERIFY(tabs);
        auto frames = view->findChildren<EventFrameWidget*>();
        QVERIFY(!frames.isEmpty());
        EventFrameWidget* frame = nullptr;  // the 2D tab's (the comparison ones are hidden)
        for (auto* f : frames)
            if (f->isVisible()) frame = f;
        QVERIFY(frame);
        QTRY_VERIFY_WITH_TIMEOUT(frame->eventsShown() > 50, 10000);
        QCOMPARE(frame->image().size(), QSize(128, 128));
        if (qEnvironmentVariableIsSet("GANGLION_SAVE_GRABS")) view->grab().save("tst_event_view_2d.png");

        tabs->setCurrentIndex(1);
        if (auto* cloud = view->findChild<EventCloudWidget*>()) {
            QTRY_VERIFY_WITH_TIMEOUT(cloud->points().points > 0, 10000);
            QVERIFY(cloud->points().points <= cloud->options().budget);
            QVERIFY(!cloud->caption().isEmpty());
            if (qEnvironmentVariableIsSet("GANGLION_SAVE_GRABS")) cloud->grabFramebuffer().save("tst_event_view_3d.png");
        }

        tabs->setCurrentIndex(2);
        QLabel* counts = nullptr;
        for (auto* l : view->findChildren<QLabel*>())
            if (l->text().contains("Add an event filter")) counts = l;
        QVERIFY(counts);
        if (auto* cloud = view->findChild<EventCloudWidget*>()) {  // the hidden 3D page draws nothing
            QTest::qWait(50);
            const int frames = cloud->renderCount();
            QTest::qWait(400);
            QCOMPARE(cloud->renderCount(), frames);
        }
        QTRY_VERIFY_WITH_TIMEOUT(counts->text().contains("kept"), 10000);
        if (qEnvironmentVariableIsSet("GANGLION_SAVE_GRABS")) view->grab().save("tst_event_view_compare.png");

        // Speed slider -> the source's live parameter in the graph.
        auto* bar = view->findChild<PlaybackBar*>();
        QVERIFY(bar);
        auto sliders = bar->findChildren<QSlider*>();
        QCOMPARE(sliders.size(), 2);
        sliders[1]->setValue(sliders[1]->maximum() * 3 / 5);  // 10^(-2 + 3) = 10x
        const Node* src = session.graph().node(1);
        QVERIFY(src);
        QVERIFY(std::abs(src->params.getFloat("speed") - 10.0) < 1e-6);
        session.pause();
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();
    QApplication app(argc, argv);
    TstEventView t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_event_view.moc"
