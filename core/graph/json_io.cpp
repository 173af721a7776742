#include "core/graph/json_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace ganglion {

using json = nlohmann::json;

namespace {

json paramToJson(const ParamValue& v) {
    return std::visit([](const auto& x) { return json(x); }, v);
}

[[noreturn]] void fail(const std::string& field, const std::string& what) {
    throw GraphFormatError(field + ": " + what);
}

const json& require(const json& obj, const char* key, const std::string& path) {
    if (!obj.is_object()) fail(path, "expected an object");
    auto it = obj.find(key);
    if (it == obj.end()) fail(path + "." + key, "missing");
    return *it;
}

std::uint64_t requireId(const json& obj, const char* key, const std::string& path) {
    const json& v = require(obj, key, path);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() == 0)
        fail(path + "." + key, "expected a positive integer id");
    return v.get<std::uint64_t>();
}

std::string requireString(const json& obj, const char* key, const std::string& path) {
    const json& v = require(obj, key, path);
    if (!v.is_string()) fail(path + "." + key, "expected a string");
    return v.get<std::string>();
}

/// An optional number field (absent: `def`); anything but a number is an error naming the field.
double optNumber(const json& obj, const char* key, const std::string& path, double def) {
    auto it = obj.find(key);
    if (it == obj.end()) return def;
    if (!it->is_number()) fail(path + key, "expected a number");
    return it->get<double>();
}

/// An optional integer field within [lo, hi] (absent: `def`); fractions, huge values and other
/// types are errors naming the field (no float-to-int conversion of out-of-range values).
std::int64_t optInteger(const json& obj, const char* key, const std::string& path, std::int64_t def, std::int64_t lo, std::int64_t hi) {
    auto it = obj.find(key);
    if (it == obj.end()) return def;
    const std::string field = path + key;
    if (!it->is_number()) fail(field, "expected an integer, got " + it->dump());
    const double x = it->get<double>();
    if (it->is_number_float() && std::floor(x) != x) fail(field, "expected an integer, got " + it->dump());
    if (x < double(lo) || x > double(hi))
        fail(field, it->dump() + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return it->is_number_integer() ? it->get<std::int64_t>() : std::int64_t(x);
}

std::string optString(const json& obj, const char* key, const std::string& path, const std::string& def) {
    auto it = obj.find(key);
    if (it == obj.end()) return def;
    if (!it->is_string()) fail(path + key, "expected a string");
    return it->get<std::string>();
}

/// Follows a parse through SAX events to name the field where it failed (nlohmann reports a
/// number too large for a double as out_of_range, without a position or field), or to find how
/// the number at field `target` was written (the parsed document keeps only its value).
class FieldLocator : public nlohmann::json_sax<json> {
public:
    std::string target, written;
    std::string path() const {
        std::string p;
        for (const auto& f : stack_) p += f.array ? "[" + std::to_string(f.index) + "]" : (p.empty() ? "" : ".") + f.key;
        return p.empty() ? "(top level)" : p;
    }
    std::size_t position = 0;
    std::string token;

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t v) override { return number(std::to_string(v)); }
    bool number_unsigned(number_unsigned_t v) override { return number(std::to_string(v)); }
    bool number_float(number_float_t, const string_t& text) override { return number(text); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool start_object(std::size_t) override { return push(false); }
    bool end_object() override { return pop(); }
    bool start_array(std::size_t) override { return push(true); }
    bool end_array() override { return pop(); }
    bool key(string_t& k) override {
        if (!stack_.empty()) stack_.back().key = k;
        return true;
    }
    bool parse_error(std::size_t pos, const std::string& last, const nlohmann::detail::exception&) override {
        position = pos;
        token = last;
        return false;
    }

private:
    struct Frame {
        bool array;
        std::size_t index = 0;
        std::string key;
    };
    std::vector<Frame> stack_;
    bool number(const std::string& text) {
        // The last occurrence: with a key given twice, the parsed document keeps the last value.
        if (!target.empty() && path() == target) written = text;
        return value();
    }
    bool value() {
        if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
        return true;
    }
    bool push(bool array) {
        stack_.push_back({array, 0, {}});
        return true;
    }
    bool pop() {
        if (!stack_.empty()) stack_.pop_back();
        return value();
    }
};

std::string lineColumn(const std::string& text, std::size_t byte) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
        if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

ParamValue jsonToParam(const json& v, const std::string& path) {
    if (v.is_boolean()) return v.get<bool>();
    // Beyond int64 an unsigned value is kept as a double (its range is then checked as written).
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX)) return v.get<double>();
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) return v.get<double>();
    if (v.is_string()) return v.get<std::string>();
    fail(path, "expected a number, boolean or string");
}

