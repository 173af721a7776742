// Steady-state steps of the worm models must not touch the heap: counts global operator new
// calls while the circuit, body, node kernels and connectome network run.
#include "core/worm/connectome_network.h"
#include "core/worm/ncap_circuit.h"
#include "core/worm/swim_trainer.h"
#include "core/worm/swimmer_body.h"
#include "kernel_harness.h"

#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> gAllocs{0};
}

// Eigen allocates with malloc, the standard library with operator new (which calls malloc).
#if defined(__SANITIZE_ADDRESS__)  // gcc
#define GANGLION_TEST_ASAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define GANGLION_TEST_ASAN 1
#endif
#endif
#ifdef GANGLION_TEST_ASAN
// AddressSanitizer owns malloc; its allocator reports every allocation (malloc, calloc, realloc,
// operator new) to an installed hook instead.
// Declared here: gcc ships no sanitizer/allocator_interface.h, its libasan exports the function.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void countAllocation(const volatile void*, std::size_t) { ++gAllocs; }
void ignoreFree(const volatile void*) {}  // both hooks are required, or none is installed
const int gHookInstalled = __sanitizer_install_malloc_and_free_hooks(countAllocation, ignoreFree);
}  // namespace
#else
// Interposing malloc (forwarding to glibc's implementation) counts both.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* malloc(std::size_t n) {
    ++gAllocs;
    return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t m) {
    ++gAllocs;
    return __libc_calloc(n, m);
}
void* realloc(void* p, std::size_t n) {
    ++gAllocs;
    return __libc_realloc(p, n);
}
}
#endif

using namespace ganglion;
using namespace ganglion::worm;

class TstWormAlloc : public QObject {
    Q_OBJECT
private slots:
    void circuitAndBody();
    void nodeKernels();
    void trainerGeneration_data();
    void trainerGeneration();
    void connectomeNetwork_data();
    void connectomeNetwork();
};

void TstWormAlloc::circuitAndBody() {
    {
        const long c0 = gAllocs.load();
        Eigen::VectorXf probe(1000);  // the counter does see Eigen's heap use
        // the buffer escapes, so the optimiser cannot drop the unused allocation (clang -O2 did,
        // once UBSan stopped instrumenting Eigen's headers)
        static float* volatile escaped;
        escaped = probe.data();
        QVERIFY(gAllocs.load() > c0);
        QVERIFY(probe.size() == 1000 && escaped != nullptr);
    }
    SwimmerBody body{BodyConfig{}};
    NcapCircuit c{NcapConfig{}};
    Eigen::VectorXf a(5), t(5);
    for (int s = 0; s < 5; ++s) {  // warm-up
        body.jointAngles(a);
        c.step(s, a, t);
        body.step(t);
    }
    const long before = gAllocs.load();
    for (int s = 5; s < 200; ++s) {
        body.jointAngles(a);
        c.step(s, a, t);
        body.step(t);
    }
    QCOMPARE(gAllocs.load() - before, 0L);
}

void TstWormAlloc::nodeKernels() {
    testing::KernelRig circuit("NcapCircuit", {}, {Shape::tensor(5), Shape{}, Shape{}});
    testing::KernelRig body("SwimmerBody", {}, {Shape::tensor(5)});
    circuit.inputs = {testing::tensorValue(Matrix::Zero(5, 1)), Value{PortType::Scalar}, Value{PortType::Scalar}};
    body.inputs = {testing::tensorValue(Matrix::Zero(5, 1))};
    StepContext ctx;
    std::vector<const Value*> cin = {&circuit.inputs[0], nullptr, nullptr};
    std::vector<const Value*> bin = {&circuit.outputs[0]};
    auto step = [&] {
        circuit.kernel->forward(ctx, cin, circuit.outputs);
        body.kernel->forward(ctx, bin, body.outputs);
        circuit.inputs[0].tensor = body.outputs[0].tensor;  // same size: no allocation
    };
    for (int s = 0; s < 5; ++s) step();
    const long before = gAllocs.load();
    for (int s = 0; s < 300; ++s) step();
    QCOMPARE(gAllocs.load() - before, 0L);
}

void TstWormAlloc::trainerGeneration_data() {
    QTest::addColumn<bool>("mlp");
    QTest::addColumn<bool>("es");
    QTest::newRow("NCAP, ES") << false << true;
    QTest::newRow("NCAP, random search") << false << false;
    QTest::newRow("MLP, ES") << true << true;
}

void TstWormAlloc::trainerGeneration() {
    QFETCH(bool, mlp);
    QFETCH(bool, es);
    std::unique_ptr<SwimController> ctl;
    if (mlp) ctl = std::make_unique<MlpController>(5, std::vector<int>{16, 16}, 1.8, 0.03, 1);
    else ctl = std::make_unique<NcapController>(NcapConfig{});
    TrainerConfig tc;
    tc.method = es ? TrainMethod::EvolutionStrategy : TrainMethod::RandomSearch;
    tc.episodeSeconds = 0.5;
    tc.population = 6;
    SwimTrainer t(std::move(ctl), BodyConfig{}, tc);
    t.generation();  // warm-up
    const long before = gAllocs.load();
    for (int g = 0; g < 3; ++g) t.generation();
    QCOMPARE(gAllocs.load() - before, 0L);
}

void TstWormAlloc::connectomeNetwork_data() {
    QTest::addColumn<bool>("lif");
    QTest::newRow("graded") << false;
    QTest::newRow("lif") << true;
}

void TstWormAlloc::connectomeNetwork() {
    QFETCH(bool, lif);
    const ConnectomeTable t = parseConnectomeText(
        "ALML\tAVDL\tchemical\t3\nAVDL\tAVAL\tchemical\t5\nAVAL\tAVAR\telectrical\t2\nDD1\tVB1\tchemical\t4\n"
        "AVAL\tDD1\tchemical\t2\nAVAR\tVB1\tchemical\t3\n");
    NetworkConfig cfg;
    cfg.model = lif ? NeuronModel::Lif : NeuronModel::Graded;
    ConnectomeNetwork net(t, cfg);
    net.setStimulus(net.resolve("ALML"), 3.0);
    net.setStimulusOn(true);
    Rng rng(1);
    for (int s = 0; s < 50; ++s) net.step(&rng);  // warm-up: spike lists reach their capacity
    const long before = gAllocs.load();
    for (int s = 0; s < 500; ++s) net.step(&rng);
    QCOMPARE(gAllocs.load() - before, 0L);
}

QTEST_GUILESS_MAIN(TstWormAlloc)
#include "tst_worm_alloc.moc"
