#include "core/graph/json_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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

ParamValue jsonToParam(const json& v, const std::string& path) {
    if (v.is_boolean()) return v.get<bool>();
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
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
        }
        throw GraphFormatError("line " + std::to_string(line) + ", column " + std::to_string(col) +
                               ": not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!doc.is_object()) fail("(top level)", "expected an object");
    if (!doc.contains("format") || doc["format"] != "ganglion-graph")
        fail("format", "not a Ganglion graph (expected \"format\": \"ganglion-graph\")");
    const json& ver = require(doc, "version", "(top level)");
    if (!ver.is_number_integer()) fail("version", "expected an integer");
    if (ver.get<int>() > kGraphFormatVersion || ver.get<int>() < 1)
        fail("version", "format version " + std::to_string(ver.get<int>()) +
                            " is not supported (this build reads 1.." + std::to_string(kGraphFormatVersion) + ")");
    Graph g;
    if (doc.contains("settings")) {
        const json& s = doc["settings"];
        if (!s.is_object()) fail("settings", "expected an object");
        auto& st = g.settings();
        try {
            st.title = s.value("title", st.title);
            st.description = s.value("description", st.description);
            st.seed = s.value("seed", st.seed);
            st.evalEvery = s.value("evalEvery", st.evalEvery);
            st.dt = s.value("dt", st.dt);
            st.gridSize = s.value("gridSize", st.gridSize);
            st.stepsPerSecond = s.value("stepsPerSecond", st.stepsPerSecond);
            st.realTime = s.value("realTime", st.realTime);
            st.watch = s.value("watch", st.watch);
            if (s.contains("stopAt") && !s["stopAt"].is_number_unsigned())
                fail("settings.stopAt", "expected a number of steps (an integer >= 0)");
            st.stopAt = s.value("stopAt", st.stopAt);
        } catch (const json::exception& e) {
            fail("settings", std::string("wrong value type (") + e.what() + ")");
        }
        if (!(st.dt > 0)) fail("settings.dt", "must be positive");
        if (st.gridSize < 4 || st.gridSize > 512) fail("settings.gridSize", "must be within [4, 512]");
        if (st.evalEvery < 0) fail("settings.evalEvery", "must be >= 0");
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
        n.name = jn.contains("name") && jn["name"].is_string() ? jn["name"].get<std::string>() : "";
        if (!n.name.empty() && g.nodeByName(n.name)) fail(path + ".name", "duplicate node name '" + n.name + "'");
        n.x = jn.value("x", 0.0);
        n.y = jn.value("y", 0.0);
        if (jn.contains("params")) {
            const json& jp = jn["params"];
            if (!jp.is_object()) fail(path + ".params", "expected an object");
            for (auto it = jp.begin(); it != jp.end(); ++it) {
                const std::string ppath = path + ".params." + it.key();
                const ParamSpec* ps = spec->param(it.key());
                if (!ps) fail(ppath, "node type " + n.type + " has no such parameter");
                ParamValue v = jsonToParam(it.value(), ppath);
                if (auto err = ps->check(v)) fail(ppath, *err);
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
