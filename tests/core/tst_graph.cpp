// Graph model, validation (data-driven: each case names the node and port it must report),
// JSON round trip and rejection of malformed files.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/graph/validate.h"

#include <QtTest>

using namespace ganglion;

namespace {

/// A tiny graph language for test cases: "Type:Name" nodes and "A.out>B.in" edges.
Graph makeGraph(const QStringList& nodes, const QStringList& edges) {
    Graph g;
    for (const QString& n : nodes) {
        const auto parts = n.split(':');
        const NodeId id = g.addNode(parts[0].toStdString());
        if (parts.size() > 1) g.rename(id, parts[1].toStdString());
        for (int i = 2; i < parts.size(); ++i) {  // extra "param=value" items
            const auto kv = parts[i].split('=');
            bool isInt = false;
            const qlonglong iv = kv[1].toLongLong(&isInt);
            ParamValue v = isInt ? ParamValue(std::int64_t(iv)) : ParamValue(kv[1].toStdString());
            if (auto err = g.setParam(id, kv[0].toStdString(), v)) throw std::runtime_error(*err);
        }
    }
    for (const QString& e : edges) {
        const auto ends = e.split('>');
        const auto a = ends[0].split('.'), b = ends[1].split('.');
        Edge edge;
        edge.from = {g.nodeByName(a[0].toStdString())->id, a[1].toStdString()};
        edge.to = {g.nodeByName(b[0].toStdString())->id, b[1].toStdString()};
        edge.id = g.nextId();
        g.insertEdge(edge);
    }
    return g;
}

/// All problems of a graph: structural ones, then what the engine's build (shapes) reports.
QString problems(const Graph& g) {
    Engine e;
    auto issues = e.build(g);
    QString s = QString::fromStdString(formatIssues(issues));
    if (!e.ok() && issues.empty()) s += QString::fromStdString(e.error());
    if (!e.ok() && !issues.empty() && !hasErrors(validateStructure(g))) s += QString::fromStdString(e.error());
    return s;
}

}  // namespace

class TstGraph : public QObject {
    Q_OBJECT
private slots:
    void validation_data() {
        QTest::addColumn<QStringList>("nodes");
        QTest::addColumn<QStringList>("edges");
        QTest::addColumn<QString>("expected");  // "" = valid; else substrings joined by '|'
        const QStringList mlp{"PlaygroundData:D", "Dense:H:units=2", "Loss:L"};
        QTest::newRow("valid") << mlp << QStringList{"D.x>H.in", "H.out>L.pred", "D.y>L.target"} << "";
        QTest::newRow("missing required input")
            << mlp << QStringList{"D.x>H.in", "H.out>L.pred"} << "'L'|required input 'target'";
        QTest::newRow("unconnected layer") << QStringList{"Dense:H"} << QStringList{} << "'H'|required input 'in'";
        QTest::newRow("class count mismatch")
            << QStringList{"PlaygroundData:D", "Dense:H:units=3", "Loss:L"}
            << QStringList{"D.x>H.in", "H.out>L.pred", "D.y>L.target"} << "'L'|'pred'|3 outputs|2 classes";
        QTest::newRow("mse width mismatch")
            << QStringList{"PlaygroundData:D", "Dense:H:units=3", "Loss:L:loss=mse"}
            << QStringList{"D.x>H.in", "H.out>L.pred", "D.y>L.target"} << "'L'|'target'|1 rows|3";
        QTest::newRow("cycle without recurrence")
            << QStringList{"PlaygroundData:D", "Dense:A", "Dense:B", "Activation:R"}
            << QStringList{"A.out>B.in", "B.out>R.in", "R.out>A.in"} << "cycle|'A'|'B'|'R'|recurrence";
        QTest::newRow("classifier labels") << QStringList{"PlaygroundData:D", "Dense:H:units=4", "Classifier:C"}
                                           << QStringList{"D.x>H.in", "H.out>C.logits", "D.y>C.labels"}
                                           << "'C'|4 scores|2 classes";
    }
    void validation() {
        QFETCH(QStringList, nodes);
        QFETCH(QStringList, edges);
        QFETCH(QString, expected);
        const QString got = problems(makeGraph(nodes, edges));
        if (expected.isEmpty()) {
            QVERIFY2(got.isEmpty(), qPrintable(got));
            return;
        }
        for (const QString& part : expected.split('|'))
            QVERIFY2(got.contains(part), qPrintable(QString("'%1' not in: %2").arg(part, got)));
    }

