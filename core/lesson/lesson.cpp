#include "core/lesson/lesson.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ganglion {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// A name as written after a verb: the rest of the line, without surrounding quotes.
std::string bareName(const std::string& rest) {
    std::string s = trim(rest);
    if (std::count(s.begin(), s.end(), '"') % 2 != 0) throw std::invalid_argument("unterminated quote in '" + s + "'");
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    if (s.empty()) throw std::invalid_argument("expected a name");
    return s;
}

struct Token {
    enum class Kind { Word, Quoted, Op } kind = Kind::Word;
    std::string text;
    std::string member;  ///< Quoted: the ".member" written right after it
};

std::vector<Token> tokenize(const std::string& s) {
    std::vector<Token> out;
    std::size_t i = 0;
    const auto isOpChar = [](char c) { return c == '<' || c == '>' || c == '=' || c == '!'; };
    while (i < s.size()) {
        const char c = s[i];
        if (c == ' ' || c == '\t') {
            ++i;
            continue;
        }
        if (c == '"') {
            const auto end = s.find('"', i + 1);
            if (end == std::string::npos) throw std::invalid_argument("unterminated quote in '" + s + "'");
            Token t{Token::Kind::Quoted, s.substr(i + 1, end - i - 1), {}};
            i = end + 1;
            if (i < s.size() && s[i] == '.') {
                const auto stop = s.find_first_of(" \t\"<>=!", i + 1);
                t.member = s.substr(i + 1, (stop == std::string::npos ? s.size() : stop) - i - 1);
                if (t.member.empty()) throw std::invalid_argument("expected a name after \"" + t.text + "\".");
                i = stop == std::string::npos ? s.size() : stop;
            }
            out.push_back(std::move(t));
            continue;
        }
        if (s.compare(i, 2, "->") == 0 || s.compare(i, 2, ">=") == 0 || s.compare(i, 2, "<=") == 0 ||
            s.compare(i, 2, "==") == 0 || s.compare(i, 2, "!=") == 0) {
            out.push_back({Token::Kind::Op, s.substr(i, 2), {}});
            i += 2;
            continue;
        }
        if (isOpChar(c)) {
            out.push_back({Token::Kind::Op, std::string(1, c), {}});
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '"' && !isOpChar(s[j]) && s.compare(j, 2, "->") != 0) ++j;
        out.push_back({Token::Kind::Word, s.substr(i, j - i), {}});
        i = j;
    }
    return out;
}

bool parseNumber(const std::string& s, double* out) {
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE) return false;
    *out = v;
    return true;
}

/// NODE.MEMBER from one token: "Hidden 1".units or Loss.learning_rate.
std::pair<std::string, std::string> memberRef(const Token& t) {
    if (t.kind == Token::Kind::Quoted && !t.member.empty()) return {t.text, t.member};
    if (t.kind == Token::Kind::Word) {
        const auto dot = t.text.rfind('.');
        if (dot != std::string::npos && dot > 0 && dot + 1 < t.text.size()) return {t.text.substr(0, dot), t.text.substr(dot + 1)};
    }
    throw std::invalid_argument("expected NODE.NAME (quote names with spaces: \"Hidden 1\".units), got '" + t.text + "'");
}

LessonCondition::Op parseOp(const Token& t) {
    using Op = LessonCondition::Op;
    if (t.kind == Token::Kind::Op) {
        if (t.text == ">") return Op::Gt;
        if (t.text == ">=") return Op::Ge;
        if (t.text == "<") return Op::Lt;
        if (t.text == "<=") return Op::Le;
        if (t.text == "=" || t.text == "==") return Op::Eq;
        if (t.text == "!=") return Op::Ne;
    }
    throw std::invalid_argument("expected a comparison (> >= < <= = !=), got '" + t.text + "'");
}

std::string nameOf(const std::vector<Token>& t, std::size_t from, const std::string& what) {
    if (from >= t.size()) throw std::invalid_argument("expected " + what);
    if (from + 1 != t.size() || t[from].kind == Token::Kind::Op || !t[from].member.empty())
        throw std::invalid_argument("expected one " + what + " (quote names with spaces)");
    return t[from].text;
}