Endpoint endpoint(const json& v, const std::string& path) {
    Endpoint e;
    e.node = requireId(v, "node", path);
    e.port = requireString(v, "port", path);
    return e;
}

}  // namespace

std::string graphToJson(const Graph& g) {
    json doc;
    doc["format"] = "ganglion-graph";
    doc["version"] = kGraphFormatVersion;
    const auto& s = g.settings();
    doc["settings"] = {{"title", s.title},         {"description", s.description},
                       {"seed", s.seed},           {"evalEvery", s.evalEvery},
                       {"dt", s.dt},               {"gridSize", s.gridSize},
                       {"stepsPerSecond", s.stepsPerSecond}, {"realTime", s.realTime},
                       {"stopAt", s.stopAt},       {"watch", s.watch}};
    if (!s.lesson.empty()) doc["settings"]["lesson"] = s.lesson;
    if (!s.family.empty() || !s.level.empty() || s.order != 0) {  // only examples carry a gallery place
        doc["settings"]["family"] = s.family;
        doc["settings"]["level"] = s.level;
        doc["settings"]["order"] = s.order;
    }
    // Written in id order so a document's text does not depend on its edit history (undoing a
    // deletion re-inserts a node at the end of the in-memory list).
    std::vector<const Node*> byId;
    for (const auto& n : g.nodes()) byId.push_back(&n);
    std::sort(byId.begin(), byId.end(), [](const Node* a, const Node* b) { return a->id < b->id; });
    std::vector<const Edge*> edgesById;
    for (const auto& e : g.edges()) edgesById.push_back(&e);
    std::sort(edgesById.begin(), edgesById.end(), [](const Edge* a, const Edge* b) { return a->id < b->id; });
    json nodes = json::array();
    for (const Node* np : byId) {
        const Node& n = *np;
        json params = json::object();
        for (const auto& [k, v] : n.params.values()) params[k] = paramToJson(v);
        nodes.push_back({{"id", n.id}, {"type", n.type}, {"name", n.name}, {"x", n.x}, {"y", n.y},
                         {"params", params}});
    }
    doc["nodes"] = nodes;
    json edges = json::array();
    for (const Edge* ep : edgesById) {
        const Edge& e = *ep;
        edges.push_back({{"id", e.id},
                         {"from", {{"node", e.from.node}, {"port", e.from.port}}},
                         {"to", {{"node", e.to.node}, {"port", e.to.port}}}});
    }
    doc["edges"] = edges;
    return doc.dump(2) + "\n";
}

