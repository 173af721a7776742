// Which dock views a document brings up follows from what its node types publish
// (NodeSpec::observables) and what each view draws (its kViewObservables): no view keeps a list
// of node types. Every name a view draws is published by some registered type; a document made of
// any one type that publishes such a name brings that view up; the bundled examples come up with
// their family's views.
#include "app/main_window.h"
#include "core/graph/json_io.h"
#include "core/model/node_spec.h"
#include "views/view_registry.h"
#include "widgets/weights/weight_histogram.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

using namespace ganglion;

namespace {

QDockWidget* dockTitled(MainWindow& w, const QString& title) {
    for (auto* d : w.findChildren<QDockWidget*>())
        if (d->windowTitle() == title) return d;
    return nullptr;
}

/// Every label text in a dock, joined by newlines.
QString labelTexts(QDockWidget* d) {
    QStringList texts;
    for (auto* l : d->findChildren<QLabel*>())
        if (l->isVisible()) texts << l->text();
    return texts.join('\n');
}

bool lists(const NodeSpec& spec, const QStringList& names) {
    for (const auto& o : spec.observables)
        if (names.contains(QString::fromStdString(o))) return true;
    return false;
}

}  // namespace

class TstViewRelevance : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_view_relevance");
    }

    void everyDrawnNameIsPublished() {
        Session session;
        for (const auto& v : allViews()) {
            std::unique_ptr<QWidget> view(v.create(&session, nullptr));
            const QStringList names = viewObservables(view.get());
            QVERIFY2(!names.isEmpty(), qPrintable(v.title + " names no observables"));
            for (const QString& name : names) {
                bool published = false;
                for (const NodeSpec& s : NodeRegistry::instance().all()) published = published || lists(s, {name});
                QVERIFY2(published, qPrintable(QString("%1 draws '%2', which no node type publishes").arg(v.title, name)));
            }
        }
    }

    void aTypePublishingWhatAViewDrawsBringsItUp() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const NodeSpec& spec : NodeRegistry::instance().all()) {
            Graph g;
            g.addNode(spec.type);
            const QString path = dir.filePath(QString::fromStdString(spec.type) + ".json");
            saveGraphFile(g, path.toStdString());
            QVERIFY(w.openFile(path));
            for (const auto& v : allViews()) {
                QDockWidget* dock = dockTitled(w, v.title);
                QVERIFY(dock);
                // what the type publishes with its default parameters (a LIF layer's "tau" only
                // while learn_beta is on, which it is not by default)
                if (nodeFeeds(g.nodes().front(), viewObservables(dock->widget())))
                    QVERIFY2(dock->isVisible(), qPrintable(QString("%1 alone does not bring up %2")
                                                               .arg(QString::fromStdString(spec.type), v.title)));
            }
        }
    }

    void examplesBringUpTheirFamilysViews_data() {
        QTest::addColumn<QString>("example");
        QTest::addColumn<QStringList>("shown");
        QTest::addColumn<QStringList>("hidden");
        QTest::newRow("spiral") << "spiral" << QStringList{"Training curves", "Decision boundary"}
                                << QStringList{"Spikes", "Worm swimmer", "Event camera", "KAN splines",
                                               "Weight distribution"};
        QTest::newRow("snn_cuba") << "snn_cuba" << QStringList{"Spikes"} << QStringList{"Decision boundary", "Sparsity dashboard"};
        QTest::newRow("worm_neurons") << "worm_neurons" << QStringList{"Worm swimmer"} << QStringList{"Spikes", "Connectome"};
        QTest::newRow("events_rotating_dot") << "events_rotating_dot" << QStringList{"Event camera"}
                                             << QStringList{"Spikes", "Decision boundary"};
        QTest::newRow("worm_touch") << "worm_touch" << QStringList{"Connectome"} << QStringList{"Sparsity dashboard"};
        QTest::newRow("kan_formula") << "kan_formula" << QStringList{"KAN splines"} << QStringList{"Decision boundary", "Spikes"};
        // the time-constant view: for LIF layers that learn β and τ-RNNs that learn τ, not fixed ones
        QTest::newRow("snn_learned_tau") << "snn_learned_tau" << QStringList{"Time constants", "Spikes"} << QStringList{};
        QTest::newRow("snn_classifier") << "snn_classifier" << QStringList{"Spikes"} << QStringList{"Time constants"};
        QTest::newRow("rnn_long_timescales") << "rnn_long_timescales" << QStringList{"Time constants"} << QStringList{"Spikes"};
        // activity through time: for graphs of sequences (sequential Fashion-MNIST, a Delta layer), not images
        QTest::newRow("rnn_fashion_mnist") << "rnn_fashion_mnist" << QStringList{"Activity through time"}
                                           << QStringList{"Spikes", "Sparsity dashboard"};
        QTest::newRow("rnn_delta_layer") << "rnn_delta_layer" << QStringList{"Activity through time", "Sparsity dashboard"}
                                         << QStringList{"Decision boundary"};
        // the weight distribution: for layers asked to publish it (Dense's weight_stats) and the swimmer trainer
        QTest::newRow("dale_eg_vs_adam") << "dale_eg_vs_adam" << QStringList{"Weight distribution", "Training curves"}
                                         << QStringList{"Spikes", "Sparsity dashboard"};
        QTest::newRow("worm_train") << "worm_train" << QStringList{"Weight distribution", "Worm swimmer"} << QStringList{"Spikes"};
        QTest::newRow("g2g_vs_dense") << "g2g_vs_dense" << QStringList{"Sparsity dashboard"} << QStringList{"Activity through time"};
    }

    void examplesBringUpTheirFamilysViews() {
        QFETCH(QString, example);
        QFETCH(QStringList, shown);
        QFETCH(QStringList, hidden);
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(MainWindow::findExample(example), true));
        for (const QString& t : shown) {
            QDockWidget* d = dockTitled(w, t);
            QVERIFY2(d && d->isVisible(), qPrintable(t + " is not shown"));
        }
        for (const QString& t : hidden) {
            QDockWidget* d = dockTitled(w, t);
            QVERIFY2(d && !d->isVisible(), qPrintable(t + " is shown"));
        }
    }

    // Dale's law example: the weight distribution view shows each of the six layers as it trains,
    // from what they publish, with their signs: EG's flips stay 0, Adam's hidden layers flip some.
    void weightDistributionShowsEveryLayer() {
        Session session;
        MainWindow w(&session);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(MainWindow::findExample("dale_eg_vs_adam"), true));
        QDockWidget* dock = dockTitled(w, "Weight distribution");
        QVERIFY(dock && dock->isVisible());
        session.setSpeed(0);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->step >= 300, 10000);
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        const auto tilesWithStats = [&] {
            int n = 0;
            for (auto* t : dock->findChildren<WeightHistogram*>()) n += t->stats() != nullptr;
            return n;
        };
        QTRY_COMPARE(tilesWithStats(), 6);
        const std::uint64_t step = session.snapshot()->step;
        const auto flipsOf = [&](const QString& prefix) {
            long long n = 0;
            for (auto* t : dock->findChildren<WeightHistogram*>())
                if (t->layer().startsWith(prefix)) n += t->stats()->flips;
            return n;
        };
        // the view catches up with the last snapshot within a few polls
        QTRY_VERIFY2(flipsOf("Adam") > 0, qPrintable(QString("no Adam weight flipped by step %1").arg(step)));
        QStringList names;
        for (auto* t : dock->findChildren<WeightHistogram*>()) {
            names << t->layer();
            QVERIFY(t->isVisible() && t->width() >= t->minimumWidth());
            t->grab();  // paints: every text whole, none elided
            QVERIFY2(t->textsFit(), qPrintable(t->layer() + ": " + t->drawnTexts().join(" | ")));
            QVERIFY2(t->drawnTexts().join(' ').contains("log₁₀|w|"), qPrintable(t->drawnTexts().join(" | ")));
        }
        QVERIFY2(names.contains("EG hidden 1") && names.contains("Adam readout"), qPrintable(names.join(", ")));
        QCOMPARE(flipsOf("EG"), 0LL);
        // the linear axis: w's bins, labelled so
        auto* log = dock->findChild<QCheckBox*>();
        QVERIFY(log && log->isChecked());
        log->setChecked(false);
        auto* first = dock->findChildren<WeightHistogram*>().front();
        QVERIFY(!first->logAxis());
        first->grab();
        QVERIFY2(first->drawnTexts().join(' ').contains("w ·") || first->drawnTexts().join(' ').contains("weight w"),
                 qPrintable(first->drawnTexts().join(" | ")));
    }

    // A graph whose node cannot run (here: the connectome table is not where the file says) gets
    // the reason in the views that would draw it, not "no connectome in the graph" and empty charts.
    void viewsNameTheNodeThatCannotRun() {
        QFile example(MainWindow::findExample("worm_touch"));
        QVERIFY(example.open(QIODevice::ReadOnly));
        QString json = QString::fromUtf8(example.readAll());
        QVERIFY(json.contains("white_1986_whole.tsv"));
        json.replace("shared/data/connectome/white_1986_whole.tsv", "no/such/table.tsv");
        QTemporaryDir dir;
        const QString path = dir.filePath("missing_table.json");
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(json.toUtf8());
        out.close();
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path, false));
        QTRY_VERIFY_WITH_TIMEOUT(!session.engineError().isEmpty(), 5000);
        QDockWidget* connectome = dockTitled(w, "Connectome");
        QVERIFY(connectome && connectome->isVisible());
        QTRY_VERIFY2_WITH_TIMEOUT(labelTexts(connectome).contains("'Connectome' cannot run"), qPrintable(labelTexts(connectome)), 3000);
        QVERIFY(!labelTexts(connectome).contains("no Connectome node"));
        QDockWidget* curves = dockTitled(w, "Training curves");
        QVERIFY(curves);
        QTRY_VERIFY2_WITH_TIMEOUT(labelTexts(curves).contains("no/such/table.tsv"), qPrintable(labelTexts(curves)), 3000);
    }
};

QTEST_MAIN(TstViewRelevance)
#include "tst_view_relevance.moc"
