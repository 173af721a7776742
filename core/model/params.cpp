#include "core/model/params.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ganglion {

const char* paramTypeName(ParamType t) {
    switch (t) {
    case ParamType::Bool: return "bool";
    case ParamType::Int: return "integer";
    case ParamType::Float: return "number";
    case ParamType::Enum: return "choice";
    case ParamType::String: return "text";
    }
    return "?";
}

std::string paramToString(const ParamValue& v) {
    return std::visit(
        [](const auto& x) -> std::string {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
            else if constexpr (std::is_same_v<T, std::string>) return x;
            else {
                std::ostringstream os;
                os << x;
                return os.str();
            }
        },
        v);
}

static std::string rangeText(const ParamSpec& s) {
    std::ostringstream os;
    os << "[" << s.min << ", " << s.max << "]";
    return os.str();
}

std::optional<ParamValue> ParamSpec::coerce(const ParamValue& v) const {
    switch (type) {
    case ParamType::Bool:
        if (auto b = std::get_if<bool>(&v)) return *b;
        return std::nullopt;
    case ParamType::Int:
        if (auto i = std::get_if<std::int64_t>(&v)) return *i;
        // Only whole numbers an int64 holds ([-2^63, 2^63)); converting anything else is UB.
        if (auto d = std::get_if<double>(&v); d && std::floor(*d) == *d && *d >= -0x1p63 && *d < 0x1p63)
            return static_cast<std::int64_t>(*d);
        return std::nullopt;
    case ParamType::Float:
        if (auto d = std::get_if<double>(&v)) return *d;
        if (auto i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
        return std::nullopt;
    case ParamType::Enum:
    case ParamType::String:
        if (auto s = std::get_if<std::string>(&v)) return *s;
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> ParamSpec::check(const ParamValue& v, const std::string& written) const {
    const std::string shown = written.empty() ? paramToString(v) : written;
    if (type == ParamType::Int || type == ParamType::Float) {
        // Range first, on the value as given: 1e300 for an integer is out of range, not "not an int".
        const double* d = std::get_if<double>(&v);
        const std::int64_t* i = std::get_if<std::int64_t>(&v);
        if (d || i) {
            const double x = d ? *d : double(*i);
            if (!std::isfinite(x)) return "parameter '" + name + "' must be a finite number";
            if (x < min || x > max)
                return "parameter '" + name + "' = " + shown + " is outside " + rangeText(*this);
        }
    }
    const auto c = coerce(v);
    if (!c) return "parameter '" + name + "' expects a " + paramTypeName(type) + ", got '" + shown + "'";
    if (type == ParamType::Enum) {
        const auto& s = std::get<std::string>(*c);
        bool ok = false;
        for (const auto& ch : choices) ok = ok || ch == s;
        if (!ok) {
            std::string list;
            for (const auto& ch : choices) list += (list.empty() ? "" : ", ") + ch;
            return "parameter '" + name + "' = '" + s + "' is not one of: " + list;
        }
    }
    return std::nullopt;
}

ParamSpec floatParam(std::string name, double def, double min, double max, std::string help,
                     std::string unit, bool live) {
    ParamSpec s;
    s.name = std::move(name); s.type = ParamType::Float; s.def = def; s.min = min; s.max = max;
    s.help = std::move(help); s.unit = std::move(unit); s.live = live;
    return s;
}
ParamSpec intParam(std::string name, std::int64_t def, std::int64_t min, std::int64_t max,
                   std::string help, bool live) {
    ParamSpec s;
    s.name = std::move(name); s.type = ParamType::Int; s.def = def; s.min = double(min);
    s.max = double(max); s.help = std::move(help); s.live = live;
    return s;
}
ParamSpec boolParam(std::string name, bool def, std::string help, bool live) {
    ParamSpec s;
    s.name = std::move(name); s.type = ParamType::Bool; s.def = def; s.help = std::move(help);
    s.live = live;
    return s;
}
ParamSpec enumParam(std::string name, std::string def, std::vector<std::string> choices,
                    std::string help, bool live) {
    ParamSpec s;
    s.name = std::move(name); s.type = ParamType::Enum; s.def = std::move(def);
    s.choices = std::move(choices); s.help = std::move(help); s.live = live;
    return s;
}
ParamSpec stringParam(std::string name, std::string def, std::string help, bool live) {
    ParamSpec s;
    s.name = std::move(name); s.type = ParamType::String; s.def = std::move(def);
    s.help = std::move(help); s.live = live;
    return s;
}

ParamSet ParamSet::defaults(const std::vector<ParamSpec>& specs) {
    ParamSet p;
    for (const auto& s : specs) p.set(s.name, s.def);
    return p;
}

const ParamValue& ParamSet::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw std::out_of_range("missing parameter '" + name + "'");
    return it->second;
}

double ParamSet::getFloat(const std::string& name) const {
    const auto& v = get(name);
    if (auto d = std::get_if<double>(&v)) return *d;
    if (auto i = std::get_if<std::int64_t>(&v)) return double(*i);
    throw std::out_of_range("parameter '" + name + "' is not a number");
}
std::int64_t ParamSet::getInt(const std::string& name) const {
    const auto& v = get(name);
    if (auto i = std::get_if<std::int64_t>(&v)) return *i;
    if (auto d = std::get_if<double>(&v)) return std::int64_t(*d);
    throw std::out_of_range("parameter '" + name + "' is not an integer");
}
bool ParamSet::getBool(const std::string& name) const {
    const auto& v = get(name);
    if (auto b = std::get_if<bool>(&v)) return *b;
    throw std::out_of_range("parameter '" + name + "' is not a bool");
}
const std::string& ParamSet::getString(const std::string& name) const {
    const auto& v = get(name);
    if (auto s = std::get_if<std::string>(&v)) return *s;
    throw std::out_of_range("parameter '" + name + "' is not text");
}

}  // namespace ganglion
