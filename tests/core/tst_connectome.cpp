// Connectome import and network: parsing (separators, header, comments), malformed rows rejected
// with line numbers, unknown names reported, cell classes from names, symmetric gap junctions,
// the White et al. (1986) table from ../shared when present, and the touch response.
#include "core/worm/connectome_network.h"
#include "core/worm/worm_observables.h"
#include "kernel_harness.h"

#include <QtTest>

#include <filesystem>

using namespace ganglion;
using namespace ganglion::worm;

namespace {

const std::string kWhite = std::string(GANGLION_SHARED_DIR) + "/data/connectome/white_1986_whole.tsv";

const char* kSmall =
    "pre\tpost\ttype\tsynapses\n"
    "# touch circuit fragment\n"
    "ALML\tAVDL\tchemical\t3\n"
    "AVM,AVDR,chemical,2\n"
    "\n"
    "AVDL\tAVAL\tchemical\t5\n"
    "AVAL\tAVAR\telectrical\t2\n"
    "DD1\tVB1\tchemical\t4\n"
    "VB1\tMVL07\tchemical\t1\n";

}  // namespace

class TstConnectome : public QObject {
    Q_OBJECT
private slots:
    void parsesMixedSeparators();
    void malformedRowsRejectedWithLineNumbers_data();
    void malformedRowsRejectedWithLineNumbers();
    void publishedLayoutsMappedByHeader_data();
    void publishedLayoutsMappedByHeader();
    void layoutProblemsNamed_data();
    void layoutProblemsNamed();
    void unknownNamesReported();
    void classifiesNames_data();
    void classifiesNames();
    void gapJunctionsSymmetric();
    void resolvesNamesAndStems();
    void whiteTableCounts();
    void touchResponse();
    void lifNeuronsSpike();
    void nodeBuildsAndReports();
};

void TstConnectome::parsesMixedSeparators() {
    const ConnectomeTable t = parseConnectomeText(kSmall);
    QCOMPARE(t.errorCount(), 0);
    QCOMPARE(int(t.rows.size()), 6);
    QCOMPARE(int(t.cells.size()), 9);
    QCOMPARE(t.countRows(SynapseType::Chemical), 5);
    QCOMPARE(t.countRows(SynapseType::Electrical), 1);
    QCOMPARE(t.countSynapses(SynapseType::Chemical), 15LL);
    QCOMPARE(t.rows[1].line, 4);  // the comma row
    QCOMPARE(t.cells[t.rows[1].pre], std::string("AVM"));
    QCOMPARE(t.presynapticCells(), 6);
}

void TstConnectome::malformedRowsRejectedWithLineNumbers_data() {
    QTest::addColumn<QString>("row");
    QTest::addColumn<QString>("expect");
    QTest::newRow("three fields") << "ALML\tAVDL\tchemical" << "expected 4 fields";
    QTest::newRow("five fields") << "ALML\tAVDL\tchemical\t2\t9" << "expected 4 fields";
    QTest::newRow("count not a number") << "ALML\tAVDL\tchemical\tmany" << "'many' is not a positive integer";
    QTest::newRow("count zero") << "ALML\tAVDL\tchemical\t0" << "not a positive integer";
    QTest::newRow("count with junk") << "ALML\tAVDL\tchemical\t3x" << "not a positive integer";
    QTest::newRow("bad type") << "ALML\tAVDL\tmagnetic\t1" << "unknown synapse type 'magnetic'";
    QTest::newRow("empty name") << "\tAVDL\tchemical\t1" << "empty cell name";
}

void TstConnectome::malformedRowsRejectedWithLineNumbers() {
    QFETCH(QString, row);
    QFETCH(QString, expect);
    const std::string text = "pre\tpost\ttype\tsynapses\nALML\tAVDL\tchemical\t1\n" + row.toStdString() +
                             "\nAVM\tAVDR\tchemical\t2\n";
    const ConnectomeTable t = parseConnectomeText(text);
    QCOMPARE(t.errorCount(), 1);
    QCOMPARE(t.problems[0].line, 3);
    QVERIFY2(QString::fromStdString(t.problems[0].message).contains(expect), t.problems[0].message.c_str());
    QCOMPARE(int(t.rows.size()), 2);  // the good rows around it are kept
    QVERIFY(QString::fromStdString(t.problemSummary()).startsWith("line 3: "));
}

