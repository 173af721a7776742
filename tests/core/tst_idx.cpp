// idx reader and Fashion-MNIST data set: parsing, error messages, batches, the node.
#include "core/g2g/fashion_mnist.h"
#include "kernel_harness.h"

#include <QTemporaryDir>
#include <QtTest>
#include <zlib.h>

#include <algorithm>
#include <set>

using namespace ganglion;
using namespace ganglion::g2g;

namespace {
std::vector<std::uint8_t> idxBytes(std::vector<std::uint32_t> dims, std::uint8_t type = 0x08) {
    std::vector<std::uint8_t> b = {0, 0, type, std::uint8_t(dims.size())};
    std::size_t n = 1;
    for (auto d : dims) {
        b.push_back(std::uint8_t(d >> 24));
        b.push_back(std::uint8_t(d >> 16));
        b.push_back(std::uint8_t(d >> 8));
        b.push_back(std::uint8_t(d));
        n *= d;
    }
    for (std::size_t i = 0; i < n; ++i) b.push_back(std::uint8_t(i * 7));
    return b;
}
/// Header only: the magic and the dimensions, no data bytes.
std::vector<std::uint8_t> idxHeader(const std::vector<std::uint32_t>& dims) {
    std::vector<std::uint8_t> b = {0, 0, 0x08, std::uint8_t(dims.size())};
    for (auto d : dims)
        for (int shift = 24; shift >= 0; shift -= 8) b.push_back(std::uint8_t(d >> shift));
    return b;
}
void writeGz(const QString& path, const std::vector<std::uint8_t>& bytes) {
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    QVERIFY(f);
    QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
}
QString throwsMessage(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}
}  // namespace

class TstIdx : public QObject {
    Q_OBJECT
private slots:
    void parsesValidArray() {
        auto b = idxBytes({3, 2, 2});
        IdxArray a = parseIdx(b, "mem");
        QCOMPARE(a.dims.size(), std::size_t(3));
        QCOMPARE(a.count(), std::size_t(3));
        QCOMPARE(a.itemSize(), std::size_t(4));
        QCOMPARE(a.data.size(), std::size_t(12));
        QCOMPARE(int(a.data[5]), 35);
        // A zero count with ordinary item dimensions is a valid empty array.
        IdxArray empty = parseIdx(idxHeader({0, 28, 28}), "mem");
        QCOMPARE(empty.count(), std::size_t(0));
        QCOMPARE(empty.itemSize(), std::size_t(784));
        QVERIFY(empty.data.empty());
    }

