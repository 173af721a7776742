// The contract every registered node type keeps, checked for each entry of the registry (so a new
// type is covered the day its line is added to core/nodes/node_list.h): it builds with default
// parameters (plus its NodeSpec::example, if any) and typical inputs derived from its ports, its
// forward pass is deterministic for a seed, its backward matches finite differences when it is
// differentiable, its saved state loaded into a kernel built from another seed reproduces its
// outputs exactly, invalid parameter values are rejected with the parameter named, and the weights
// it names for input-based training rules (linearMaps) are its own trainable parameters.
#include "core/graph/graph.h"
#include "kernel_harness.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

constexpr int kSteps = 4;   // forward steps per run: enough for state to matter
constexpr int kBatch = 3;   // samples per typical tensor input

struct Typical {
    std::vector<std::pair<std::string, ParamValue>> params;
    std::vector<Shape> shapes;
};

Shape shapeOfPort(PortType t) {
    Shape s;
    switch (t) {
    case PortType::Tensor: s.features = 4; break;
    case PortType::Scalar: s.features = 1; break;
    case PortType::Spikes: s.features = 16; break;
    case PortType::Events: s.width = 32; s.height = 32; break;
    }
    return s;
}

Typical typicalOf(const NodeSpec& spec, const std::string& dir) {
    Typical t;
    if (spec.example) {
        NodeExample ex = spec.example(dir);
        t.params = std::move(ex.params);
        t.shapes = std::move(ex.inputs);
    }
    if (t.shapes.empty())
        for (const auto& p : spec.inputs) t.shapes.push_back(shapeOfPort(p.type));
    return t;
}

/// The value a typical upstream node would deliver on `port` at `step` (the same for a step
/// whichever rig asks, so two rigs see identical input sequences).
Value typicalValue(const PortSpec& port, const Shape& shape, int step, unsigned portIndex) {
    Rng r(1000u * unsigned(step) + portIndex);
    Value v;
    v.type = port.type;
    switch (port.type) {
    case PortType::Tensor: {
        const int rows = std::max(1, shape.rows());
        v.tensor = randomMatrix(rows, kBatch, unsigned(r()), 1.f);
        if (shape.classes > 0)
            for (Eigen::Index i = 0; i < v.tensor.size(); ++i)
                v.tensor(i) = float(r() % unsigned(shape.classes));
        else if (shape.width > 0)  // image: intensities in (0, 1]
            v.tensor = (v.tensor.array() + 1.1f) / 2.1f;
        break;
    }
    case PortType::Scalar:
        v.tensor = Matrix::Constant(1, 1, float(step % 2 == 0 ? 0.75 : 0.25));
        break;
    case PortType::Spikes: {
        v.spikes.neurons = std::max(1, shape.features);
        v.spikes.t = (step + 1) * 1e-4;
        for (int i = 0; i < v.spikes.neurons; ++i)
            if (r() % 3 == 0) v.spikes.fired.push_back(i);
        break;
    }
    case PortType::Events: {
        auto& p = v.events;
        p.width = shape.width > 0 ? shape.width : 32;
        p.height = shape.height > 0 ? shape.height : 32;
        p.tBegin = std::int64_t(step) * 1000;
        p.tEnd = p.tBegin + 1000;
        for (int i = 0; i < 200; ++i) {
            Event e;
            e.t = p.tBegin + std::int64_t(i) * 5;
            e.x = std::uint16_t(r() % unsigned(p.width));
            e.y = std::uint16_t(r() % unsigned(p.height));
            e.p = std::uint8_t(r() % 2);
            p.events.push_back(e);
        }
        break;
    }
    }
    return v;
}

void feed(KernelRig& rig, const Typical& t, int step) {
    rig.inputs.clear();
    for (size_t i = 0; i < rig.spec->inputs.size(); ++i)
        rig.inputs.push_back(typicalValue(rig.spec->inputs[i], t.shapes[i], step, unsigned(i)));
    rig.step = std::uint64_t(step);
}

bool sameTensor(const Matrix& a, const Matrix& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    for (Eigen::Index i = 0; i < a.size(); ++i)
        if (!(a(i) == b(i) || (std::isnan(a(i)) && std::isnan(b(i))))) return false;
    return true;
}

/// "" when equal, else which output differs.
QString compareOutputs(const KernelRig& a, const KernelRig& b, int step) {
    for (size_t i = 0; i < a.outputs.size(); ++i) {
        const Value& x = a.outputs[i];
        const Value& y = b.outputs[i];
        bool same = sameTensor(x.tensor, y.tensor) && x.spikes.neurons == y.spikes.neurons &&
                    x.spikes.fired == y.spikes.fired && x.events.events.size() == y.events.events.size();
        for (size_t k = 0; same && k < x.events.events.size(); ++k) {
            const Event& e = x.events.events[k];
            const Event& f = y.events.events[k];
            same = e.t == f.t && e.x == f.x && e.y == f.y && e.p == f.p;
        }
        if (!same)
            return QString("output '%1' differs at step %2")
                .arg(QString::fromStdString(a.spec->outputs[i].name)).arg(step);
    }
    return {};
}

