// Guided lessons: a Markdown file beside an example (resources/examples/NAME.lesson.md goes with
// NAME.json) or embedded in a graph file (settings.lesson), read into ordered steps.
//
// Format (one line at a time; everything else is Markdown text of the current step):
//   # Lesson title                      the first non-empty line (required)
//   Introduction …                      optional, shown above the first step
//   ## Step title                       starts a step (at least one)
//   Text of the step …                  Markdown
//   > ACTION                            an action, applied in order when the step is entered
//   ? Question text                     the step's question (several lines join)
//   > wait until CONDITION              the question's check: the step waits until it holds
//   > answer ACTION                     what "Show me" does (set / remove node / connect)
// Actions:
//   open example NAME                   the bundled example NAME.json
//   select NODE                         select a node (canvas and inspector)
//   set NODE.PARAM = VALUE              set a parameter (an undoable edit)
//   remove node NODE                    remove a node and its wires
//   connect NODE.PORT -> NODE.PORT      wire an output port to an input port
//   reset                               reset the run (weights and state as at build)
//   play until CONDITION                run until the condition holds, then pause (several: all)
//   open view VIEW                      show a dock view and bring it to the front
//   highlight node NODE                 select and flash a node on the canvas
//   highlight view VIEW                 raise a view and mark it
// Conditions:
//   step N  |  step >= N                engine steps done
//   finished                            the run reached its natural end
//   "NODE/SCALAR" OP NUMBER             a scalar the engine publishes (Engine::scalars keys)
//   NODE.PARAM OP VALUE                 a parameter's value (numbers; = and != for text, booleans)
//   node NODE  |  no node NODE          a node named so exists / does not
//   node of type T  |  no node of type T
// OP is one of > >= < <= = == !=. Names with spaces are quoted ("Hidden 1"); a quoted name is
// followed directly by .PARAM or .PORT ("Hidden 1".units). Lines inside ``` fences are text.
#pragma once

#include "core/model/params.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion {

/// A lesson file that cannot be read: the message starts "<file>:<line>: ".
struct LessonFormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct LessonCondition {
    enum class Kind { Steps, Finished, Scalar, Param, NodeExists, TypeExists };
    enum class Op { Gt, Ge, Lt, Le, Eq, Ne };
    Kind kind = Kind::Steps;
    bool negate = false;  ///< "no node …"
    std::string node;     ///< node name (Param, NodeExists) or type (TypeExists)
    std::string key;      ///< "NODE/SCALAR" (Scalar) or the parameter name (Param)
    Op op = Op::Ge;
    double number = 0;    ///< Steps, Scalar, numeric Param
    std::string text;     ///< a Param value as written (booleans, choices, text)
    std::string source;   ///< the condition as written, for messages
};

struct LessonAction {
    enum class Kind { OpenExample, Select, Set, RemoveNode, Connect, Reset, PlayUntil, OpenView, HighlightNode, HighlightView };
    Kind kind = Kind::Select;
    std::string node;      ///< Select, Set, RemoveNode, HighlightNode; Connect: source node
    std::string name;      ///< OpenExample: example; Set: parameter; Open/HighlightView: view title; Connect: source port
    std::string value;     ///< Set: the value as written
    std::string toNode, toPort;  ///< Connect
    LessonCondition until; ///< PlayUntil
    int line = 0;          ///< in the lesson file
    std::string source;    ///< the line as written, without "> "
};

struct LessonStep {
    std::string title;
    std::string text;      ///< Markdown, without the action and question lines
    std::vector<LessonAction> actions;
    std::string question;  ///< "" when the step asks nothing
    bool hasCheck = false;
    LessonCondition check; ///< "wait until"
    std::vector<LessonAction> answer;
    int line = 0;          ///< of the "## " heading
};

struct Lesson {
    std::string title;
    std::string intro;     ///< Markdown before the first step
    std::vector<LessonStep> steps;
    std::string source;    ///< file name (or "<graph title> (embedded)") for messages
    /// The example the lesson goes with (file stem before ".lesson.md"); "" for an embedded lesson.
    std::string example;
};

/// Parses lesson text; `source` names it in error messages. Throws LessonFormatError.
Lesson parseLesson(const std::string& text, const std::string& source);
/// Reads a file (its example: the file name before ".lesson.md"). Throws LessonFormatError.
Lesson loadLessonFile(const std::string& path);
/// Parses a condition as written after "play until" / "wait until" (throws std::invalid_argument).
LessonCondition parseCondition(const std::string& text);
/// The lesson files in `dir` (NAME.lesson.md), sorted by name.
std::vector<std::string> lessonFilesIn(const std::string& dir);

/// A parameter value as written in a lesson ("4", "0.01", "false", "relu"), converted to the
/// spec's type; throws std::invalid_argument naming the parameter when it does not fit.
ParamValue lessonParamValue(const ParamSpec& spec, const std::string& written);

}  // namespace ganglion