LessonAction parseAction(const std::string& body) {
    LessonAction a;
    a.source = body;
    std::istringstream in(body);
    std::string verb, second;
    in >> verb;
    std::string rest;
    std::getline(in, rest);
    const auto restAfter = [&](const std::string& word) {
        std::istringstream r(rest);
        r >> second;
        if (second != word) throw std::invalid_argument("expected '" + verb + " " + word + " …'");
        std::string tail;
        std::getline(r, tail);
        return tail;
    };
    using K = LessonAction::Kind;
    if (verb == "open") {
        std::istringstream r(rest);
        r >> second;
        std::string tail;
        std::getline(r, tail);
        if (second == "example") a.kind = K::OpenExample;
        else if (second == "view") a.kind = K::OpenView;
        else throw std::invalid_argument("expected 'open example NAME' or 'open view VIEW'");
        a.name = bareName(tail);
    } else if (verb == "select") {
        a.kind = K::Select;
        a.node = bareName(rest);
    } else if (verb == "highlight") {
        std::istringstream r(rest);
        r >> second;
        std::string tail;
        std::getline(r, tail);
        if (second == "node") a.kind = K::HighlightNode, a.node = bareName(tail);
        else if (second == "view") a.kind = K::HighlightView, a.name = bareName(tail);
        else throw std::invalid_argument("expected 'highlight node NODE' or 'highlight view VIEW'");
    } else if (verb == "remove") {
        a.kind = K::RemoveNode;
        a.node = bareName(restAfter("node"));
    } else if (verb == "reset") {
        if (!trim(rest).empty()) throw std::invalid_argument("'reset' takes nothing after it");
        a.kind = K::Reset;
    } else if (verb == "play") {
        a.kind = K::PlayUntil;
        a.until = parseCondition(restAfter("until"));
    } else if (verb == "set") {
        a.kind = K::Set;
        const auto t = tokenize(rest);
        if (t.size() != 3 || t[1].kind != Token::Kind::Op || (t[1].text != "=" && t[1].text != "=="))
            throw std::invalid_argument("expected 'set NODE.PARAM = VALUE'");
        std::tie(a.node, a.name) = memberRef(t[0]);
        a.value = t[2].text;
    } else if (verb == "connect") {
        a.kind = K::Connect;
        const auto t = tokenize(rest);
        if (t.size() != 3 || t[1].text != "->") throw std::invalid_argument("expected 'connect NODE.PORT -> NODE.PORT'");
        std::tie(a.node, a.name) = memberRef(t[0]);
        std::tie(a.toNode, a.toPort) = memberRef(t[2]);
    } else {
        throw std::invalid_argument("unknown action '" + verb +
                                    "' (open example, select, set, remove node, connect, reset, play until, open view, "
                                    "highlight node, highlight view, wait until, answer)");
    }
    return a;
}

}  // namespace

LessonCondition parseCondition(const std::string& text) {
    LessonCondition c;
    c.source = trim(text);
    auto t = tokenize(text);
    if (t.empty()) throw std::invalid_argument("expected a condition");
    using K = LessonCondition::Kind;
    const auto word = [&](std::size_t i, const char* w) { return i < t.size() && t[i].kind == Token::Kind::Word && t[i].text == w; };
    if (word(0, "finished") && t.size() == 1) {
        c.kind = K::Finished;
        return c;
    }
    if (word(0, "step") || word(0, "steps")) {
        c.kind = K::Steps;
        std::size_t v = 1;
        if (t.size() == 3) c.op = parseOp(t[1]), v = 2;
        else if (t.size() != 2) throw std::invalid_argument("expected 'step N' or 'step >= N'");
        if (!parseNumber(t[v].text, &c.number) || c.number < 0) throw std::invalid_argument("expected a number of steps, got '" + t[v].text + "'");
        return c;
    }
    std::size_t i = 0;
    if (word(0, "no")) c.negate = true, i = 1;
    if (word(i, "node") || word(i, "nodes")) {
        if (word(i + 1, "of") && word(i + 2, "type")) {
            c.kind = K::TypeExists;
            c.node = nameOf(t, i + 3, "node type");
        } else {
            c.kind = K::NodeExists;
            c.node = nameOf(t, i + 1, "node name");
        }
        return c;
    }
    if (c.negate) throw std::invalid_argument("expected 'no node NODE' or 'no node of type TYPE'");
    if (t.size() != 3) throw std::invalid_argument("expected SUBJECT OP VALUE, e.g. \"Accuracy/test_accuracy\" > 0.9 or \"Hidden 1\".units = 4");
    const Token& subject = t[0];
    c.op = parseOp(t[1]);
    const bool scalar = subject.member.empty() && subject.text.find('/') != std::string::npos && subject.kind != Token::Kind::Op;
    if (scalar) {
        c.kind = K::Scalar;
        c.key = subject.text;
        if (!parseNumber(t[2].text, &c.number)) throw std::invalid_argument("expected a number after the comparison, got '" + t[2].text + "'");
        return c;
    }
    c.kind = K::Param;
    std::tie(c.node, c.key) = memberRef(subject);
    c.text = t[2].text;
    if (!parseNumber(c.text, &c.number)) {
        if (c.op != LessonCondition::Op::Eq && c.op != LessonCondition::Op::Ne)
            throw std::invalid_argument("only = and != compare a parameter with '" + c.text + "'");
        c.number = 0;
    }
    return c;
}