/// Runs both rigs kSteps on the same typical inputs with identically seeded step generators.
QString runBoth(KernelRig& a, KernelRig& b, const Typical& t) {
    a.rng.seed(77);
    b.rng.seed(77);
    for (int s = 0; s < kSteps; ++s) {
        feed(a, t, s);
        feed(b, t, s);
        a.forward();
        b.forward();
        QString diff = compareOutputs(a, b, s);
        if (!diff.isEmpty()) return diff;
    }
    return {};
}

/// Values each parameter must refuse: out of range, of the wrong type, not a choice.
std::vector<ParamValue> invalidValues(const ParamSpec& p) {
    std::vector<ParamValue> bad;
    switch (p.type) {
    case ParamType::Int:
        if (std::isfinite(p.min) && p.min > -9e18) bad.push_back(std::int64_t(p.min) - 1);
        if (std::isfinite(p.max) && p.max < 9e18) bad.push_back(std::int64_t(p.max) + 1);
        bad.push_back(0.5);
        bad.push_back(std::string("many"));
        break;
    case ParamType::Float:
        if (std::isfinite(p.min)) bad.push_back(p.min - std::max(1.0, std::abs(p.min)));
        if (std::isfinite(p.max)) bad.push_back(p.max + std::max(1.0, std::abs(p.max)));
        bad.push_back(std::nan(""));
        bad.push_back(std::string("fast"));
        break;
    case ParamType::Bool:
        bad.push_back(std::string("yes"));
        bad.push_back(std::int64_t(2));
        break;
    case ParamType::Enum:
        bad.push_back(std::string("no_such_choice"));
        bad.push_back(std::int64_t(1));
        break;
    case ParamType::String:
        bad.push_back(2.5);
        bad.push_back(true);
        break;
    }
    return bad;
}

}  // namespace