Graph graphFromJson(const std::string& text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw GraphFormatError(lineColumn(text, e.byte) + ": not valid JSON (" + std::string(e.what()) + ")");
    } catch (const json::exception& e) {
        // A number beyond the range of a double (e.g. 11e308) comes without a position: find
        // the field and where it is by parsing again with a locator.
        FieldLocator where;
        json::sax_parse(text, &where);
        const std::string at = lineColumn(text, where.position);
        if (e.id == 406) fail(where.path(), "the number " + where.token + " is too large (" + at + ")");
        fail(where.path(), at + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!doc.is_object()) fail("(top level)", "expected an object");
    if (!doc.contains("format") || doc["format"] != "ganglion-graph")
        fail("format", "not a Ganglion graph (expected \"format\": \"ganglion-graph\")");
    const json& ver = require(doc, "version", "(top level)");
    if (!ver.is_number_integer()) fail("version", "expected an integer");
    if (ver.get<double>() > kGraphFormatVersion || ver.get<double>() < 1)
        fail("version", "format version " + ver.dump() +
                            " is not supported (this build reads 1.." + std::to_string(kGraphFormatVersion) + ")");
    Graph g;
    if (doc.contains("settings")) {
        const json& s = doc["settings"];
        if (!s.is_object()) fail("settings", "expected an object");
        auto& st = g.settings();
        st.title = optString(s, "title", "settings.", st.title);
        st.description = optString(s, "description", "settings.", st.description);
        // The seed is a uint64 (written as such); a negative or fractional seed is an error.
        if (auto it = s.find("seed"); it != s.end()) {
            if (!it->is_number_unsigned()) fail("settings.seed", "expected a non-negative integer, got " + it->dump());
            st.seed = it->get<std::uint64_t>();
        }
        st.evalEvery = int(optInteger(s, "evalEvery", "settings.", st.evalEvery, 0, INT_MAX));
        st.dt = optNumber(s, "dt", "settings.", st.dt);
        st.gridSize = int(optInteger(s, "gridSize", "settings.", st.gridSize, 4, 512));
        if (!(st.dt > 0)) fail("settings.dt", "must be positive");
        st.family = optString(s, "family", "settings.", st.family);
        st.level = optString(s, "level", "settings.", st.level);
        st.order = int(optInteger(s, "order", "settings.", st.order, INT_MIN, INT_MAX));
        if (!st.level.empty() && galleryLevelRank(st.level) < 0)
            fail("settings.level", "must be \"starter\", \"intermediate\" or \"advanced\" (got \"" + st.level + "\")");
        st.stepsPerSecond = optNumber(s, "stepsPerSecond", "settings.", st.stepsPerSecond);
        st.realTime = optNumber(s, "realTime", "settings.", st.realTime);
        st.watch = optString(s, "watch", "settings.", st.watch);
        st.lesson = optString(s, "lesson", "settings.", st.lesson);
        if (auto it = s.find("stopAt"); it != s.end()) {
            if (!it->is_number_unsigned()) fail("settings.stopAt", "expected a number of steps (an integer >= 0)");
            st.stopAt = it->get<std::uint64_t>();
        }
        if (!std::isfinite(st.stepsPerSecond) || st.stepsPerSecond < 0)
            fail("settings.stepsPerSecond", "must be >= 0 (0 = as fast as possible)");
        if (!std::isfinite(st.realTime) || st.realTime < 0)
            fail("settings.realTime", "must be >= 0 (simulated seconds per second; 1 = real time)");
        if (st.realTime > 0 && st.stepsPerSecond > 0)
            fail("settings", "give the pace either as stepsPerSecond or as realTime, not both");
    }
    const json& nodes = require(doc, "nodes", "(top level)");
    if (!nodes.is_array()) fail("nodes", "expected an array");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const std::string path = "nodes[" + std::to_string(i) + "]";
        const json& jn = nodes[i];
        Node n;
        n.id = requireId(jn, "id", path);
        n.type = requireString(jn, "type", path);
        const NodeSpec* spec = NodeRegistry::instance().find(n.type);
        if (!spec) fail(path + ".type", "unknown node type '" + n.type + "'");
        n.name = optString(jn, "name", path + ".", "");
        if (!n.name.empty() && g.nodeByName(n.name)) fail(path + ".name", "duplicate node name '" + n.name + "'");
        n.x = optNumber(jn, "x", path + ".", 0.0);
        n.y = optNumber(jn, "y", path + ".", 0.0);
        if (jn.contains("params")) {
            const json& jp = jn["params"];
            if (!jp.is_object()) fail(path + ".params", "expected an object");
            for (auto it = jp.begin(); it != jp.end(); ++it) {
                const std::string ppath = path + ".params." + it.key();
                const ParamSpec* ps = spec->param(it.key());
                if (!ps) fail(ppath, "node type " + n.type + " has no such parameter");
                ParamValue v = jsonToParam(it.value(), ppath);
                if (auto err = ps->check(v)) {
                    if (it.value().is_number()) {  // quote the number as written (1e300, not 1e+300)
                        FieldLocator find;
                        find.target = ppath;
                        json::sax_parse(text, &find);
                        err = ps->check(v, find.written);
                    }
                    fail(ppath, *err);
                }
                n.params.set(it.key(), *ps->coerce(v));
            }
        }
        if (g.node(n.id)) fail(path + ".id", "duplicate id " + std::to_string(n.id));
        g.insertNode(n);
    }
    if (doc.contains("edges")) {
        const json& edges = doc["edges"];
        if (!edges.is_array()) fail("edges", "expected an array");
        for (std::size_t i = 0; i < edges.size(); ++i) {
            const std::string path = "edges[" + std::to_string(i) + "]";
            Edge e;
            e.id = requireId(edges[i], "id", path);
            e.from = endpoint(require(edges[i], "from", path), path + ".from");
            e.to = endpoint(require(edges[i], "to", path), path + ".to");
            if (g.node(e.id) || g.edge(e.id)) fail(path + ".id", "duplicate id " + std::to_string(e.id));
            if (auto err = g.canConnect(e.from, e.to)) fail(path, *err);
            g.insertEdge(e);
        }
    }
    return g;
}

Graph loadGraphFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw GraphFormatError(path + ": cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
        return graphFromJson(ss.str());
    } catch (const GraphFormatError& e) {
        throw GraphFormatError(path + ": " + e.what());
    }
}

void saveGraphFile(const Graph& g, const std::string& path) {
    const std::string tmp = path + ".tmp-save";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(path + ": cannot write (" + tmp + ")");
        out << graphToJson(g);
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            throw std::runtime_error(path + ": write failed (disk full?)");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw std::runtime_error(path + ": cannot replace file");
    }
}

}  // namespace ganglion
