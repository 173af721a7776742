// Inspector: editors generated from the NodeSpec, edits become SetParam/Rename undo commands,
// ranges are enforced, help text is shown, undo refreshes the editors, errors show inline,
// file-path parameters get a file-dialog button.
#include "document/graph_commands.h"
#include "widgets/inspector/inspector.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QUndoStack>
#include <QtTest>

using namespace ganglion;

namespace {
struct Rig {
    Graph graph;
    QUndoStack stack;
    Inspector inspector{&graph};
    NodeId dense = 0, loss = 0;

    Rig() {
        QObject::connect(&inspector, &Inspector::requestParamChange,
                         [this](NodeId id, const QString& name, const ParamValue& o, const ParamValue& n) {
                             stack.push(new SetParamCommand(graph, id, name.toStdString(), o, n));
                         });
        QObject::connect(&inspector, &Inspector::requestRename, [this](NodeId id, const QString& name) {
            stack.push(new RenameCommand(graph, id, name));
        });
        auto* a = new AddNodeCommand(graph, "Dense", {0, 0});
        stack.push(a);
        dense = a->nodeId();
        auto* b = new AddNodeCommand(graph, "Loss", {300, 0});
        stack.push(b);
        loss = b->nodeId();
        stack.clear();
        inspector.resize(360, 700);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    }

    /// Type into a spin box's line edit and press Enter, like a user.
    void typeInto(QAbstractSpinBox* sb, const QString& text) {
        sb->setFocus();
        QLineEdit* le = sb->findChild<QLineEdit*>();
        le->selectAll();
        QTest::keyClicks(le, text);
        QTest::keyClick(le, Qt::Key_Return);
    }
};
}  // namespace

