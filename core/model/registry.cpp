#include "core/model/node_spec.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ganglion {

#define GANGLION_NODE(fn) NodeSpec fn();
#include "core/nodes/node_list.h"
#undef GANGLION_NODE

const char* portTypeName(PortType t) {
    switch (t) {
    case PortType::Tensor: return "tensor";
    case PortType::Spikes: return "spikes";
    case PortType::Events: return "events";
    case PortType::Scalar: return "scalar";
    }
    return "?";
}

const ParamSpec* NodeSpec::param(const std::string& name) const {
    for (const auto& p : params)
        if (p.name == name) return &p;
    return nullptr;
}
int NodeSpec::inputIndex(const std::string& name) const {
    for (size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].name == name) return int(i);
    return -1;
}
int NodeSpec::outputIndex(const std::string& name) const {
    for (size_t i = 0; i < outputs.size(); ++i)
        if (outputs[i].name == name) return int(i);
    return -1;
}

const NodeRegistry& NodeRegistry::instance() {
    static const NodeRegistry registry = [] {
        NodeRegistry r;
#define GANGLION_NODE(fn) r.add(fn());
#include "core/nodes/node_list.h"
#undef GANGLION_NODE
        return r;
    }();
    return registry;
}

void NodeRegistry::add(NodeSpec spec) {
    if (find(spec.type)) throw std::logic_error("node type registered twice: " + spec.type);
    for (const auto& p : spec.params)
        if (auto err = p.check(p.def))
            throw std::logic_error("node type " + spec.type + ": default of " + *err);
    specs_.push_back(std::move(spec));
}

const NodeSpec* NodeRegistry::find(const std::string& type) const {
    for (const auto& s : specs_)
        if (s.type == type) return &s;
    return nullptr;
}

std::vector<std::string> NodeRegistry::categories() const {
    std::vector<std::string> out;
    for (const auto& s : specs_)
        if (std::find(out.begin(), out.end(), s.category) == out.end()) out.push_back(s.category);
    return out;
}

std::string NodeRegistry::markdownReference() const {
    std::ostringstream md;
    md << "# Ganglion node reference\n\nGenerated from the node specs (`ganglion --node-docs`).\n";
    for (const auto& cat : categories()) {
        md << "\n## " << cat << "\n";
        for (const auto& s : specs_) {
            if (s.category != cat) continue;
            md << "\n### " << s.title << " (`" << s.type << "`)\n\n" << s.help << "\n";
            if (!s.reference.empty()) md << "\nReference: " << s.reference << "\n";
            auto ports = [&](const char* what, const std::vector<PortSpec>& ps) {
                if (ps.empty()) return;
                md << "\n" << what << ":\n";
                for (const auto& p : ps)
                    md << "- `" << p.name << "` (" << portTypeName(p.type)
                       << (p.optional ? ", optional" : "") << (p.delayed ? ", delayed" : "")
                       << ") " << p.help << "\n";
            };
            ports("Inputs", s.inputs);
            ports("Outputs", s.outputs);
            if (!s.params.empty()) {
                md << "\n| parameter | type | default | range | unit | live | help |\n"
                      "|---|---|---|---|---|---|---|\n";
                for (const auto& p : s.params) {
                    std::string range;
                    if (p.type == ParamType::Int || p.type == ParamType::Float) {
                        std::ostringstream r;
                        r << p.min << " … " << p.max;
                        range = r.str();
                    } else if (p.type == ParamType::Enum) {
                        for (const auto& c : p.choices) range += (range.empty() ? "" : ", ") + c;
                    }
                    md << "| " << p.name << " | " << paramTypeName(p.type) << " | "
                       << paramToString(p.def) << " | " << range << " | " << p.unit << " | "
                       << (p.live ? "yes" : "no") << " | " << p.help << " |\n";
                }
            }
        }
    }
    return md.str();
}

}  // namespace ganglion
