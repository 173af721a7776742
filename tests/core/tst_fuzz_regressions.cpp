// Replays every fuzz seed (tests/fuzz/corpus/<harness>/) and every input a fuzzer once broke a
// loader with (tests/fuzz/regressions/<harness>/) through the same loader entry points the
// harnesses use (tests/fuzz/fuzz_targets.h), in the normal build: each must load or be rejected
// with the loader's own error, never crash or break the contract. Seeds must all load.
#include "tests/fuzz/fuzz_targets.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

using namespace ganglion::fuzz;
namespace fs = std::filesystem;

namespace {
const fs::path kFuzzDir = fs::path(GANGLION_SOURCE_DIR) / "tests" / "fuzz";

std::vector<std::uint8_t> readBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::vector<fs::path> filesIn(const fs::path& dir) {
    std::vector<fs::path> out;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}
}  // namespace

class TstFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    void everyHarnessHasSeeds() {
        std::set<std::string> folders;
        for (const auto& e : fs::directory_iterator(kFuzzDir / "corpus"))
            if (e.is_directory()) folders.insert(e.path().filename().string());
        std::set<std::string> names;
        for (const auto& t : targets()) {
            names.insert(t.name);
            QVERIFY2(!filesIn(kFuzzDir / "corpus" / t.name).empty(), t.name);
        }
        QCOMPARE(folders, names);
        if (fs::is_directory(kFuzzDir / "regressions"))
            for (const auto& e : fs::directory_iterator(kFuzzDir / "regressions"))
                QVERIFY2(names.count(e.path().filename().string()), qPrintable("regressions folder without a harness: " + QString::fromStdString(e.path().string())));
    }

    void replay_data() {
        QTest::addColumn<QString>("harness");
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("seed");
        for (const auto& t : targets()) {
            for (const auto& f : filesIn(kFuzzDir / "corpus" / t.name))
                QTest::newRow(qPrintable(QString("seed/%1/%2").arg(t.name, QString::fromStdString(f.filename().string()))))
                    << QString(t.name) << QString::fromStdString(f.string()) << true;
            for (const auto& f : filesIn(kFuzzDir / "regressions" / t.name))
                QTest::newRow(qPrintable(QString("regression/%1/%2").arg(t.name, QString::fromStdString(f.filename().string()))))
                    << QString(t.name) << QString::fromStdString(f.string()) << false;
        }
    }
    void replay() {
        QFETCH(QString, harness);
        QFETCH(QString, file);
        QFETCH(bool, seed);
        const Target* t = findTarget(harness.toStdString());
        QVERIFY(t);
        const auto bytes = readBytes(file.toStdString());
        Outcome outcome = Outcome::Rejected;
        try {
            outcome = t->run(bytes.data(), bytes.size());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("%1: %2").arg(file, e.what())));
        }
        if (seed) QVERIFY2(outcome == Outcome::Loaded, qPrintable(file + " is a seed but does not load"));
    }
};

QTEST_GUILESS_MAIN(TstFuzzRegressions)
#include "tst_fuzz_regressions.moc"