Lesson parseLesson(const std::string& text, const std::string& source) {
    Lesson lesson;
    lesson.source = source;
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    bool fenced = false;
    LessonStep* step = nullptr;
    std::vector<std::string> questionLines;
    const auto fail = [&](const std::string& what) -> void {
        throw LessonFormatError(source + ":" + std::to_string(lineNo) + ": " + what);
    };
    const auto append = [](std::string& to, const std::string& line) { to += line + "\n"; };
    const auto closeStep = [&] {
        if (!step) return;
        step->question = trim(step->question);
        if (!step->answer.empty() && !step->hasCheck)
            throw LessonFormatError(source + ":" + std::to_string(step->line) + ": step '" + step->title +
                                    "' gives an answer but no check ('> wait until CONDITION')");
        step->text = trim(step->text);
    };
    while (std::getline(in, raw)) {
        ++lineNo;
        const std::string line = trim(raw);
        if (lesson.title.empty()) {
            if (line.empty()) continue;
            if (!startsWith(line, "# ") || trim(line.substr(2)).empty()) fail("expected the lesson's title first ('# Title')");
            lesson.title = trim(line.substr(2));
            continue;
        }
        if (startsWith(line, "```")) fenced = !fenced;
        if (!fenced && startsWith(line, "## ")) {
            closeStep();
            lesson.steps.push_back({});
            step = &lesson.steps.back();
            step->title = trim(line.substr(3));
            step->line = lineNo;
            if (step->title.empty()) fail("a step needs a title ('## Step title')");
            continue;
        }
        const bool isAction = !fenced && startsWith(line, ">");
        const bool isQuestion = !fenced && startsWith(line, "?");
        if ((isAction || isQuestion) && !step) fail("actions and questions belong to a step: start one with '## Step title'");
        if (isQuestion) {
            append(step->question, trim(line.substr(1)));
            continue;
        }
        if (isAction) {
            std::string body = trim(line.substr(1));
            try {
                if (startsWith(body, "wait until ") || body == "wait until") {
                    if (step->hasCheck) fail("a step has one check ('> wait until'); this is the second");
                    step->check = parseCondition(body.substr(std::min<std::size_t>(body.size(), 11)));
                    step->hasCheck = true;
                } else if (startsWith(body, "answer ")) {
                    LessonAction a = parseAction(trim(body.substr(7)));
                    using K = LessonAction::Kind;
                    if (a.kind != K::Set && a.kind != K::RemoveNode && a.kind != K::Connect)
                        fail("an answer is an edit: set, remove node or connect");
                    a.line = lineNo;
                    step->answer.push_back(std::move(a));
                } else {
                    LessonAction a = parseAction(body);
                    a.line = lineNo;
                    step->actions.push_back(std::move(a));
                }
            } catch (const std::invalid_argument& e) {
                fail(e.what());
            }
            continue;
        }
        append(step ? step->text : lesson.intro, raw);
    }
    if (lesson.title.empty()) fail("empty lesson: expected '# Title' and at least one '## Step'");
    if (fenced) fail("a ``` block is not closed");
    if (lesson.steps.empty()) fail("no steps: start each with '## Step title'");
    closeStep();
    lesson.intro = trim(lesson.intro);
    return lesson;
}

Lesson loadLessonFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw LessonFormatError(path + ": cannot read the file");
    std::stringstream ss;
    ss << f.rdbuf();
    Lesson lesson = parseLesson(ss.str(), path);
    std::string stem = std::filesystem::path(path).filename().string();
    const std::string suffix = ".lesson.md";
    if (stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0)
        lesson.example = stem.substr(0, stem.size() - suffix.size());
    return lesson;
}

std::vector<std::string> lessonFilesIn(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && name.size() > 10 && name.compare(name.size() - 10, 10, ".lesson.md") == 0) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

ParamValue lessonParamValue(const ParamSpec& spec, const std::string& written) {
    ParamValue v;
    double number = 0;
    switch (spec.type) {
    case ParamType::Bool:
        if (written != "true" && written != "false") throw std::invalid_argument(spec.name + " is true or false, not '" + written + "'");
        v = written == "true";
        break;
    case ParamType::Int:
        if (!parseNumber(written, &number) || number != double(std::int64_t(number)))
            throw std::invalid_argument(spec.name + " is a whole number, not '" + written + "'");
        v = std::int64_t(number);
        break;
    case ParamType::Float:
        if (!parseNumber(written, &number)) throw std::invalid_argument(spec.name + " is a number, not '" + written + "'");
        v = number;
        break;
    case ParamType::Enum:
    case ParamType::String:
        v = written;
        break;
    }
    if (auto err = spec.check(v, written)) throw std::invalid_argument(*err);
    return v;
}

}  // namespace ganglion
