// Node parameters: declared once (ParamSpec), stored per node (ParamSet).
// The inspector, JSON and the generated node reference are all derived from ParamSpec.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ganglion {

using ParamValue = std::variant<bool, std::int64_t, double, std::string>;

enum class ParamType : std::uint8_t { Bool, Int, Float, Enum, String };

const char* paramTypeName(ParamType t);

struct ParamSpec {
    std::string name;   ///< key in JSON and code, e.g. "learning_rate"
    ParamType type = ParamType::Float;
    ParamValue def;     ///< default value (type must match `type`; Enum uses std::string)
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices;  ///< Enum only
    std::string unit;   ///< e.g. "ms", "" when dimensionless
    std::string help;   ///< one or two sentences shown in the inspector
    /// String only: the value is a file path; editors offer an open-file dialog with this filter,
    /// e.g. "Event recordings (*.bin *.raw)". Empty: plain text.
    std::string fileFilter;
    /// true: a running engine picks up a change at its next step (learning rate, noise…);
    /// false: a change alters structure/shapes and the engine must rebuild.
    bool live = false;

    /// Error text naming the parameter when `v` has the wrong type or is out of range/choices.
    /// `written`, when given, is the value as the user wrote it (e.g. "1e300" in a file) and is
    /// quoted instead of the value printed back.
    std::optional<std::string> check(const ParamValue& v, const std::string& written = {}) const;
    /// Convert loosely typed input (e.g. an int given for a float) to this spec's type.
    std::optional<ParamValue> coerce(const ParamValue& v) const;
};

// Convenience builders used by node specs.
ParamSpec floatParam(std::string name, double def, double min, double max, std::string help,
                     std::string unit = {}, bool live = false);
ParamSpec intParam(std::string name, std::int64_t def, std::int64_t min, std::int64_t max,
                   std::string help, bool live = false);
ParamSpec boolParam(std::string name, bool def, std::string help, bool live = false);
ParamSpec enumParam(std::string name, std::string def, std::vector<std::string> choices,
                    std::string help, bool live = false);
ParamSpec stringParam(std::string name, std::string def, std::string help, bool live = false);

std::string paramToString(const ParamValue& v);

/// Values of one node's parameters. Getters throw std::out_of_range naming the key if absent.
class ParamSet {
public:
    ParamSet() = default;
    /// All defaults of `specs`.
    static ParamSet defaults(const std::vector<ParamSpec>& specs);

    void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    const ParamValue& get(const std::string& name) const;

    double getFloat(const std::string& name) const;  ///< accepts Int too
    std::int64_t getInt(const std::string& name) const;
    bool getBool(const std::string& name) const;
    const std::string& getString(const std::string& name) const;  ///< Enum and String

    const std::map<std::string, ParamValue>& values() const { return values_; }
    bool operator==(const ParamSet&) const = default;

private:
    std::map<std::string, ParamValue> values_;
};

}  // namespace ganglion
