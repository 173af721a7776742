#include "core/graph/paper.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ganglion {

namespace {
using json = nlohmann::json;

std::string text(const json& p, const char* key, const std::string& where, bool required = true) {
    auto it = p.find(key);
    if (it == p.end()) {
        if (!required) return {};
        throw PaperFormatError(where + ": paper." + key + ": missing");
    }
    if (!it->is_string()) throw PaperFormatError(where + ": paper." + key + ": expected a string, got " + it->dump());
    std::string s = it->get<std::string>();
    if (required && s.find_first_not_of(" \t\n") == std::string::npos)
        throw PaperFormatError(where + ": paper." + key + ": empty");
    return s;
}
}  // namespace

std::optional<PaperRef> paperRefFromJson(const std::string& source, const std::string& where) {
    json doc;
    try {
        doc = json::parse(source);
    } catch (const json::parse_error& e) {
        throw PaperFormatError(where + ": not JSON (" + e.what() + ")");
    }
    if (!doc.is_object() || !doc.contains("paper")) return std::nullopt;
    const json& p = doc["paper"];
    if (!p.is_object()) throw PaperFormatError(where + ": paper: expected an object");
    PaperRef r;
    r.title = text(p, "title", where);
    r.authors = text(p, "authors", where);
    r.venue = text(p, "venue", where, false);
    r.summary = text(p, "summary", where);
    r.lookAt = text(p, "lookAt", where);
    r.claim = text(p, "claim", where);
    r.check = text(p, "check", where);
    const auto slash = r.check.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == r.check.size())
        throw PaperFormatError(where + ": paper.check: expected \"<test program>/<test function>\", got \"" + r.check + "\"");
    auto y = p.find("year");
    if (y == p.end() || !y->is_number_integer() || *y < 1900 || *y > 2100)
        throw PaperFormatError(where + ": paper.year: expected a year (an integer), got " + (y == p.end() ? std::string("nothing") : y->dump()));
    r.year = y->get<int>();
    return r;
}

std::optional<PaperRef> readPaperRef(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw PaperFormatError(path + ": cannot be read");
    std::ostringstream s;
    s << in.rdbuf();
    return paperRefFromJson(s.str(), path);
}

std::vector<PaperEntry> paperGallery(const std::vector<std::string>& files, std::vector<std::string>* errors) {
    std::vector<PaperEntry> out;
    for (const std::string& f : files) {
        std::optional<PaperRef> p;
        try {
            p = readPaperRef(f);
        } catch (const PaperFormatError& e) {
            if (errors) errors->push_back(e.what());
            continue;
        }
        if (!p) continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const PaperEntry& e) { return e.paper.title == p->title; });
        if (it == out.end()) it = out.insert(out.end(), PaperEntry{*p, {}});
        it->examples.push_back({f, *p});
    }
    return out;
}

}  // namespace ganglion
