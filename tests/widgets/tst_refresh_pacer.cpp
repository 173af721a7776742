// The refresh pacer that every live view shares: refreshes run at their rate, most overdue first,
// at most a small budget of them per tick (the rest on the next tick), and an owner that goes away
// is never called again, even when it goes during a tick.
#include "widgets/plots/refresh_pacer.h"

#include <QtTest>

#include <QElapsedTimer>
#include <QWidget>

#include <memory>

using namespace ganglion;

namespace {
void busyFor(double ms) {
    QElapsedTimer t;
    t.start();
    while (double(t.nsecsElapsed()) / 1e6 < ms) {
    }
}
}  // namespace

class TstRefreshPacer : public QObject {
    Q_OBJECT
private slots:
    void aTickStopsAtItsBudgetAndTheRestGoFirstNext() {
        RefreshPacer pacer;
        pacer.setTicking(false);
        auto owner = std::make_unique<QObject>();
        QStringList ran;
        // Four views, each refresh 40% of the budget: a tick stops once the budget is spent (after
        // the third at the latest; sooner when the machine is busy), and the views left out go first
        // on the next ticks, before any view runs twice.
        for (const char* name : {"a", "b", "c", "d"})
            pacer.every(owner.get(), 400, [&ran, name] {
                ran << name;
                busyFor(0.4 * RefreshPacer::kBudgetMs);
            });
        QTest::qWait(40);  // every first refresh is due (the phases spread them over 0-24 ms)
        pacer.tick();
        QVERIFY2(ran.size() >= 1 && ran.size() <= 3, qPrintable(ran.join(",")));
        for (int t = 0; t < 4 && ran.size() < 4; ++t) pacer.tick();
        QCOMPARE(ran.size(), 4);
        QCOMPARE(QSet<QString>(ran.begin(), ran.end()).size(), 4);  // the ones left out, not a repeat
        pacer.tick();
        QCOMPARE(ran.size(), 4);  // nothing is due again before its interval
    }

    void refreshesKeepTheirRate() {
        auto owner = std::make_unique<QObject>();
        int fast = 0, slow = 0;
        RefreshPacer::shared().every(owner.get(), 20, [&] { ++fast; });
        RefreshPacer::shared().every(owner.get(), 100, [&] { ++slow; });
        QTest::qWait(500);  // the pacer's own timer drives them
        // About 25 and 5; a busy machine delays ticks (and a late view is not run twice to catch up)
        QVERIFY2(fast >= 8 && fast <= 26, qPrintable(QString::number(fast)));
        QVERIFY2(slow >= 2 && slow <= 6, qPrintable(QString::number(slow)));
        QVERIFY(fast > 2 * slow);
    }

    void anOwnerThatGoesIsNotCalledAgain() {
        RefreshPacer pacer;
        pacer.setTicking(false);
        const int before = pacer.count();
        auto* victim = new QObject;
        auto killer = std::make_unique<QObject>();
        int victimRuns = 0;
        bool killed = false;
        // The killer deletes the victim during a tick in which both are due.
        pacer.every(killer.get(), 10, [&] {
            if (!killed) {
                killed = true;
                delete victim;
            }
        });
        pacer.every(victim, 10, [&] { ++victimRuns; });
        QCOMPARE(pacer.count(), before + 2);
        QTest::qWait(30);
        pacer.tick();
        pacer.tick();
        QTest::qWait(30);
        pacer.tick();
        QVERIFY(killed);
        QCOMPARE(victimRuns, 0);  // due in the same tick, after the killer (registered later, due later)
        QCOMPARE(pacer.count(), before + 1);
        killer.reset();
        QCOMPARE(pacer.count(), before);
    }

    void aHiddenViewIsNotRefreshed() {
        QWidget view;
        int runs = 0;
        RefreshPacer::shared().whileVisible(&view, 10, [&] { ++runs; });
        QTest::qWait(60);
        QCOMPARE(runs, 0);
        view.show();
        QTRY_VERIFY(runs > 0);
    }

    void theSlowestRefreshIsNamedByItsOwner() {
        RefreshPacer pacer;
        pacer.setTicking(false);
        QObject dock;
        dock.setObjectName("dock:Curves");
        auto* view = new QObject(&dock);
        pacer.every(view, 10, [] { busyFor(2.0); });
        QTest::qWait(30);
        pacer.tick();
        const auto& slowest = pacer.slowestRefreshes();
        QVERIFY2(slowest.contains("QObject in dock:Curves"), qPrintable(QStringList(slowest.keys()).join(", ")));
        QVERIFY(slowest.value("QObject in dock:Curves") >= 2.0);
    }
};

QTEST_MAIN(TstRefreshPacer)
#include "tst_refresh_pacer.moc"
