// Parsing connectome edge lists (see connectome_table.h for the accepted layouts).
#include "core/worm/connectome_table.h"

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace ganglion::worm {

namespace {

std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    // CSV writers may quote fields: "ADAL" -> ADAL
    if (b - a >= 2 && s[a] == '"' && s[b - 1] == '"') return trim(s.substr(a + 1, b - a - 2));
    return s.substr(a, b - a);
}

std::string lower(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

enum Column { Pre, Post, Type, Count, kColumns };
const char* const kColumnRole[kColumns] = {"the presynaptic cell", "the postsynaptic cell", "the synapse type",
                                           "the synapse count"};
const char* const kColumnExample[kColumns] = {"pre, source or origin", "post or target", "type",
                                              "synapses, weight, count or number of connections"};

/// Which column a header cell names (case, '_' and padding ignored), if any.
std::optional<Column> headerColumn(std::string h) {
    h = lower(trim(h));
    for (char& c : h)
        if (c == '_') c = ' ';
    static const std::unordered_map<std::string, Column> names = {
        {"pre", Pre}, {"source", Pre}, {"origin", Pre}, {"presynaptic", Pre}, {"pre-synaptic", Pre},
        {"neuron1", Pre}, {"neuron 1", Pre}, {"from", Pre},
        {"post", Post}, {"target", Post}, {"postsynaptic", Post}, {"post-synaptic", Post},
        {"neuron2", Post}, {"neuron 2", Post}, {"to", Post},
        {"type", Type}, {"synapse type", Type}, {"syntype", Type}, {"connection type", Type},
        {"synapses", Count}, {"weight", Count}, {"count", Count}, {"number of connections", Count},
        {"number of synapses", Count}, {"nbr", Count}, {"synapse count", Count}};
    auto it = names.find(h);
    if (it == names.end()) return std::nullopt;
    return it->second;
}

enum class TypeWord { Chemical, Electrical, Receive, Unknown };

/// Synapse type spellings of the published tables: White 1986 / OpenWorm ("chemical",
/// "electrical"), Cook et al. 2019 edge lists (the same words), OpenWorm's connectome.csv
/// ("Send", "GapJunction"), WormAtlas NeuronConnect (S, Sp, R, Rp, EJ, NMJ) and short forms.
TypeWord typeWord(const std::string& field) {
    std::string t = lower(field);
    for (char& c : t)
        if (c == ' ' || c == '-') c = '_';
    static const std::unordered_map<std::string, TypeWord> words = {
        {"chemical", TypeWord::Chemical}, {"chem", TypeWord::Chemical}, {"c", TypeWord::Chemical},
        {"chemical_synapse", TypeWord::Chemical}, {"send", TypeWord::Chemical}, {"s", TypeWord::Chemical},
        {"sp", TypeWord::Chemical}, {"send_poly", TypeWord::Chemical}, {"nmj", TypeWord::Chemical},
        {"electrical", TypeWord::Electrical}, {"elec", TypeWord::Electrical}, {"e", TypeWord::Electrical},
        {"ej", TypeWord::Electrical}, {"gapjunction", TypeWord::Electrical}, {"gap_junction", TypeWord::Electrical},
        {"gap", TypeWord::Electrical}, {"gj", TypeWord::Electrical}, {"electrical_junction", TypeWord::Electrical},
        {"r", TypeWord::Receive}, {"rp", TypeWord::Receive}, {"receive", TypeWord::Receive},
        {"receive_poly", TypeWord::Receive}};
    auto it = words.find(t);
    return it == words.end() ? TypeWord::Unknown : it->second;
}

/// Splits a line on tabs, else commas, else semicolons, else runs of spaces; fields trimmed.
std::vector<std::string> splitFields(const std::string& text) {
    char sep = '\t';
    if (text.find('\t') == std::string::npos)
        sep = text.find(',') != std::string::npos ? ',' : (text.find(';') != std::string::npos ? ';' : ' ');
    std::vector<std::string> f;
    if (sep == ' ') {
        std::istringstream ws(text);
        std::string w;
        while (ws >> w) f.push_back(w);
        return f;
    }
    std::string cell;
    std::istringstream fs(text);
    while (std::getline(fs, cell, sep)) f.push_back(trim(cell));
    if (!text.empty() && text.back() == sep) f.push_back("");
    return f;
}

/// Where each column is and how many fields a row has; without a header White's order.
struct Layout {
    int col[kColumns] = {0, 1, 2, 3};
    std::vector<std::string> names = {"pre", "post", "type", "synapses"};

    std::string columnName(Column c) const {
        return "column " + std::to_string(col[c] + 1) + " (" + names[std::size_t(col[c])] + ")";
    }
};

/// A first line naming at least two known columns is a header. Returns an error message when it
/// is a header that cannot be used (a column missing or given twice).
bool readHeader(const std::vector<std::string>& f, Layout& layout, std::string& error) {
    int known = 0;
    for (const auto& h : f) known += headerColumn(h) ? 1 : 0;
    if (known < 2) return false;
    int col[kColumns] = {-1, -1, -1, -1};
    for (int i = 0; i < int(f.size()); ++i) {
        const auto c = headerColumn(f[std::size_t(i)]);
        if (!c) continue;  // other columns (e.g. Neurotransmitter) are ignored
        if (col[*c] >= 0) {
            error = "header: columns " + std::to_string(col[*c] + 1) + " ('" + f[std::size_t(col[*c])] + "') and " +
                    std::to_string(i + 1) + " ('" + f[std::size_t(i)] + "') both give " + kColumnRole[*c];
            return true;
        }
        col[*c] = i;
    }
    for (int c = 0; c < kColumns; ++c)
        if (col[c] < 0) {
            error = std::string("header: no column for ") + kColumnRole[c] + " (name one " + kColumnExample[c] + ")";
            return true;
        }
    std::copy(col, col + kColumns, layout.col);
    layout.names = f;
    return true;
}

}  // namespace

ConnectomeTable parseConnectome(std::istream& in) {
    ConnectomeTable t;
    std::unordered_map<std::string, int> index;
    auto cellIndex = [&](const std::string& name, int line) {
        auto it = index.find(name);
        if (it != index.end()) return it->second;
        const int id = int(t.cells.size());
        index.emplace(name, id);
        t.cells.push_back(name);
        const CellClass c = classifyCell(name);
        t.classes.push_back(c);
        if (c == CellClass::Unknown)
            t.problems.push_back({line, "unknown cell name '" + name + "' (kept, class unknown)", false});
        return id;
    };
    Layout layout;
    std::string raw;
    int line = 0, firstReceive = 0, receiveRows = 0;
    bool sawData = false;
    while (std::getline(in, raw)) {
        ++line;
        // strip spaces and CR but keep tabs: a leading tab means an empty first field
        std::string text = raw;
        while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\n')) text.pop_back();
        while (!text.empty() && text.front() == ' ') text.erase(text.begin());
        if (text.empty() || text[0] == '#') continue;
        const std::vector<std::string> f = splitFields(text);
        if (!sawData) {
            sawData = true;
            std::string error;
            if (readHeader(f, layout, error)) {
                if (!error.empty()) {
                    t.problems.push_back({line, error, true});
                    return t;  // every row would be misread
                }
                continue;
            }
        }
        if (f.size() != layout.names.size()) {
            std::string cols;
            for (const auto& n : layout.names) cols += (cols.empty() ? "" : ", ") + n;
            t.problems.push_back({line, "expected " + std::to_string(layout.names.size()) + " fields (" + cols +
                                            "), found " + std::to_string(f.size()), true});
            continue;
        }
        const std::string& pre = f[std::size_t(layout.col[Pre])];
        const std::string& post = f[std::size_t(layout.col[Post])];
        const std::string& ty = f[std::size_t(layout.col[Type])];
        const std::string& num = f[std::size_t(layout.col[Count])];
        if (pre.empty() || post.empty()) {
            t.problems.push_back({line, layout.columnName(pre.empty() ? Pre : Post) + ": empty cell name", true});
            continue;
        }
        const TypeWord word = typeWord(ty);
        if (word == TypeWord::Unknown) {
            t.problems.push_back({line, layout.columnName(Type) + ": unknown synapse type '" + ty +
                                            "' (use chemical or electrical)", true});
            continue;
        }
        int count = 0;
        try {
            size_t used = 0;
            const long v = std::stol(num, &used);
            if (used != num.size() || v < 1 || v > 1000000) throw std::invalid_argument("range");
            count = int(v);
        } catch (const std::exception&) {
            t.problems.push_back({line, layout.columnName(Count) + ": synapse count '" + num + "' is not a positive integer", true});
            continue;
        }
        if (word == TypeWord::Receive) {  // the same synapse as a Send row, seen from its target
            if (receiveRows++ == 0) firstReceive = line;
            continue;
        }
        ConnectomeRow r;
        r.line = line;
        r.pre = cellIndex(pre, line);
        r.post = cellIndex(post, line);
        r.type = word == TypeWord::Electrical ? SynapseType::Electrical : SynapseType::Chemical;
        r.count = count;
        t.rows.push_back(r);
    }
    if (receiveRows > 0)
        t.problems.push_back({firstReceive, std::to_string(receiveRows) +
                                                " receive rows (R/Rp) skipped: each repeats a send row (S/Sp) from the other cell",
                              false});
    return t;
}

ConnectomeTable parseConnectomeText(const std::string& text) {
    std::istringstream in(text);
    return parseConnectome(in);
}

ConnectomeTable loadConnectomeFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open connectome table '" + path + "'");
    return parseConnectome(in);
}

}  // namespace ganglion::worm
