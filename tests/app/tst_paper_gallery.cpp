// Help > Papers (app/paper_gallery.*): one row per paper, its text names the result each example
// reproduces, and Open hands the example's path to the window.
#include "app/main_window.h"
#include "app/paper_gallery.h"
#include "document/session.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QtTest>

using namespace ganglion;

class TstPaperGallery : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_paper_gallery");
    }

    void listsPapersAndOpensTheirExamples() {
        const QStringList files = MainWindow::exampleFiles();
        PaperGallery g(files);
        std::vector<std::string> paths;
        for (const QString& f : files) paths.push_back(f.toStdString());
        QCOMPARE(g.paperCount(), int(paperGallery(paths).size()));
        QVERIFY(g.problems().isEmpty());
        int ncap = -1;
        const auto& gallery = g.papers();
        for (std::size_t i = 1; i < gallery.size(); ++i) QVERIFY(gallery[i - 1].paper.year <= gallery[i].paper.year);
        for (int i = 0; i < int(gallery.size()); ++i)
            if (gallery[std::size_t(i)].paper.title.find("architectural priors") != std::string::npos) ncap = i;
        QVERIFY(ncap >= 0);
        g.showPaper(ncap);
        QVERIFY2(g.currentText().contains("Result to expect:"), qPrintable(g.currentText()));
        QVERIFY(g.currentText().contains(QString::fromStdString(gallery[std::size_t(ncap)].examples[1].ref.claim)));
        auto* open = g.findChild<QPushButton*>("open:worm_ablation");
        QVERIFY(open);
        QSignalSpy opened(&g, &PaperGallery::openExample);
        open->click();
        QCOMPARE(opened.count(), 1);
        QVERIFY(opened.at(0).at(0).toString().endsWith("worm_ablation.json"));
    }

    void helpMenuOpensIt() {
        Session session;
        MainWindow w(&session);
        auto* act = w.findChild<QAction*>("papers");
        QVERIFY(act);
        act->trigger();
        auto* g = w.findChild<PaperGallery*>();
        QVERIFY(g);
        QVERIFY(g->paperCount() >= 14);
        g->reject();
    }
};

QTEST_MAIN(TstPaperGallery)
#include "tst_paper_gallery.moc"
