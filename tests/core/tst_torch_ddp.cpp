// The exported train.py (core/export/torch_export.h) runs unchanged under
// `torchrun --nproc_per_node=2` (DistributedDataParallel, gloo on CPU): two steps on the spiral
// classifier write a checkpoint as a state dict (.pt) and as .npz, and the .npz imports back into
// the graph, changing its weights to the trained ones. (About 7 s: three Python processes import torch.)
#include "core/export/torch_export.h"
#include "core/graph/json_io.h"
#include "python_rig.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ganglion;
using namespace ganglion::testing;

class TestTorchDdp : public QObject {
    Q_OBJECT
private slots:
    void twoProcessesTrainAndImportBack();
};

void TestTorchDdp::twoProcessesTrainAndImportBack() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const std::string dir = tmp.path().toStdString() + "/export";
    Engine e;
    e.build(loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/spiral_classifier.json"));
    QVERIFY2(e.ok(), e.error().c_str());
    writeTorchExport(exportTorch(e), dir);
    const auto initial = e.saveState();

    // torchrun's launcher, run by Debian's interpreter (exit 77 when torch is missing). Debian 12's
    // torch 1.13 on Python 3.11 cannot parse the default "--redirects 0 --tee 0" (its Std flag
    // lookup skips the zero member), so the output goes to log files and is tee'd back (1).
    const std::string launcher = tmp.path().toStdString() + "/launch.py", log = tmp.path().toStdString() + "/train.log";
    std::ofstream(launcher) << "import sys\n"
                               "try:\n"
                               "    import torch.distributed.run as run\n"
                               "except ImportError as e:\n"
                               "    print('python3-torch is missing (%s)' % e)\n"
                               "    sys.exit(77)\n"
                               "run.main(sys.argv[1:])\n";
    const std::string cmd = "OMP_NUM_THREADS=1 " + pythonInterpreter() + " '" + launcher + "' --standalone --nproc_per_node=2 --redirects 1 --tee 1 --log_dir '" + tmp.path().toStdString() + "/logs' '" + dir +
                            "/train.py' --steps 2 --log-every 1 --out '" + dir + "/ckpt'";
    const int rc = runLogged(cmd, log);
    GANGLION_VERIFY_PYTHON_RUN(rc, log, kNoTorch, "python3-torch");
    const std::string out = readText(log);
    QVERIFY2(out.find("step 2") != std::string::npos && out.find("test Loss: loss") != std::string::npos, tail(out).c_str());
    QVERIFY(std::filesystem::exists(dir + "/ckpt/step_2.pt"));

    const auto loaded = importTorchWeights(e, dir + "/ckpt/step_2.npz");
    QCOMPARE(loaded.size(), std::size_t(6));
    const auto trained = e.saveState();
    const auto checkpoint = io::readNpz(dir + "/ckpt/step_2.npz");
    // The graph now holds the checkpoint's weights, which two Adam steps moved from the exported ones.
    for (const auto& [layer, attr] : {std::pair{"Hidden 1", "Hidden_1"}, {"Hidden 2", "Hidden_2"}, {"Output", "Output"}}) {
        const Matrix w = trained.at(layer).at("weight");
        QCOMPARE(w, io::matrixFromNpy(checkpoint.at(std::string(attr) + ".weight")));
        QVERIFY2((w - initial.at(layer).at("weight")).cwiseAbs().maxCoeff() > 1e-4f, layer);
    }
}

QTEST_GUILESS_MAIN(TestTorchDdp)
#include "tst_torch_ddp.moc"