    void rejectsBadInput_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        auto qb = [](const std::vector<std::uint8_t>& v) { return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size())); };
        auto good = idxBytes({4, 3});
        auto magic = good;
        magic[0] = 0x1f;
        QTest::newRow("wrong magic") << qb(magic) << "magic";
        auto type = idxBytes({4, 3}, 0x0D);
        QTest::newRow("float type") << qb(type) << "element type";
        QTest::newRow("empty") << QByteArray() << "truncated";
        QTest::newRow("header cut") << qb(std::vector<std::uint8_t>(good.begin(), good.begin() + 9)) << "truncated";
        QTest::newRow("data cut") << qb(std::vector<std::uint8_t>(good.begin(), good.end() - 1)) << "truncated";
        auto extra = good;
        extra.push_back(1);
        QTest::newRow("trailing bytes") << qb(extra) << "corrupt";
        auto dims = good;
        dims[3] = 9;
        QTest::newRow("bad dimension count") << qb(dims) << "magic";
        // Dimensions whose product overflows 64 bits (65536^4 = 2^64 wraps to 0) or exceeds the
        // bytes present: rejected, never read as a valid (empty) file.
        QTest::newRow("product overflows to 0") << qb(idxHeader({65536, 65536, 65536, 65536})) << "need more data than the 0 bytes";
        auto big = idxHeader({1000, 1000});
        big.insert(big.end(), 10, 7);
        QTest::newRow("product exceeds file") << qb(big) << "truncated idx file (expected 1000000 data bytes, found 10)";
        QTest::newRow("product overflows, data present")
            << qb([&] { auto h = idxHeader({4294967295u, 4294967295u, 4294967295u}); h.insert(h.end(), 5, 1); return h; }())
            << "need more data than the 5 bytes";
        QTest::newRow("empty array of huge items") << qb(idxHeader({0, 4294967295u, 4294967295u, 4294967295u})) << "overflow";
    }
    void rejectsBadInput() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        std::vector<std::uint8_t> b(bytes.begin(), bytes.end());
        QString msg = throwsMessage([&] { parseIdx(b, "some-file.idx"); });
        QVERIFY2(msg.contains(expect), qPrintable(msg));
        QVERIFY2(msg.startsWith("some-file.idx"), qPrintable(msg));
    }

    void readsGzipAndRejectsTruncatedGzip() {
        QTemporaryDir dir;
        const QString good = dir.filePath("good.gz"), cut = dir.filePath("cut.gz");
        auto bytes = idxBytes({50, 28, 28});
        writeGz(good, bytes);
        IdxArray a = readIdxFile(good.toStdString());
        QCOMPARE(a.count(), std::size_t(50));
        QCOMPARE(a.data, std::vector<std::uint8_t>(bytes.begin() + 16, bytes.end()));
        QFile f(good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray all = f.readAll();
        QFile g(cut);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(all.left(all.size() / 2));
        g.close();
        QString msg = throwsMessage([&] { readIdxFile(cut.toStdString()); });
        QVERIFY2(!msg.isEmpty(), "truncated gzip accepted");
        QVERIFY2(msg.contains("cut.gz") && (msg.contains("truncated") || msg.contains("corrupt")), qPrintable(msg));
    }

    void missingFileNamesFileAndFix() {
        QTemporaryDir dir;
        QString msg = throwsMessage([&] { FashionMnist::load(dir.path().toStdString()); });
        QVERIFY2(msg.contains("train-images-idx3-ubyte.gz"), qPrintable(msg));
        QVERIFY2(msg.contains("apt-get install dataset-fashion-mnist"), qPrintable(msg));
    }

    void nodeReportsMissingData() {
        QTemporaryDir dir;
        QString msg = throwsMessage([&] {
            testing::KernelRig rig("FashionMNIST", {{"data_dir", dir.path().toStdString()}}, {});
        });
        QVERIFY2(msg.contains("file not found") && msg.contains("dataset-fashion-mnist"), qPrintable(msg));
    }

    void labelImageMismatchRejected() {
        ImageSet s;
        s.images = parseIdx(idxBytes({3, 28, 28}), "img");
        s.labels = parseIdx(idxBytes({2}), "lab");
        QString msg = throwsMessage([&] { validateImageSet(s, "img", "lab"); });
        QVERIFY2(msg.contains("3 images") && msg.contains("2 labels"), qPrintable(msg));
    }

    void samplerCoversEpoch() {
        EpochSampler s;
        s.reset(100, 3, true);
        std::set<int> seen;
        for (int b = 0; b < 10; ++b)
            for (int i : s.next(10)) seen.insert(i);
        QCOMPARE(int(seen.size()), 100);
        QCOMPARE(s.epoch(), 0);
        auto first = std::vector<int>(s.next(10).begin(), s.next(10).end());
        QCOMPARE(s.epoch(), 1);
        EpochSampler t;
        t.reset(100, 3, false);
        auto b0 = t.next(5);
        QCOMPARE(std::vector<int>(b0.begin(), b0.end()), (std::vector<int>{0, 1, 2, 3, 4}));
    }

    void realDataAndNode() {
        std::shared_ptr<const FashionMnist> d;
        try {
            d = FashionMnist::load();
        } catch (const IdxError& e) {
            QFAIL(e.what());  // a project dependency (./ganglion.sh installs dataset-fashion-mnist)
        }
        QCOMPARE(d->train.size(), 60000);
        QCOMPARE(d->test.size(), 10000);
        std::vector<int> counts(10, 0);
        for (auto l : d->train.labels.data) ++counts[l];
        for (int c : counts) QCOMPARE(c, 6000);  // Fashion-MNIST is balanced
        Matrix x, y;
        std::vector<int> idx = {0, 1, 2};
        fillBatch(d->train, idx, Normalisation::MinusOneOne, x, y);
        QVERIFY(x.minCoeff() >= -1.f - 1e-6f && x.maxCoeff() <= 1.f + 1e-6f);
        QVERIFY(x.maxCoeff() > 0.99f);
        QCOMPARE(y(0, 0), float(d->train.labels.data[0]));
        fillBatch(d->train, idx, Normalisation::ZeroOne, x, y);
        QCOMPARE(x(0, 0), float(d->train.images.data[0]) / 255.f);

        testing::KernelRig rig("FashionMNIST", {{"batch_size", 32}, {"test_subset", 500}}, {});
        QCOMPARE(rig.outShapes[0].features, 784);
        QCOMPARE(rig.outShapes[1].classes, 10);
        rig.forward(Phase::Train);
        QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(32));
        QCOMPARE(rig.outputs[1].tensor.rows(), Eigen::Index(1));
        QVERIFY(rig.outputs[1].tensor.maxCoeff() <= 9.f);
        rig.forward(Phase::Test);
        QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(500));
        QCOMPARE(rig.outputs[1].tensor(0, 0), float(d->test.labels.data[0]));
        Observables obs;
        rig.kernel->observe(obs);
        QCOMPARE(obs.arrays["images"].rows(), Eigen::Index(784));
        QCOMPARE(obs.arrays["labels"].cols(), obs.arrays["images"].cols());
    }
};

QTEST_GUILESS_MAIN(TstIdx)
#include "tst_idx.moc"