class TestInspector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        for (const char* t : {"Dense", "Loss"})
            QVERIFY2(NodeRegistry::instance().find(t), qPrintable(QStringLiteral("node type %1 is not registered").arg(t)));
    }

    // The cost line shows what the snapshot says about the selected node (the engine counted it;
    // the inspector computes nothing), "–" for MACs a kernel did not count, nothing without one.
    void showsTheSelectedNodesCost() {
        Rig r;
        auto snap = std::make_shared<Snapshot>();
        NodeSnapshot d;
        d.id = r.dense;
        d.cost.counted = true;
        d.cost.params = 12;
        d.cost.forwardMacs = 8;
        d.cost.trainMacs = 24;
        snap->nodes.push_back(d);
        NodeSnapshot l;
        l.id = r.loss;
        l.cost.params = 3;  // counted stays false
        snap->nodes.push_back(l);
        r.inspector.setNode(r.dense);
        QCOMPARE(r.inspector.costText(), QString());
        r.inspector.showCost(snap);
        QCOMPARE(r.inspector.costText(), QString("Cost per sample: 12 params · 8 MACs/sample (train 24)"));
        r.inspector.setNode(r.loss);
        QCOMPARE(r.inspector.costText(), QString("Cost per sample: 3 params · – MACs/sample (train –)"));
        r.inspector.setNode(0);
        QCOMPARE(r.inspector.costText(), QString());
        r.inspector.showCost(std::make_shared<Snapshot>());  // a snapshot without the node
        r.inspector.setNode(r.dense);
        QCOMPARE(r.inspector.costText(), QString());
    }

    void editorsFollowTheSpec_data() {
        QTest::addColumn<QString>("type");
        for (const NodeSpec& s : NodeRegistry::instance().all())
            QTest::newRow(s.type.c_str()) << QString::fromStdString(s.type);
    }
    void editorsFollowTheSpec() {
        QFETCH(QString, type);
        Rig r;
        auto* add = new AddNodeCommand(r.graph, type, {0, 600});
        r.stack.push(add);
        const NodeId id = add->nodeId();
        r.inspector.setNode(id);
        const NodeSpec* spec = r.graph.spec(id);
        for (const ParamSpec& ps : spec->params) {
            QWidget* ed = r.inspector.editor(QString::fromStdString(ps.name));
            QVERIFY2(ed, ps.name.c_str());
            QVERIFY(ed->toolTip().contains(QString::fromStdString(ps.help)));
            switch (ps.type) {
            case ParamType::Int: {
                auto* sb = qobject_cast<QSpinBox*>(ed);
                QVERIFY(sb);
                QCOMPARE(double(sb->minimum()), ps.min);
                QCOMPARE(double(sb->maximum()), ps.max);
                break;
            }
            case ParamType::Float: QVERIFY(qobject_cast<QDoubleSpinBox*>(ed)); break;
            case ParamType::Bool: QVERIFY(qobject_cast<QCheckBox*>(ed)); break;
            case ParamType::Enum: QCOMPARE(qobject_cast<QComboBox*>(ed)->count(), int(ps.choices.size())); break;
            case ParamType::String: QVERIFY(qobject_cast<QLineEdit*>(ed) || ed->inherits("QPlainTextEdit")); break;
            }
            // Help text is also shown as a label, not only as a tooltip.
            bool shown = false;
            for (QLabel* l : r.inspector.findChildren<QLabel*>()) shown = shown || l->text() == QString::fromStdString(ps.help);
            QVERIFY2(shown, ps.name.c_str());
        }
        QCOMPARE(r.inspector.nameField()->text(), QString::fromStdString(r.graph.node(id)->name));
        // The node's help heads the panel.
        bool header = false;
        for (QLabel* l : r.inspector.findChildren<QLabel*>()) header = header || l->text() == QString::fromStdString(spec->help);
        QVERIFY(header);
    }

    void editsBecomeUndoableCommands() {
        Rig r;
        r.inspector.setNode(r.dense);
        auto* units = qobject_cast<QSpinBox*>(r.inspector.editor("units"));
        r.typeInto(units, "24");
        QCOMPARE(r.graph.node(r.dense)->params.getInt("units"), std::int64_t(24));
        QCOMPARE(r.stack.count(), 1);
        auto* bias = qobject_cast<QCheckBox*>(r.inspector.editor("bias"));
        QTest::mouseClick(bias, Qt::LeftButton, {}, QPoint(8, bias->height() / 2));
        QCOMPARE(r.graph.node(r.dense)->params.getBool("bias"), false);
        auto* init = qobject_cast<QComboBox*>(r.inspector.editor("init"));
        init->setCurrentText("he");
        QCOMPARE(r.graph.node(r.dense)->params.getString("init"), std::string("he"));
        QCOMPARE(r.stack.count(), 3);

        // Undo puts the editors back (the inspector observes the graph).
        r.stack.undo();
        QCOMPARE(init->currentText(), QStringLiteral("xavier"));
        r.stack.undo();
        QVERIFY(bias->isChecked());
        r.stack.undo();
        QCOMPARE(units->value(), 8);
        QCOMPARE(r.graph.node(r.dense)->params.getInt("units"), std::int64_t(8));
        r.stack.redo();
        QCOMPARE(units->value(), 24);
    }

    void textParametersCommitOnEnter() {
        // The first registered node type with a one-line text parameter, if any.
        const NodeSpec* spec = nullptr;
        const ParamSpec* text = nullptr;
        for (const NodeSpec& s : NodeRegistry::instance().all())
            for (const ParamSpec& p : s.params)
                if (!text && p.type == ParamType::String && std::get<std::string>(p.def).size() < 40) {
                    spec = &s;
                    text = &p;
                }
        QVERIFY2(text, "no node type with a text parameter is registered");
        Rig r;
        auto* add = new AddNodeCommand(r.graph, QString::fromStdString(spec->type), {0, 600});
        r.stack.push(add);
        const NodeId id = add->nodeId();
        r.stack.clear();  // deletes the command
        r.inspector.setNode(id);
        auto* edit = qobject_cast<QLineEdit*>(r.inspector.editor(QString::fromStdString(text->name)));
        QVERIFY(edit);
        QCOMPARE(edit->text(), QString::fromStdString(std::get<std::string>(text->def)));
        edit->setFocus();
        edit->selectAll();
        QTest::keyClicks(edit, "changed text");
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(r.graph.node(id)->params.getString(text->name), std::string("changed text"));
        QCOMPARE(r.stack.count(), 1);
        r.stack.undo();
        QCOMPARE(edit->text(), QString::fromStdString(std::get<std::string>(text->def)));
    }

    void filePathParametersGetABrowseButton() {
        // The first registered node type with a file-path parameter (a spec with a fileFilter).
        const NodeSpec* spec = nullptr;
        const ParamSpec* file = nullptr;
        for (const NodeSpec& s : NodeRegistry::instance().all())
            for (const ParamSpec& p : s.params)
                if (!file && p.type == ParamType::String && !p.fileFilter.empty()) {
                    spec = &s;
                    file = &p;
                }
        QVERIFY2(file, "no node type with a file-path parameter is registered");
        Rig r;
        auto* add = new AddNodeCommand(r.graph, QString::fromStdString(spec->type), {0, 600});
        r.stack.push(add);
        const NodeId id = add->nodeId();
        r.stack.clear();
        r.inspector.setNode(id);
        auto* edit = qobject_cast<QLineEdit*>(r.inspector.editor(QString::fromStdString(file->name)));
        QVERIFY(edit);
        auto* browse = edit->findChild<QAction*>(QStringLiteral("browse_") + QString::fromStdString(file->name));
        QVERIFY(browse);
        QVERIFY(edit->actions().contains(browse));
        QCOMPARE(browse->toolTip(), QStringLiteral("Choose a file"));
    }

    void rapidSpinStepsMerge() {
        Rig r;
        r.inspector.setNode(r.dense);
        auto* units = qobject_cast<QSpinBox*>(r.inspector.editor("units"));
        units->stepUp();
        units->stepUp();
        units->stepUp();
        QCOMPARE(r.graph.node(r.dense)->params.getInt("units"), std::int64_t(11));
        QCOMPARE(r.stack.count(), 1);  // one undo step for a burst of clicks
        r.stack.undo();
        QCOMPARE(r.graph.node(r.dense)->params.getInt("units"), std::int64_t(8));
    }

    void rangesAreEnforced_data() {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<double>("expected");
        QTest::newRow("inside") << "0.05" << 0.05;
        QTest::newRow("exponent") << "2e-3" << 0.002;
        QTest::newRow("above max") << "25" << 0.01;  // max is 10: rejected, value unchanged
        QTest::newRow("negative") << "-1" << 0.01;   // min is 0
        QTest::newRow("max") << "10" << 10.0;
    }
    void rangesAreEnforced() {
        QFETCH(QString, typed);
        QFETCH(double, expected);
        Rig r;
        r.inspector.setNode(r.loss);
        auto* lr = qobject_cast<QDoubleSpinBox*>(r.inspector.editor("learning_rate"));
        QVERIFY(lr);
        const ParamSpec* ps = r.graph.spec(r.loss)->param("learning_rate");
        QCOMPARE(lr->minimum(), ps->min);
        QCOMPARE(lr->maximum(), ps->max);
        r.typeInto(lr, typed);
        QCOMPARE(r.graph.node(r.loss)->params.getFloat("learning_rate"), expected);
        QCOMPARE(r.stack.count(), expected == 0.01 ? 0 : 1);
        // Whatever was typed, the graph never holds an out-of-range value.
        QVERIFY(!ps->check(r.graph.node(r.loss)->params.get("learning_rate")));
        // Programmatic overshoot is clamped by the editor too.
        r.inspector.setNode(r.dense);
        auto* units = qobject_cast<QSpinBox*>(r.inspector.editor("units"));
        units->setValue(1 << 30);
        QCOMPARE(r.graph.node(r.dense)->params.getInt("units"), std::int64_t(r.graph.spec(r.dense)->param("units")->max));
    }

    void renameAndInlineErrors() {
        Rig r;
        r.inspector.setNode(r.dense);
        QLineEdit* name = r.inspector.nameField();
        name->setFocus();
        name->selectAll();
        QTest::keyClicks(name, "hidden");
        QTest::keyClick(name, Qt::Key_Return);
        QCOMPARE(r.graph.node(r.dense)->name, std::string("hidden"));
        QCOMPARE(r.stack.count(), 1);
        // A name used by another node is refused inline, with no command.
        name->selectAll();
        QTest::keyClicks(name, "Loss");
        QTest::keyClick(name, Qt::Key_Return);
        QCOMPARE(r.graph.node(r.dense)->name, std::string("hidden"));
        QCOMPARE(r.stack.count(), 1);
        QVERIFY(r.inspector.nameError().contains("Loss"));
        // Errors reported by the app show under the parameter and clear again.
        r.inspector.setParamError("units", "units: the next layer expects 4");
        QCOMPARE(r.inspector.paramError("units"), QStringLiteral("units: the next layer expects 4"));
        r.inspector.setParamError("units", QString());
        QVERIFY(r.inspector.paramError("units").isEmpty());
        r.inspector.setNode(r.loss);
        QTest::qWait(50);  // let the layout settle before grabbing
        if (qEnvironmentVariableIsSet("GANGLION_SCREENSHOT_DIR"))
            r.inspector.grab().save(qEnvironmentVariable("GANGLION_SCREENSHOT_DIR") + "/inspector.png");
    }

    void followsTheGraph() {
        Rig r;
        r.inspector.setNode(r.dense);
        auto* units = qobject_cast<QSpinBox*>(r.inspector.editor("units"));
        // An edit made elsewhere (another view, a script) shows up.
        r.stack.push(new SetParamCommand(r.graph, r.dense, "units", std::int64_t(8), std::int64_t(64)));
        QCOMPARE(units->value(), 64);
        // The shown node removed: the inspector empties instead of holding a stale id.
        r.stack.push(new RemoveItemsCommand(r.graph, {r.dense}, {}));
        QCOMPARE(r.inspector.node(), NodeId(0));
        QVERIFY(!r.inspector.editor("units"));
        r.inspector.setNode(12345);  // unknown ids are ignored
        QCOMPARE(r.inspector.node(), NodeId(0));
    }
};

QTEST_MAIN(TestInspector)
#include "tst_inspector.moc"
