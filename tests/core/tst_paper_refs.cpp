// The paper gallery's entries (core/graph/paper.h): every bundled example that declares a paper
// declares it completely, and the headless check it names exists, so no gallery entry goes
// without the test that reproduces its claim. Malformed entries are refused by field.
#include "core/graph/json_io.h"
#include "core/graph/paper.h"

#include <QDir>
#include <QProcess>
#include <QtTest>

using namespace ganglion;

namespace {
QStringList exampleFiles() {
    QDir dir(GANGLION_SOURCE_DIR "/resources/examples");
    QStringList out;
    for (const QString& f : dir.entryList({"*.json"}, QDir::Files, QDir::Name)) out << dir.absoluteFilePath(f);
    return out;
}
}  // namespace

class TstPaperRefs : public QObject {
    Q_OBJECT
private slots:
    void galleryListsTheReproducedPapers() {
        std::vector<std::string> files, errors;
        for (const QString& f : exampleFiles()) files.push_back(f.toStdString());
        const auto gallery = paperGallery(files, &errors);
        QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
        QVERIFY2(gallery.size() >= 14, qPrintable(QString("%1 papers").arg(gallery.size())));
        // One entry per paper: the NCAP paper has two examples (the swimmer and its ablations).
        std::size_t examples = 0;
        for (const PaperEntry& p : gallery) {
            examples += p.examples.size();
            for (const auto& e : p.examples) QCOMPARE(QString::fromStdString(e.ref.title), QString::fromStdString(p.paper.title));
        }
        QVERIFY(examples > gallery.size());
    }

    void everyCheckExists_data() {
        QTest::addColumn<QString>("file");
        for (const QString& f : exampleFiles())
            if (readPaperRef(f.toStdString())) QTest::newRow(qPrintable(QFileInfo(f).completeBaseName())) << f;
    }
    void everyCheckExists() {
        QFETCH(QString, file);
        const PaperRef p = *readPaperRef(file.toStdString());
        QVERIFY(loadGraphFile(file.toStdString()).nodes().size() > 0);  // the example itself loads
        const QString check = QString::fromStdString(p.check);
        const QString program = check.section('/', 0, 0), function = check.section('/', 1);
        const QString exe = QStringLiteral(GANGLION_BINARY_DIR "/tests/") + program;
        QVERIFY2(QFileInfo::exists(exe), qPrintable(file + ": the check's test program " + exe + " does not exist"));
        QProcess proc;
        proc.start(exe, {"-functions"});
        QVERIFY2(proc.waitForFinished(60000), qPrintable(exe + " -functions did not finish"));
        const QStringList functions = QString::fromUtf8(proc.readAllStandardOutput()).split('\n');
        QVERIFY2(functions.contains(function + "()"),
                 qPrintable(file + ": " + program + " has no test function " + function));
    }

    void malformedEntriesAreNamed_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        const QString ok = R"("title": "T", "authors": "A", "year": 2020, "summary": "S", "lookAt": "L", "claim": "C", "check": "p/f")";
        QTest::newRow("no claim") << R"({"paper": {"title": "T", "authors": "A", "year": 2020, "summary": "S", "lookAt": "L", "check": "p/f"}})"
                                  << "paper.claim: missing";
        QTest::newRow("empty summary") << QString(R"({"paper": {%1, "summary": " "}})").arg(ok).replace(R"("summary": "S", )", "")
                                       << "paper.summary: empty";
        QTest::newRow("year as text") << QString(R"({"paper": {%1}})").arg(QString(ok).replace("2020", "\"2020\""))
                                      << "paper.year: expected a year";
        QTest::newRow("check without function") << QString(R"({"paper": {%1}})").arg(QString(ok).replace("p/f", "p"))
                                                << "paper.check: expected \"<test program>/<test function>\"";
        QTest::newRow("not an object") << R"({"paper": "KAN"})" << "paper: expected an object";
        QTest::newRow("not JSON") << "{\"paper\": " << "not JSON";
    }
    void malformedEntriesAreNamed() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        try {
            paperRefFromJson(json.toStdString(), "x.json");
            QFAIL("accepted");
        } catch (const PaperFormatError& e) {
            QVERIFY2(QString(e.what()).startsWith("x.json: "), e.what());
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        QVERIFY(!paperRefFromJson(R"({"settings": {}})", "x.json"));  // no paper: not listed, no error
    }
};

QTEST_GUILESS_MAIN(TstPaperRefs)
#include "tst_paper_refs.moc"
