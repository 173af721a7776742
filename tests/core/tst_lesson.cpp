// Lessons (core/lesson): the file format and its errors (named by file and line), conditions
// against a headless graph and engine, a step that names something missing (noted on the step,
// the lesson goes on), "Show me" answers, and a graph that carries its lesson through save/load.
#include "core/graph/json_io.h"
#include "core/lesson/headless_host.h"
#include "core/lesson/lesson.h"

#include <QtTest>

#include <nlohmann/json.hpp>

using namespace ganglion;

namespace {

const std::string kExamples = std::string(GANGLION_SOURCE_DIR) + "/resources/examples";

const char* kSpiralLesson = R"(
# A test lesson

Intro text.

## First
Some *Markdown*.
```
> this line is in a code block, not an action
```
> select "Hidden 1"
> highlight node Output
> open view Decision boundary

## Train a little
> play until step 30
> play until "Loss/loss" > 0

## Missing things
> select Hidden 9
> set "Hidden 1".nonsense = 3
> set "Hidden 1".units = -4
> highlight view No such view

## Question
? Make the first layer narrower:
? four units.
> wait until "Hidden 1".units <= 4
> answer set "Hidden 1".units = 4

## End
> play until step 10
)";

}  // namespace

class TstLesson : public QObject {
    Q_OBJECT
private slots:
    void parsesSteps() {
        const Lesson l = parseLesson(kSpiralLesson, "test.lesson.md");
        QCOMPARE(QString::fromStdString(l.title), QString("A test lesson"));
        QCOMPARE(QString::fromStdString(l.intro), QString("Intro text."));
        QCOMPARE(int(l.steps.size()), 5);
        const LessonStep& first = l.steps[0];
        QCOMPARE(int(first.actions.size()), 3);  // the fenced "> …" line is text
        QVERIFY(first.text.find("code block") != std::string::npos);
        QCOMPARE(first.actions[0].kind, LessonAction::Kind::Select);
        QCOMPARE(QString::fromStdString(first.actions[0].node), QString("Hidden 1"));
        QCOMPARE(first.actions[1].kind, LessonAction::Kind::HighlightNode);
        QCOMPARE(QString::fromStdString(first.actions[2].name), QString("Decision boundary"));
        const LessonStep& train = l.steps[1];
        QCOMPARE(train.actions[0].until.kind, LessonCondition::Kind::Steps);
        QCOMPARE(train.actions[0].until.number, 30.0);
        QCOMPARE(train.actions[1].until.kind, LessonCondition::Kind::Scalar);
        QCOMPARE(QString::fromStdString(train.actions[1].until.key), QString("Loss/loss"));
        const LessonStep& q = l.steps[3];
        QCOMPARE(QString::fromStdString(q.question), QString("Make the first layer narrower:\nfour units."));
        QVERIFY(q.hasCheck);
        QCOMPARE(q.check.kind, LessonCondition::Kind::Param);
        QCOMPARE(q.check.op, LessonCondition::Op::Le);
        QCOMPARE(int(q.answer.size()), 1);
        QCOMPARE(QString::fromStdString(q.answer[0].value), QString("4"));
    }