    void connectRefusesIncompatiblePorts_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected");
        QTest::newRow("input as source") << "H.in" << "L.pred" << "is an input";
        QTest::newRow("output as target") << "D.x" << "H.out" << "is an output";
        QTest::newRow("unknown port") << "D.z" << "H.in" << "no output port 'z'";
        QTest::newRow("self loop") << "H.out" << "H.in" << "itself";
        QTest::newRow("taken input") << "D.y" << "L.target" << "already connected";
    }
    void connectRefusesIncompatiblePorts() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        Graph g = makeGraph({"PlaygroundData:D", "Dense:H", "Loss:L"}, {"D.y>L.target"});
        auto ep = [&](const QString& s) {
            const auto p = s.split('.');
            return Endpoint{g.nodeByName(p[0].toStdString())->id, p[1].toStdString()};
        };
        auto err = g.canConnect(ep(from), ep(to));
        QVERIFY(err.has_value());
        QVERIFY2(QString::fromStdString(*err).contains(expected), err->c_str());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, g.connect(ep(from), ep(to)));
        // a connection that would replace the input's edge is judged on everything else
        const bool onlyTaken = expected == "already connected";
        QCOMPARE(!g.canConnect(ep(from), ep(to), true).has_value(), onlyTaken);
    }

    void parameterRangesEnforced() {
        Graph g;
        const NodeId d = g.addNode("Dense");
        QVERIFY(g.setParam(d, "units", std::int64_t(0)).has_value());
        QVERIFY(g.setParam(d, "units", std::string("ten")).has_value());
        QVERIFY(g.setParam(d, "nonexistent", 1.0).has_value());
        QVERIFY(!g.setParam(d, "units", 12.0).has_value());  // an integral double is accepted
        QCOMPARE(g.node(d)->params.getInt("units"), std::int64_t(12));
        const NodeId a = g.addNode("Activation");
        auto err = g.setParam(a, "function", std::string("softsign"));
        QVERIFY(err && err->find("relu") != std::string::npos);  // lists the choices
    }

    void removeNodeReturnsItsEdges() {
        Graph g = makeGraph({"PlaygroundData:D", "Dense:H", "Loss:L"}, {"D.x>H.in", "H.out>L.pred", "D.y>L.target"});
        auto removed = g.removeNode(g.nodeByName("H")->id);
        QCOMPARE(removed.size(), std::size_t(2));
        QCOMPARE(g.edges().size(), std::size_t(1));
        QVERIFY(!g.nodeByName("H"));
    }

    void uniqueNames() {
        Graph g;
        g.addNode("Dense");
        g.addNode("Dense");
        QVERIFY(g.nodeByName("Dense") && g.nodeByName("Dense 2"));
        QVERIFY(g.rename(g.nodeByName("Dense 2")->id, "Dense").has_value());
    }

    void jsonRoundTripIsExact() {
        Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/spiral_classifier.json");
        g.setParam(g.nodeByName("Loss")->id, "learning_rate", 0.1 + 0.2);  // a double with a long expansion
        g.setPosition(g.nodeByName("Spiral")->id, -1.0 / 3.0, 1e-17);
        const std::string text = graphToJson(g);
        const Graph back = graphFromJson(text);
        QVERIFY(back.sameContent(g));
        QCOMPARE(graphToJson(back), text);
        QCOMPARE(back.nextId() >= g.nextId(), true);
        // the example's gallery place goes along; a graph without one writes none
        QCOMPARE(back.settings().family, std::string("Playground"));
        QCOMPARE(back.settings().level, std::string("starter"));
        Graph own = back;
        own.settings().family.clear();
        own.settings().level.clear();
        own.settings().order = 0;
        QVERIFY(graphToJson(own).find("\"family\"") == std::string::npos);
        QVERIFY(graphFromJson(graphToJson(own)).settings() == own.settings());
    }

    void everyBundledExampleLoadsAndBuilds() {
        QDir dir(GANGLION_SOURCE_DIR "/resources/examples");
        const auto files = dir.entryList({"*.json"});
        QVERIFY(files.size() >= 1);
        for (const QString& f : files) {
            Graph g;
            try {
                g = loadGraphFile(dir.filePath(f).toStdString());
            } catch (const std::exception& e) {
                QFAIL(qPrintable(f + ": " + e.what()));
            }
            Engine e;
            auto issues = e.build(g);
            QFile text(dir.filePath(f));
            text.open(QIODevice::ReadOnly);
            if (!e.ok() && text.readAll().contains("shared/data/") && !QDir(GANGLION_SHARED_DIR).exists()) {
                qWarning("%s needs ../shared/data, absent here: not built", qPrintable(f));
                continue;
            }
            QVERIFY2(e.ok(), qPrintable(f + ": " + QString::fromStdString(formatIssues(issues) + e.error())));
        }
    }

    void malformedFilesRejected_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << "{\n  \"format\": \"ganglion-graph\",\n  \"version\": 1,\n  \"nodes\": [,]\n}" << "line 4";
        QTest::newRow("not a graph") << R"({"hello": 1})" << "format";
        QTest::newRow("future version") << R"({"format":"ganglion-graph","version":99,"nodes":[]})" << "version 99";
        QTest::newRow("unknown type")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Bogus"}]})" << "nodes[0].type";
        QTest::newRow("bad param value")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Dense","params":{"units":-4}}]})"
            << "nodes[0].params.units";
        QTest::newRow("unknown param")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Dense","params":{"width":4}}]})"
            << "nodes[0].params.width";
        QTest::newRow("duplicate id")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Dense"},{"id":1,"type":"Dense"}]})"
            << "nodes[1].id";
        QTest::newRow("edge to missing node")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Dense"}],"edges":[{"id":2,"from":{"node":1,"port":"out"},"to":{"node":7,"port":"in"}}]})"
            << "edges[0]";
        QTest::newRow("edge type mismatch")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Dense"},{"id":2,"type":"Dense"}],"edges":[{"id":3,"from":{"node":1,"port":"in"},"to":{"node":2,"port":"in"}}]})"
            << "is an input";
        QTest::newRow("unknown gallery level")
            << R"({"format":"ganglion-graph","version":1,"settings":{"level":"expert"},"nodes":[]})" << "settings.level";
        QTest::newRow("missing id") << R"({"format":"ganglion-graph","version":1,"nodes":[{"type":"Dense"}]})" << "nodes[0].id";
        // Numbers out of every range and wrong JSON types: a GraphFormatError naming the field
        // (and the value), never a float-to-int conversion or a raw json.exception message.
        const QString node = R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"PlaygroundData",%1}]})";
        const QString settings = R"({"format":"ganglion-graph","version":1,"settings":{%1},"nodes":[]})";
        QTest::newRow("int param 1e300") << node.arg(R"("params":{"samples":1e300})")
                                         << "nodes[0].params.samples: parameter 'samples' = 1e300 is outside [20, 20000]";
        QTest::newRow("int param beyond uint64") << node.arg(R"("params":{"samples":18446744073709551615})")
                                                 << "nodes[0].params.samples: parameter 'samples' = 18446744073709551615 is outside [20, 20000]";
        QTest::newRow("int param given twice") << node.arg(R"("params":{"samples":5e2,"samples":1e300})")
                                               << "nodes[0].params.samples: parameter 'samples' = 1e300 is outside [20, 20000]";
        QTest::newRow("int param -1E+300") << node.arg(R"("params":{"samples":-1E+300})") << "= -1E+300 is outside [20, 20000]";
        QTest::newRow("int param fraction") << node.arg(R"("params":{"samples":20.50})")
                                            << "nodes[0].params.samples: parameter 'samples' expects a integer, got '20.50'";
        QTest::newRow("number beyond double") << node.arg(R"("params":{"samples":11e308})")
                                              << "nodes[0].params.samples: the number 11e308 is too large (line 1, column";
        QTest::newRow("number beyond double in array")
            << R"({"format":"ganglion-graph","version":1,"nodes":[{"id":1,"type":"Dense"},{"id":2e400}]})"
            << "nodes[1].id: the number 2e400 is too large";
        QTest::newRow("name not a string") << node.arg(R"("name":5)") << "nodes[0].name: expected a string";
        QTest::newRow("position not a number") << node.arg(R"("x":"left")") << "nodes[0].x: expected a number";
        QTest::newRow("seed a string") << settings.arg(R"("seed":"abc")") << "settings.seed: expected a non-negative integer";
        QTest::newRow("seed negative") << settings.arg(R"("seed":-3)") << "settings.seed: expected a non-negative integer, got -3";
        QTest::newRow("grid size 1e300") << settings.arg(R"("gridSize":1e300)") << "settings.gridSize: 1e+300 is outside [4, 512]";
        QTest::newRow("eval every a list") << settings.arg(R"("evalEvery":[1])") << "settings.evalEvery: expected an integer";
        QTest::newRow("title a number") << settings.arg(R"("title":5)") << "settings.title: expected a string";
        QTest::newRow("dt beyond double") << settings.arg(R"("dt":1e999)") << "settings.dt: the number 1e999 is too large";
        QTest::newRow("version 1e300") << R"({"format":"ganglion-graph","version":1e300,"nodes":[]})" << "version: expected an integer";
        QTest::newRow("version huge") << R"({"format":"ganglion-graph","version":99999999999,"nodes":[]})"
                                      << "format version 99999999999 is not supported";
    }
    void malformedFilesRejected() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        try {
            graphFromJson(text.toStdString());
            QFAIL("accepted a malformed file");
        } catch (const GraphFormatError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
            // Only a syntax error quotes the JSON library (for its description of the error).
            if (QString(QTest::currentDataTag()) != "syntax") QVERIFY2(!QString(e.what()).contains("json.exception"), e.what());
        }
    }

    void atomicSaveLeavesNoTempFile() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("g.json").toStdString();
        Graph g = makeGraph({"PlaygroundData:D"}, {});
        saveGraphFile(g, path);
        QVERIFY(loadGraphFile(path).sameContent(g));
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".tmp-save")));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, saveGraphFile(g, dir.filePath("no/such/dir/g.json").toStdString()));
    }

    void nodeDocsCoverEveryType() {
        const std::string md = NodeRegistry::instance().markdownReference();
        for (const auto& s : NodeRegistry::instance().all()) {
            QVERIFY2(md.find("`" + s.type + "`") != std::string::npos, s.type.c_str());
            for (const auto& p : s.params) {
                QVERIFY2(!p.help.empty(), (s.type + "." + p.name + " has no help text").c_str());
                QVERIFY2(!p.check(p.def), (s.type + "." + p.name).c_str());
            }
            QVERIFY2(!s.help.empty() && !s.category.empty() && s.create, s.type.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TstGraph)
#include "tst_graph.moc"