// The same small wiring (ADAL→AIBL 10 chemical, ADAL–ADFL 1 electrical, AVAL→AVAR 3 chemical) in
// each published layout: columns found by header name in any order, padded or quoted names
// trimmed, each layout's type words understood.
void TstConnectome::publishedLayoutsMappedByHeader_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("Cook et al. 2019 edge list") << "Source,Target,Weight,Type\n"
                                                   "ADAL ,AIBL ,10,chemical\n"
                                                   "ADAL ,ADFL ,1,electrical\n"
                                                   "AVAL ,AVAR ,3,chemical\n";
    QTest::newRow("OpenWorm connectome.csv") << "Origin,Target,Type,Number of Connections,Neurotransmitter\n"
                                                "ADAL,AIBL,Send,10,Glutamate\n"
                                                "ADAL,ADFL,GapJunction,1,Generic_GJ\n"
                                                "AVAL,AVAR,Send,3,\n";
    QTest::newRow("White 1986 TSV") << "pre\tpost\ttype\tsynapses\n"
                                       "ADAL\tAIBL\tchemical\t10\n"
                                       "ADAL\tADFL\telectrical\t1\n"
                                       "AVAL\tAVAR\tchemical\t3\n";
    QTest::newRow("WormAtlas NeuronConnect") << "Neuron 1\tNeuron 2\tType\tNbr\n"
                                                "ADAL\tAIBL\tS\t6\n"
                                                "ADAL\tAIBL\tSp\t4\n"
                                                "AIBL\tADAL\tRp\t4\n"
                                                "ADAL\tADFL\tEJ\t1\n"
                                                "AVAL\tAVAR\tSp\t3\n"
                                                "AVAR\tAVAL\tR\t3\n";
    QTest::newRow("any order, semicolons, quotes") << "\"type\";\"weight\";\"target\";\"source\";\"notes\"\n"
                                                      "chem;10;\"AIBL\";\"ADAL\";x\n"
                                                      "elec;1;\"ADFL\";\"ADAL\";\n"
                                                      "chem;3;\"AVAR\";\"AVAL\";y\n";
    QTest::newRow("presynaptic/postsynaptic/count, upper case") << "PRESYNAPTIC,POSTSYNAPTIC,COUNT,SYNAPSE_TYPE\n"
                                                                   "ADAL,AIBL,10,Chemical\n"
                                                                   "ADAL,ADFL,1,Electrical\n"
                                                                   "AVAL,AVAR,3,CHEMICAL\n";
    QTest::newRow("no header: pre, post, type, synapses") << "ADAL\tAIBL\tchemical\t10\n"
                                                             "ADAL\tADFL\telectrical\t1\n"
                                                             "AVAL\tAVAR\tchemical\t3\n";
}

void TstConnectome::publishedLayoutsMappedByHeader() {
    QFETCH(QString, text);
    const ConnectomeTable t = parseConnectomeText(text.toStdString());
    QVERIFY2(t.errorCount() == 0, t.problemSummary().c_str());
    QCOMPARE(t.countSynapses(SynapseType::Chemical), 13LL);
    QCOMPARE(t.countSynapses(SynapseType::Electrical), 1LL);
    QCOMPARE(t.countRows(SynapseType::Electrical), 1);
    QCOMPARE(t.cells[std::size_t(t.rows[0].pre)], std::string("ADAL"));
    QCOMPARE(t.cells[std::size_t(t.rows[0].post)], std::string("AIBL"));
    for (const auto& name : {"ADAL", "AIBL", "ADFL", "AVAL", "AVAR"}) QVERIFY2(t.indexOf(name) >= 0, name);
    QCOMPARE(int(t.cells.size()), 5);
    for (const auto& p : t.problems) {  // receive rows are counted once, not used
        QVERIFY(!p.error);
        QVERIFY2(QString::fromStdString(p.message).contains("2 receive rows"), p.message.c_str());
    }
}

