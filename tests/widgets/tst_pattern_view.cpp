// End to end: the "Hopfield recall" example runs in a Session and the Patterns view shows its cue,
// state, stored letters and overlaps; recall reaches the cued letter; clicking the cue image erases
// a patch there through an undoable edit of the source's live parameters (the next cue carries it,
// undo takes it away again); the panel alone draws what it is given and says where it was clicked.
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/memory/pattern_panel.h"

#include <QSignalSpy>
#include <QtTest>

using namespace ganglion;

namespace {

NodeId nodeNamed(const Graph& g, const std::string& name) {
    for (const auto& n : g.nodes())
        if (n.name == name) return n.id;
    return 0;
}

}  // namespace

class TestPatternView : public QObject {
    Q_OBJECT
private slots:
    void panelReportsCueClicks() {
        PatternPanel panel;
        panel.resize(500, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        PatternPanelData d;
        d.width = d.height = 4;
        d.state = Vector::Ones(16);
        d.cue = -Vector::Ones(16);
        d.patterns = Matrix::Ones(16, 3);
        d.overlaps = Vector::Constant(3, 0.5f);
        panel.setData(d);
        const QImage shot = panel.grab().toImage();
        QVERIFY(!panel.cueRect().isEmpty());
        // the state (+1 everywhere) is drawn dark, the cue (−1) light
        const QPointF cueCentre = panel.cueRect().center();
        QVERIFY(qGray(shot.pixel(cueCentre.toPoint())) > 200);
        QVERIFY(qGray(shot.pixel((cueCentre + QPointF(panel.cueRect().width() + 8, 0)).toPoint())) < 60);
        QSignalSpy clicked(&panel, &PatternPanel::cueClicked);
        const QRectF r = panel.cueRect();
        QTest::mouseClick(&panel, Qt::LeftButton, {}, (r.topLeft() + QPointF(r.width() * 0.25, r.height() * 0.75)).toPoint());
        QCOMPARE(clicked.count(), 1);
        const QPointF at = clicked.at(0).at(0).toPointF();
        QVERIFY2(std::abs(at.x() - 0.25) < 0.05 && std::abs(at.y() - 0.75) < 0.05, qPrintable(QString("%1 %2").arg(at.x()).arg(at.y())));
        QTest::mouseClick(&panel, Qt::LeftButton, {}, QPoint(panel.width() - 5, panel.height() - 5));
        QCOMPARE(clicked.count(), 1);  // elsewhere: nothing
    }

    void recallExampleLiveWithClickToErase() {
        Session session;
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/memory_hopfield_recall.json", &err),
                 qPrintable(err));
        const ViewInfo* info = nullptr;
        for (const auto& v : allViews())
            if (v.title == "Patterns") info = &v;
        QVERIFY(info);
        std::unique_ptr<QWidget> view(info->create(&session, nullptr));
        view->resize(700, 600);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        auto* panel = view->findChild<PatternPanel*>();
        QVERIFY(panel);
        session.setSpeed(0);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(panel->data().patterns.cols() == 4 && panel->data().cue.size() == 100, 10000);
        QCOMPARE(panel->data().width, 10);
        // recall reaches the cued letter (the target's overlap is 1) at some publication
        QTRY_VERIFY_WITH_TIMEOUT(panel->data().target >= 0 && panel->data().overlaps(panel->data().target) == 1.f, 10000);
        session.pause();
        QTRY_VERIFY(!session.isRunning());

        // click the cue's top-left corner: an undoable edit places the erased patch there
        const NodeId letters = nodeNamed(session.graph(), "Letters");
        QVERIFY(letters);
        const int undoBefore = session.undoStack()->count();
        QTRY_VERIFY(!panel->cueRect().isEmpty());
        const QRectF r = panel->cueRect();
        QTest::mouseClick(panel, Qt::LeftButton, {}, (r.topLeft() + QPointF(2, 2)).toPoint());
        QCOMPARE(session.undoStack()->count(), undoBefore + 1);
        QVERIFY(session.graph().node(letters)->params.getFloat("erase_x") < 0.1);
        QVERIFY(session.graph().node(letters)->params.getFloat("erase_y") < 0.1);
        // the engine makes a new cue with the patch in the corner (pixel 0 erased)
        session.step();
        QTRY_VERIFY_WITH_TIMEOUT(panel->data().cue.size() == 100 && panel->data().cue(0) == 0.f &&
                                     panel->data().cue(11) == 0.f,
                                 10000);
        session.undoStack()->undo();
        QVERIFY(session.graph().node(letters)->params.getFloat("erase_x") < 0);  // random placement again
    }
};

QTEST_MAIN(TestPatternView)
#include "tst_pattern_view.moc"