class TstNodeContract : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    void typeRows() {
        QTest::addColumn<QString>("type");
        for (const auto& s : NodeRegistry::instance().all()) QTest::newRow(s.type.c_str()) << QString::fromStdString(s.type);
    }
    Typical typical(const QString& type) {
        const NodeSpec* spec = NodeRegistry::instance().find(type.toStdString());
        QDir(dir_.path()).mkpath(type);
        return typicalOf(*spec, dir_.filePath(type).toStdString());
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(NodeRegistry::instance().all().size() > 30);
    }

    void buildsAndRuns_data() { typeRows(); }
    void buildsAndRuns() {
        QFETCH(QString, type);
        try {
            const Typical t = typical(type);
            KernelRig rig(type.toStdString(), t.params, t.shapes);
            QCOMPARE(rig.outShapes.size(), rig.spec->outputs.size());
            for (int s = 0; s < kSteps; ++s) {
                feed(rig, t, s);
                rig.forward();
            }
            for (size_t i = 0; i < rig.outputs.size(); ++i) {
                const Value& v = rig.outputs[i];
                QCOMPARE(v.type, rig.spec->outputs[i].type);
                if (v.type == PortType::Scalar) QCOMPARE(v.tensor.size(), Eigen::Index(1));
                if (v.type == PortType::Spikes)
                    for (auto n : v.spikes.fired) QVERIFY(n >= 0 && n < v.spikes.neurons);
            }
            Observables obs;
            rig.kernel->observe(obs);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(type + ": " + e.what()));
        }
    }

    void deterministicForASeed_data() { typeRows(); }
    void deterministicForASeed() {
        QFETCH(QString, type);
        try {
            const Typical t = typical(type);
            KernelRig a(type.toStdString(), t.params, t.shapes, 4242);
            KernelRig b(type.toStdString(), t.params, t.shapes, 4242);
            const QString diff = runBoth(a, b, t);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(type + ": " + e.what()));
        }
    }

    void gradientMatchesFiniteDifferences_data() { typeRows(); }
    void gradientMatchesFiniteDifferences() {
        QFETCH(QString, type);
        try {
            const Typical t = typical(type);
            KernelRig rig(type.toStdString(), t.params, t.shapes);
            // the engine back-propagates through differentiable kernels and from every loss
            if (!rig.kernel->differentiable() && rig.spec->role != NodeRole::Loss) return;
            feed(rig, t, 0);
            std::vector<int> check;
            for (size_t i = 0; i < rig.inputs.size(); ++i)
                if (rig.inputs[i].type == PortType::Tensor && t.shapes[i].classes == 0) check.push_back(int(i));
            gradientCheck(rig, check, 1e-2, 3e-2);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(type + ": " + e.what()));
        }
    }

    void stateRoundTripsIntoAnotherSeed_data() { typeRows(); }
    void stateRoundTripsIntoAnotherSeed() {
        QFETCH(QString, type);
        try {
            const Typical t = typical(type);
            KernelRig a(type.toStdString(), t.params, t.shapes, 1);
            // train (or simply run) the source a little, so its state is not the initial one
            for (int s = 0; s < 2; ++s) {
                feed(a, t, s);
                a.forward();
                if (a.kernel->differentiable()) {
                    std::vector<Matrix> gradOut(a.outputs.size());
                    for (size_t i = 0; i < a.outputs.size(); ++i)
                        if (a.outputs[i].type == PortType::Tensor) gradOut[i] = Matrix::Ones(a.outputs[i].tensor.rows(), a.outputs[i].tensor.cols());
                    for (auto& p : a.kernel->parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
                    a.backward(gradOut);
                    for (auto& p : a.kernel->parameters()) *p.value -= 0.01f * *p.grad;
                }
            }
            const KernelState saved = a.kernel->saveState();
            KernelRig fresh(type.toStdString(), t.params, t.shapes, 1);
            fresh.kernel->loadState(saved);
            KernelRig other(type.toStdString(), t.params, t.shapes, 987654321);
            other.kernel->loadState(saved);
            // the state says what it holds: saving the loaded kernel gives it back
            const KernelState again = other.kernel->saveState();
            QCOMPARE(again.size(), saved.size());
            for (const auto& [name, m] : saved) {
                QVERIFY2(again.count(name), name.c_str());
                QVERIFY2(sameTensor(again.at(name), m), name.c_str());
            }
            const QString diff = runBoth(fresh, other, t);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(type + ": " + e.what()));
        }
    }

    void invalidParametersRejectedByName_data() { typeRows(); }
    void invalidParametersRejectedByName() {
        QFETCH(QString, type);
        try {
            Graph g;
            const NodeId id = g.addNode(type.toStdString());
            const ParamSet before = g.node(id)->params;
            for (const auto& p : g.spec(id)->params) {
                for (const ParamValue& v : invalidValues(p)) {
                    auto err = g.setParam(id, p.name, v);
                    const QString what = QString("%1 = %2").arg(QString::fromStdString(p.name),
                                                                QString::fromStdString(paramToString(v)));
                    QVERIFY2(err.has_value(), qPrintable("accepted " + what));
                    QVERIFY2(QString::fromStdString(*err).contains(QString::fromStdString("'" + p.name + "'")),
                             qPrintable(what + " rejected without naming it: " + QString::fromStdString(*err)));
                }
            }
            QVERIFY(g.node(id)->params == before);
            QVERIFY(g.setParam(id, "no_such_parameter", 1.0).has_value());
        } catch (const std::exception& e) {
            QFAIL(qPrintable(type + ": " + e.what()));
        }
    }

    // Contract items 9 and 10: a linear map names one of the kernel's trainable weights (and bias)
    // and a tensor input as wide as the weight; only data sources present tasks.
    void linearMapsNameTrainableWeights_data() { typeRows(); }
    void linearMapsNameTrainableWeights() {
        QFETCH(QString, type);
        try {
            const Typical t = typical(type);
            KernelRig rig(type.toStdString(), t.params, t.shapes);
            const auto params = rig.kernel->parameters();
            const auto trained = [&](const Matrix* m) {
                return std::any_of(params.begin(), params.end(), [&](const Parameter& p) { return p.value == m; });
            };
            for (const LinearMap& m : rig.kernel->linearMaps()) {
                QVERIFY2(m.weight && trained(m.weight), qPrintable(type + ": the weight is not a parameter"));
                QVERIFY2(!m.bias || trained(m.bias), qPrintable(type + ": the bias is not a parameter"));
                QVERIFY2(!m.bias || (m.bias->rows() == m.weight->rows() && m.bias->cols() == 1), qPrintable(type));
                QVERIFY(m.inputPort >= 0 && std::size_t(m.inputPort) < rig.spec->inputs.size());
                QCOMPARE(rig.spec->inputs[std::size_t(m.inputPort)].type, PortType::Tensor);
                QCOMPARE(int(m.weight->cols()), t.shapes[std::size_t(m.inputPort)].features);
            }
            if (rig.kernel->task() >= 0) QCOMPARE(rig.spec->role, NodeRole::Source);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(type + ": " + e.what()));
        }
    }
};

QTEST_GUILESS_MAIN(TstNodeContract)
#include "tst_node_contract.moc"