void TstConnectome::layoutProblemsNamed_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("expect");
    QTest::addColumn<int>("rows");
    QTest::newRow("missing type column") << "Source,Target,Weight\nADAL,AIBL,10\n" << 1
                                         << "header: no column for the synapse type" << 0;
    QTest::newRow("missing count column") << "pre\tpost\ttype\nADAL\tAIBL\tchemical\n" << 1
                                          << "no column for the synapse count" << 0;
    QTest::newRow("column given twice") << "Source,Origin,Target,Type,Weight\nADAL,ADAL,AIBL,chemical,1\n" << 1
                                        << "columns 1 ('Source') and 2 ('Origin') both give the presynaptic cell" << 0;
    QTest::newRow("unknown type, mapped column") << "Source,Target,Weight,Type\nADAL,AIBL,10,magnetic\nADAL,ADFL,1,electrical\n"
                                                 << 2 << "column 4 (Type): unknown synapse type 'magnetic'" << 1;
    QTest::newRow("bad count, mapped column") << "Source,Target,Weight,Type\nADAL,AIBL,ten,chemical\n" << 2
                                              << "column 3 (Weight): synapse count 'ten' is not a positive integer" << 0;
    QTest::newRow("row shorter than header") << "Origin,Target,Type,Number of Connections,Neurotransmitter\nADAL,AIBL,Send,10\n"
                                             << 2 << "expected 5 fields (Origin, Target, Type, Number of Connections, Neurotransmitter), found 4" << 0;
    // Cook's column order without its header keeps the documented order, and says where it failed.
    QTest::newRow("Cook order without header") << "ADAL,AIBL,10,chemical\n" << 1
                                               << "column 3 (type): unknown synapse type '10'" << 0;
}

void TstConnectome::layoutProblemsNamed() {
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(QString, expect);
    QFETCH(int, rows);
    const ConnectomeTable t = parseConnectomeText(text.toStdString());
    QCOMPARE(t.errorCount(), 1);
    QCOMPARE(t.problems[0].line, line);
    QVERIFY2(QString::fromStdString(t.problems[0].message).contains(expect), t.problems[0].message.c_str());
    QCOMPARE(int(t.rows.size()), rows);
}

void TstConnectome::unknownNamesReported() {
    const ConnectomeTable t = parseConnectomeText("ALML\tFOO1\tchemical\t1\nFOO1\tAVAL\tchemical\t1\nBAR\tAVAL\telectrical\t1\n");
    QCOMPARE(t.errorCount(), 0);
    QCOMPARE(int(t.problems.size()), 2);  // each unknown name once, where first seen
    QCOMPARE(t.problems[0].line, 1);
    QVERIFY(QString::fromStdString(t.problems[0].message).contains("FOO1"));
    QCOMPARE(t.problems[1].line, 3);
    QCOMPARE(t.classes[t.indexOf("FOO1")], CellClass::Unknown);
    QCOMPARE(int(t.rows.size()), 3);
}

void TstConnectome::classifiesNames_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("cls");
    QTest::addColumn<QString>("stem");
    const int S = int(CellClass::Sensory), I = int(CellClass::Inter), M = int(CellClass::Motor);
    QTest::newRow("ALML") << "ALML" << S << "ALM";
    QTest::newRow("AVM") << "AVM" << S << "AVM";
    QTest::newRow("CEPDL") << "CEPDL" << S << "CEP";
    QTest::newRow("ASEL") << "ASEL" << S << "ASE";
    QTest::newRow("AVAL") << "AVAL" << I << "AVA";
    QTest::newRow("AVL") << "AVL" << I << "AVL";
    QTest::newRow("SAADL") << "SAADL" << I << "SAA";
    QTest::newRow("VB11") << "VB11" << M << "VB";
    QTest::newRow("AS10") << "AS10" << M << "AS";
    QTest::newRow("RMED") << "RMED" << M << "RME";
    QTest::newRow("SMBDL") << "SMBDL" << M << "SMB";
    QTest::newRow("MCL") << "MCL" << int(CellClass::Pharyngeal) << "MC";
    QTest::newRow("I3") << "I3" << int(CellClass::Pharyngeal) << "I3";
    QTest::newRow("GLRVL") << "GLRVL" << int(CellClass::Glia) << "GLR";
    QTest::newRow("MDL05") << "MDL05" << int(CellClass::Muscle) << "MDL05";
    QTest::newRow("pm4") << "pm4" << int(CellClass::Muscle) << "pm4";
    QTest::newRow("Cook dorsal muscle") << "dBWML1" << int(CellClass::Muscle) << "dBWML1";
    QTest::newRow("Cook ventral muscle") << "vBWMR24" << int(CellClass::Muscle) << "vBWMR24";
    QTest::newRow("body wall") << "LegacyBodyWallMuscles" << int(CellClass::Muscle) << "LegacyBodyWallMuscles";
    QTest::newRow("ALMX") << "ALMX" << int(CellClass::Unknown) << "ALMX";
    QTest::newRow("VB123") << "VB123" << int(CellClass::Unknown) << "VB123";
}