    void conditions_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("negate");
        QTest::newRow("steps") << "step 2000" << int(LessonCondition::Kind::Steps) << false;
        QTest::newRow("steps op") << "steps >= 5" << int(LessonCondition::Kind::Steps) << false;
        QTest::newRow("finished") << "finished" << int(LessonCondition::Kind::Finished) << false;
        QTest::newRow("scalar") << "\"Accuracy/test_accuracy\" > 0.9" << int(LessonCondition::Kind::Scalar) << false;
        QTest::newRow("bare scalar") << "Loss/loss<0.5" << int(LessonCondition::Kind::Scalar) << false;
        QTest::newRow("param") << "\"Hidden 1\".units = 4" << int(LessonCondition::Kind::Param) << false;
        QTest::newRow("bare param") << "Loss.optimizer != sgd" << int(LessonCondition::Kind::Param) << false;
        QTest::newRow("no node") << "no node \"Hidden 2\"" << int(LessonCondition::Kind::NodeExists) << true;
        QTest::newRow("type") << "node of type Dense" << int(LessonCondition::Kind::TypeExists) << false;
        QTest::newRow("no type") << "no node of type G2GLayer" << int(LessonCondition::Kind::TypeExists) << true;
    }
    void conditions() {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(bool, negate);
        const LessonCondition c = parseCondition(text.toStdString());
        QCOMPARE(int(c.kind), kind);
        QCOMPARE(c.negate, negate);
    }

    // A broken file names itself and the line at fault.
    void brokenFileNamesTheLine_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("says");
        QTest::newRow("no title") << "\nHello\n## Step\n" << 2 << "title";
        QTest::newRow("unknown action") << "# T\n## S\ntext\n> fly to the moon\n" << 4 << "unknown action 'fly'";
        QTest::newRow("bad condition") << "# T\n## S\n> play until accuracy is good\n" << 3 << "expected";
        QTest::newRow("bad op") << "# T\n## S\n> wait until \"Loss\".optimizer > adam\n" << 3 << "only = and !=";
        QTest::newRow("quote") << "# T\n## S\n\n> select \"Hidden 1\n" << 4 << "unterminated quote";
        QTest::newRow("set syntax") << "# T\n## S\n> set Hidden 1 units 4\n" << 3 << "set NODE.PARAM";
        QTest::newRow("set member") << "# T\n## S\n> set \"Hidden 1\" = 4\n" << 3 << "NODE.NAME";
        QTest::newRow("before step") << "# T\n> select X\n## S\n" << 2 << "belong to a step";
        QTest::newRow("two checks") << "# T\n## S\n> wait until step 1\n> wait until step 2\n" << 4 << "second";
        QTest::newRow("answer kind") << "# T\n## S\n> wait until step 1\n> answer play until step 3\n" << 4 << "an answer is an edit";
        QTest::newRow("answer no check") << "# T\n\n## S\n> answer set A.b = 1\n" << 3 << "no check";
        QTest::newRow("no steps") << "# T\njust text\n" << 2 << "no steps";
        QTest::newRow("open fence") << "# T\n## S\n```\n> x\n" << 4 << "not closed";
    }
    void brokenFileNamesTheLine() {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(QString, says);
        try {
            parseLesson(text.toStdString(), "broken.lesson.md");
            QFAIL("parsed a broken lesson");
        } catch (const LessonFormatError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(QString("broken.lesson.md:%1: ").arg(line)), qPrintable(msg));
            QVERIFY2(msg.contains(says), qPrintable(msg));
        }
    }

    void unreadableFileIsNamed() {
        try {
            loadLessonFile("/nonexistent/x.lesson.md");
            QFAIL("read a missing file");
        } catch (const LessonFormatError& e) {
            QVERIFY(QString(e.what()).startsWith("/nonexistent/x.lesson.md: "));
        }
    }

    // Steps naming what the graph lacks get notes; the lesson goes on and reaches its end,
    // its run and its question really done ("Show me" applied the answer).
    void missingThingsAreNotedAndTheLessonGoesOn() {
        HeadlessLessonHost host(kExamples);
        host.viewCheck = [](const std::string& title, const Graph&) {
            return title == "Decision boundary" ? std::string() : "there is no view called \"" + title + "\"";
        };
        QCOMPARE(QString::fromStdString(host.openExample("spiral_classifier")), QString());
        LessonRunner runner(parseLesson(kSpiralLesson, "test.lesson.md"), host);
        const LessonDrive drive = driveLesson(runner, host, 5000, 10);
        QVERIFY2(drive.reachedEnd, drive.stuck.c_str());
        QCOMPARE(int(drive.steps.size()), 5);
        QVERIFY(drive.steps[0].status.notes.empty());
        QCOMPARE(host.shownViews.front(), std::string("Decision boundary"));
        QCOMPARE(host.selected.front(), host.graph().nodeByName("Hidden 1")->id);
        QVERIFY(drive.steps[1].engineSteps >= 30);
        const auto& notes = drive.steps[2].status.notes;
        QCOMPARE(int(notes.size()), 4);
        QVERIFY2(notes[0].find("no node named \"Hidden 9\"") != std::string::npos, notes[0].c_str());
        QVERIFY2(notes[1].find("no parameter \"nonsense\"") != std::string::npos, notes[1].c_str());
        QVERIFY2(notes[2].find("units") != std::string::npos, notes[2].c_str());  // out of range, refused
        QVERIFY2(notes[3].find("No such view") != std::string::npos, notes[3].c_str());
        QCOMPARE(host.graph().nodeByName("Hidden 1")->params.getInt("units"), std::int64_t(4));  // the answer
        QVERIFY(drive.steps[3].answered);
        QVERIFY(drive.steps[3].status.checkMet);
    }

    // A question nobody answers keeps the lesson waiting on that step (nothing is skipped).
    void unansweredQuestionWaits() {
        HeadlessLessonHost host(kExamples);
        host.openExample("spiral_classifier");
        LessonRunner runner(parseLesson("# T\n## Ask\n? Remove it\n> wait until no node \"Hidden 2\"\n## After\n", "q.lesson.md"),
                            host);
        const LessonDrive drive = driveLesson(runner, host, 100);
        QVERIFY(!drive.reachedEnd);
        QVERIFY2(drive.stuck.find("\"Hidden 2\" is there") != std::string::npos, drive.stuck.c_str());
        // removing the node meets the check
        host.removeNode(host.graph().nodeByName("Hidden 2")->id);
        QVERIFY(runner.poll().checkMet);
    }

    void backShowsButDoesNotRedoEdits() {
        HeadlessLessonHost host(kExamples);
        host.openExample("spiral_classifier");
        LessonRunner runner(parseLesson("# T\n## A\n> set Loss.learning_rate = 0.05\n> select Output\n## B\n> set Loss.learning_rate = 0.02\n",
                                        "b.lesson.md"),
                            host);
        runner.start();
        runner.next();
        const Node* loss = host.graph().nodeByName("Loss");
        QCOMPARE(loss->params.getFloat("learning_rate"), 0.02);
        host.selected.clear();
        QVERIFY(runner.back());
        QCOMPARE(host.graph().nodeByName("Loss")->params.getFloat("learning_rate"), 0.02);  // not set again
        QCOMPARE(int(host.selected.size()), 1);                                               // but shown again
        QVERIFY(!runner.back());
    }

    void conditionsReadTheEngine() {
        HeadlessLessonHost host(kExamples);
        host.openExample("spiral_classifier");
        const auto eval = [&](const char* c) { return evaluateCondition(parseCondition(c), host); };
        QVERIFY(!eval("step >= 5").met);
        QVERIFY(!eval("\"Loss/loss\" > 0").met);  // nothing measured before a step
        host.play();
        QCOMPARE(host.advance(5), std::uint64_t(5));
        QVERIFY(eval("step >= 5").met);
        QVERIFY(eval("step 5").met);
        QVERIFY(eval("\"Loss/loss\" > 0").met);
        QVERIFY(eval("\"Hidden 1\".units = 16").met);
        QVERIFY(eval("Loss.optimizer = adam").met);
        QVERIFY(!eval("Loss.optimizer != adam").met);
        QVERIFY(eval("node of type Dense").met);
        QVERIFY(eval("no node of type KanLayer").met);
        QVERIFY(!eval("no node Output").met);
        QVERIFY(!eval("finished").met);
        const ConditionValue missing = eval("\"Hidden 7\".units = 3");
        QVERIFY(!missing.met);
        QVERIFY2(missing.problem.find("Hidden 7") != std::string::npos, missing.problem.c_str());
        QVERIFY(!eval("\"Nope/loss\" > 1").problem.empty());
        QVERIFY(!eval("no node of type NoSuchType").problem.empty());
    }

    void embeddedLessonRoundTrips() {
        Graph g = loadGraphFile(kExamples + "/spiral_classifier.json");
        g.settings().lesson = std::string(kSpiralLesson) + "\nQuotes \" and\nnew lines.\n";
        const std::string text = graphToJson(g);
        const Graph back = graphFromJson(text);
        QCOMPARE(back.settings().lesson, g.settings().lesson);
        QVERIFY(back.settings() == g.settings());
        QVERIFY(back.sameContent(g));
        QCOMPARE(graphToJson(back), text);
        const Lesson l = parseLesson(back.settings().lesson, "embedded");
        QCOMPARE(int(l.steps.size()), 5);
        // a graph without a lesson writes no "lesson" key: existing files keep their bytes
        g.settings().lesson.clear();
        QVERIFY(graphToJson(g).find("\"lesson\"") == std::string::npos);
        // a lesson that is not text is refused with its field path
        nlohmann::json bad = nlohmann::json::parse(text);
        bad["settings"]["lesson"] = 12;
        try {
            graphFromJson(bad.dump());
            QFAIL("accepted a numeric lesson");
        } catch (const GraphFormatError& e) {
            QVERIFY2(QString(e.what()).contains("settings.lesson"), e.what());
        }
    }

    void paramValuesAreTyped() {
        const ParamSpec b = boolParam("on", true, "");
        QCOMPARE(std::get<bool>(lessonParamValue(b, "false")), false);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lessonParamValue(b, "yes"));
        const ParamSpec i = intParam("units", 4, 1, 100, "");
        QCOMPARE(std::get<std::int64_t>(lessonParamValue(i, "12")), std::int64_t(12));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lessonParamValue(i, "1.5"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lessonParamValue(i, "0"));
        const ParamSpec e = enumParam("f", "relu", {"relu", "tanh"}, "");
        QCOMPARE(std::get<std::string>(lessonParamValue(e, "tanh")), std::string("tanh"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lessonParamValue(e, "cosh"));
    }
};

QTEST_APPLESS_MAIN(TstLesson)
#include "tst_lesson.moc"