void TstConnectome::classifiesNames() {
    QFETCH(QString, name);
    QFETCH(int, cls);
    QFETCH(QString, stem);
    QCOMPARE(int(classifyCell(name.toStdString())), cls);
    QCOMPARE(QString::fromStdString(cellStem(name.toStdString())), stem);
    QCOMPARE(isInhibitoryNeuron("VD3"), true);
    QVERIFY(cellBodyPosition("VB1") < cellBodyPosition("VB11"));
    QVERIFY(cellBodyPosition("AVAL") < cellBodyPosition("VA6"));
    QVERIFY(cellBodyPosition("VA12") < cellBodyPosition("PLML"));
    QVERIFY(cellBodyPosition("ALML") > cellBodyPosition("ASEL"));
    QCOMPARE(isInhibitoryNeuron("VB3"), false);
}

void TstConnectome::gapJunctionsSymmetric() {
    const ConnectomeTable t = parseConnectomeText(kSmall + std::string("AVAR\tAVAL\telectrical\t2\nRID\tRID\telectrical\t1\n"));
    ConnectomeNetwork net(t, NetworkConfig{});
    Eigen::MatrixXf g = Eigen::MatrixXf(net.gap());
    QCOMPARE(g, Eigen::MatrixXf(g.transpose()));
    const int a = t.indexOf("AVAL"), b = t.indexOf("AVAR"), rid = t.indexOf("RID");
    QCOMPARE(g(a, b), 2.f);  // listed both ways: counted once
    QCOMPARE(g(rid, rid), 0.f);
    // DD1 is GABAergic: its synapse is inhibitory; normalised weights sum to 1 per cell
    Eigen::MatrixXf inh = Eigen::MatrixXf(net.inhibitory());
    QCOMPARE(inh(t.indexOf("VB1"), t.indexOf("DD1")), 1.f);
    QCOMPARE(Eigen::MatrixXf(net.excitatory()).row(t.indexOf("AVAL")).sum(), 1.f);
}

void TstConnectome::resolvesNamesAndStems() {
    ConnectomeNetwork net(parseConnectomeText(kSmall), NetworkConfig{});
    QCOMPARE(net.resolve("AVM, ALML").size(), size_t(2));
    QCOMPARE(net.resolve("AVD").size(), size_t(2));  // class stem: AVDL and AVDR
    try {
        net.resolve("ALML XYZ");
        QFAIL("unknown cell accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY(QString(e.what()).contains("XYZ"));
    }
}

void TstConnectome::whiteTableCounts() {
    if (!std::filesystem::exists(kWhite)) QSKIP(qPrintable(QString("connectome table not found: %1").arg(kWhite.c_str())));
    const ConnectomeTable t = loadConnectomeFile(kWhite);
    // Counted independently (awk/python) from the file: 2961 data rows (the last line has no
    // newline), 2386 chemical and 575 electrical; 309 distinct cells, 293 of them presynaptic.
    QCOMPARE(t.errorCount(), 0);
    QCOMPARE(int(t.problems.size()), 0);
    QCOMPARE(int(t.rows.size()), 2961);
    QCOMPARE(t.countRows(SynapseType::Chemical), 2386);
    QCOMPARE(t.countRows(SynapseType::Electrical), 575);
    QCOMPARE(t.countSynapses(SynapseType::Chemical) + t.countSynapses(SynapseType::Electrical), 8914LL);
    QCOMPARE(int(t.cells.size()), 309);
    QCOMPARE(t.presynapticCells(), 293);
    // 300 of the 302 neurons (CANL/R make no synapses), 3 muscle groups, 6 GLR glia
    const int neurons = t.countClass(CellClass::Sensory) + t.countClass(CellClass::Inter) +
                        t.countClass(CellClass::Motor) + t.countClass(CellClass::Pharyngeal);
    QCOMPARE(neurons, 300);
    QCOMPARE(t.countClass(CellClass::Pharyngeal), 20);
    QCOMPARE(t.countClass(CellClass::Muscle), 3);
    QCOMPARE(t.countClass(CellClass::Glia), 6);
    QCOMPARE(t.countClass(CellClass::Unknown), 0);
    ConnectomeNetwork net(t, NetworkConfig{});
    QCOMPARE(net.size(), 309);
    // 569 distinct gap-junction pairs (6 rows are self-junctions), stored both ways
    QCOMPARE(int(net.gap().nonZeros()), 2 * 569);
}

void TstConnectome::touchResponse() {
    if (!std::filesystem::exists(kWhite)) QSKIP(qPrintable(QString("connectome table not found: %1").arg(kWhite.c_str())));
    const ConnectomeTable t = loadConnectomeFile(kWhite);
    ConnectomeNetwork net(t, NetworkConfig{});
    net.setStimulus(net.resolve("ALML ALMR AVM"), 1.0);
    auto activeCount = [&] { return int((net.activity().array() > 0.5f).count()); };
    for (int s = 0; s < 300; ++s) net.step();
    QCOMPARE(activeCount(), 0);  // quiet at rest
    const int avd = t.indexOf("AVDL"), alm = t.indexOf("ALML");
    const float avdRest = net.activity()(avd);
    net.setStimulusOn(true);
    int peak = 0;
    float avdPeak = 0.f;
    for (int s = 0; s < 300; ++s) {
        net.step();
        peak = std::max(peak, activeCount());
        avdPeak = std::max(avdPeak, net.activity()(avd));
    }
    QVERIFY2(avdPeak > avdRest + 0.5f, qPrintable(QString("AVDL %1 -> %2").arg(avdRest).arg(avdPeak)));
    QVERIFY(net.activity()(alm) > 0.5f);
    QVERIFY2(peak > 20, qPrintable(QString("only %1 cells responded").arg(peak)));
    net.setStimulusOn(false);
    for (int s = 0; s < 1500; ++s) net.step();
    QCOMPARE(activeCount(), 0);  // adaptation brings it back to rest
}

void TstConnectome::lifNeuronsSpike() {
    NetworkConfig cfg;
    cfg.model = NeuronModel::Lif;
    ConnectomeNetwork net(parseConnectomeText(kSmall), cfg);
    net.setStimulus(net.resolve("ALML"), 3.0);
    net.setStimulusOn(true);
    int spikes = 0;
    const int alml = 0;
    for (int s = 0; s < 200; ++s) {
        net.step();
        for (int c : net.fired()) spikes += c == alml;
    }
    QVERIFY2(spikes > 3, qPrintable(QString("%1 spikes").arg(spikes)));
    QVERIFY(net.voltage().maxCoeff() < 1.f);  // reset after each spike
}

void TstConnectome::nodeBuildsAndReports() {
    if (!std::filesystem::exists(kWhite)) QSKIP(qPrintable(QString("connectome table not found: %1").arg(kWhite.c_str())));
    testing::KernelRig rig("Connectome", {{"file", kWhite}, {"stim_start", 0.0}}, {Shape{}});
    QCOMPARE(rig.outShapes[0].features, 309);
    rig.inputs = {Value{PortType::Scalar}};
    for (int k = 0; k < 60; ++k) rig.forward();  // 300 ms with the touch stimulus on
    Observables obs;
    rig.kernel->observe(obs);
    auto info = obs.get<ConnectomeInfo>("connectome");
    auto trace = obs.get<ConnectomeTrace>("connectome_trace");
    QVERIFY(info && trace);
    QCOMPARE(int(info->names.size()), 309);
    QCOMPARE(int(info->edges.size()), 2961);
    QCOMPARE(int(trace->history.cols()), 60);
    QCOMPARE(trace->stimulated.size(), size_t(3));
    QVERIFY(trace->stimulusOn);
    QVERIFY(obs.scalars.at("active_cells") > 3);
    // bad inputs name the problem
    try {
        testing::KernelRig bad("Connectome", {{"file", std::string("/nonexistent/table.tsv")}}, {Shape{}});
        QFAIL("missing file accepted");
    } catch (const BuildError& e) {
        QVERIFY(QString(e.what()).contains("/nonexistent/table.tsv"));
    }
    try {
        testing::KernelRig bad("Connectome", {{"file", kWhite}, {"stimulus", std::string("ALML, NOPE")}}, {Shape{}});
        QFAIL("unknown stimulus cell accepted");
    } catch (const BuildError& e) {
        QVERIFY(QString(e.what()).contains("NOPE"));
    }
}

QTEST_GUILESS_MAIN(TstConnectome)
#include "tst_connectome.moc"
