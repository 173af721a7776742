#include "core/worm/connectome_table.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

namespace ganglion::worm {

const char* cellClassName(CellClass c) {
    switch (c) {
    case CellClass::Sensory: return "sensory";
    case CellClass::Inter: return "inter";
    case CellClass::Motor: return "motor";
    case CellClass::Pharyngeal: return "pharyngeal";
    case CellClass::Muscle: return "muscle";
    case CellClass::Glia: return "glia";
    case CellClass::Unknown: return "unknown";
    }
    return "?";
}

namespace {

struct Stem {
    const char* name;
    CellClass cls;
};

// Neuron classes of the C. elegans hermaphrodite (WormAtlas functional classification; neurons
// with mixed roles are listed under their main one).
const Stem kStems[] = {
    // sensory
    {"ADE", CellClass::Sensory}, {"ADF", CellClass::Sensory}, {"ADL", CellClass::Sensory},
    {"AFD", CellClass::Sensory}, {"ALM", CellClass::Sensory}, {"ALN", CellClass::Sensory},
    {"AQR", CellClass::Sensory}, {"ASE", CellClass::Sensory}, {"ASG", CellClass::Sensory},
    {"ASH", CellClass::Sensory}, {"ASI", CellClass::Sensory}, {"ASJ", CellClass::Sensory},
    {"ASK", CellClass::Sensory}, {"AVM", CellClass::Sensory}, {"AWA", CellClass::Sensory},
    {"AWB", CellClass::Sensory}, {"AWC", CellClass::Sensory}, {"BAG", CellClass::Sensory},
    {"CEP", CellClass::Sensory}, {"FLP", CellClass::Sensory}, {"IL1", CellClass::Sensory},
    {"IL2", CellClass::Sensory}, {"OLL", CellClass::Sensory}, {"OLQ", CellClass::Sensory},
    {"PDE", CellClass::Sensory}, {"PHA", CellClass::Sensory}, {"PHB", CellClass::Sensory},
    {"PHC", CellClass::Sensory}, {"PLM", CellClass::Sensory}, {"PLN", CellClass::Sensory},
    {"PQR", CellClass::Sensory}, {"PVD", CellClass::Sensory}, {"PVM", CellClass::Sensory},
    {"SDQ", CellClass::Sensory}, {"URX", CellClass::Sensory}, {"URY", CellClass::Sensory},
    // interneurons
    {"ADA", CellClass::Inter}, {"AIA", CellClass::Inter}, {"AIB", CellClass::Inter},
    {"AIM", CellClass::Inter}, {"AIN", CellClass::Inter}, {"AIY", CellClass::Inter},
    {"AIZ", CellClass::Inter}, {"ALA", CellClass::Inter}, {"AUA", CellClass::Inter},
    {"AVA", CellClass::Inter}, {"AVB", CellClass::Inter}, {"AVD", CellClass::Inter},
    {"AVE", CellClass::Inter}, {"AVF", CellClass::Inter}, {"AVG", CellClass::Inter},
    {"AVH", CellClass::Inter}, {"AVJ", CellClass::Inter}, {"AVK", CellClass::Inter},
    {"AVL", CellClass::Inter}, {"BDU", CellClass::Inter}, {"CAN", CellClass::Inter},
    {"DVA", CellClass::Inter}, {"DVB", CellClass::Inter}, {"DVC", CellClass::Inter},
    {"LUA", CellClass::Inter}, {"PVC", CellClass::Inter}, {"PVN", CellClass::Inter},
    {"PVP", CellClass::Inter}, {"PVQ", CellClass::Inter}, {"PVR", CellClass::Inter},
    {"PVT", CellClass::Inter}, {"PVW", CellClass::Inter}, {"RIA", CellClass::Inter},
    {"RIB", CellClass::Inter}, {"RIC", CellClass::Inter}, {"RID", CellClass::Inter},
    {"RIF", CellClass::Inter}, {"RIG", CellClass::Inter}, {"RIH", CellClass::Inter},
    {"RIM", CellClass::Inter}, {"RIP", CellClass::Inter}, {"RIR", CellClass::Inter},
    {"RIS", CellClass::Inter}, {"RIV", CellClass::Inter}, {"RMG", CellClass::Inter},
    {"SAA", CellClass::Inter}, {"URB", CellClass::Inter},
    // motor neurons
    {"AS", CellClass::Motor}, {"DA", CellClass::Motor}, {"DB", CellClass::Motor},
    {"DD", CellClass::Motor}, {"VA", CellClass::Motor}, {"VB", CellClass::Motor},
    {"VC", CellClass::Motor}, {"VD", CellClass::Motor}, {"HSN", CellClass::Motor},
    {"PDA", CellClass::Motor}, {"PDB", CellClass::Motor}, {"RMD", CellClass::Motor},
    {"RME", CellClass::Motor}, {"RMF", CellClass::Motor}, {"RMH", CellClass::Motor},
    {"SAB", CellClass::Motor}, {"SIA", CellClass::Motor}, {"SIB", CellClass::Motor},
    {"SMB", CellClass::Motor}, {"SMD", CellClass::Motor}, {"URA", CellClass::Motor},
    // pharyngeal nervous system
    {"I1", CellClass::Pharyngeal}, {"I2", CellClass::Pharyngeal}, {"I3", CellClass::Pharyngeal},
    {"I4", CellClass::Pharyngeal}, {"I5", CellClass::Pharyngeal}, {"I6", CellClass::Pharyngeal},
    {"M1", CellClass::Pharyngeal}, {"M2", CellClass::Pharyngeal}, {"M3", CellClass::Pharyngeal},
    {"M4", CellClass::Pharyngeal}, {"M5", CellClass::Pharyngeal}, {"MC", CellClass::Pharyngeal},
    {"MI", CellClass::Pharyngeal}, {"NSM", CellClass::Pharyngeal},
    // glia
    {"GLR", CellClass::Glia}, {"CEPsh", CellClass::Glia}, {"AMsh", CellClass::Glia},
    {"AMso", CellClass::Glia}, {"PHsh", CellClass::Glia}, {"PHso", CellClass::Glia},
    {"ILsh", CellClass::Glia}, {"ILso", CellClass::Glia},
};

bool validSuffix(const std::string& s) {
    static const std::set<std::string> sides = {"", "L", "R", "D", "V", "DL", "DR", "VL", "VR"};
    if (sides.count(s)) return true;
    if (s.size() > 2) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool isMuscleName(const std::string& n) {
    auto digitsFrom = [&](size_t i) {
        return i < n.size() && std::all_of(n.begin() + long(i), n.end(), [](char c) {
                   return std::isdigit(static_cast<unsigned char>(c));
               });
    };
    if (n == "LegacyBodyWallMuscles" || n == "MANAL" || n == "MVULVA") return true;
    // BWM…, and Cook et al. (2019)'s dorsal/ventral body wall muscles dBWML1 … vBWMR24
    if (n.rfind("BWM", 0) == 0 || n.rfind("dBWM", 0) == 0 || n.rfind("vBWM", 0) == 0) return true;
    // body wall muscles MDL01 .. MVR24
    if (n.size() >= 4 && n[0] == 'M' && (n[1] == 'D' || n[1] == 'V') && (n[2] == 'L' || n[2] == 'R') &&
        digitsFrom(3))
        return true;
    // pharyngeal, vulval and uterine muscles: pm1..pm8, vm1, um2 (optionally with side letters)
    if (n.size() >= 3 && (n.rfind("pm", 0) == 0 || n.rfind("vm", 0) == 0 || n.rfind("um", 0) == 0) &&
        std::isdigit(static_cast<unsigned char>(n[2])))
        return true;
    return false;
}

const Stem* findStem(const std::string& name) {
    const Stem* bestStem = nullptr;
    size_t bestLen = 0;
    for (const auto& s : kStems) {
        const std::string stem = s.name;
        if (stem.size() <= bestLen || name.rfind(stem, 0) != 0) continue;
        if (!validSuffix(name.substr(stem.size()))) continue;
        bestStem = &s;
        bestLen = stem.size();
    }
    return bestStem;
}

}  // namespace

CellClass classifyCell(const std::string& name) {
    if (isMuscleName(name)) return CellClass::Muscle;
    if (const Stem* s = findStem(name)) return s->cls;
    return CellClass::Unknown;
}

std::string cellStem(const std::string& name) {
    if (const Stem* s = findStem(name)) return s->name;
    return name;
}

double cellBodyPosition(const std::string& name) {
    const std::string stem = cellStem(name);
    // ventral nerve cord motor neurons, numbered from anterior to posterior: class size
    static const std::map<std::string, int> cord = {{"AS", 11}, {"DA", 9}, {"DB", 7}, {"DD", 6},
                                                    {"VA", 12}, {"VB", 11}, {"VC", 6}, {"VD", 13}};
    if (auto it = cord.find(stem); it != cord.end()) {
        const std::string num = name.substr(stem.size());
        const int k = num.empty() ? 1 : std::atoi(num.c_str());
        return 0.12 + 0.78 * double(std::max(0, k - 1)) / double(std::max(1, it->second - 1));
    }
    static const std::map<std::string, double> other = {
        // tail ganglia (pre-anal, dorsorectal, lumbar)
        {"PHA", 0.95}, {"PHB", 0.95}, {"PHC", 0.96}, {"PLM", 0.94}, {"PLN", 0.94}, {"PQR", 0.95},
        {"PVC", 0.94}, {"PVN", 0.93}, {"PVP", 0.93}, {"PVQ", 0.94}, {"PVR", 0.94}, {"PVT", 0.93},
        {"PVW", 0.94}, {"DVA", 0.93}, {"DVB", 0.93}, {"DVC", 0.93}, {"LUA", 0.94}, {"ALN", 0.94},
        {"PDA", 0.92}, {"PDB", 0.92},
        // mid-body and posterior body
        {"ALM", 0.45}, {"CAN", 0.5}, {"HSN", 0.55}, {"PVM", 0.65}, {"PDE", 0.7}, {"PVD", 0.75},
        {"SDQ", 0.6}, {"AVM", 0.3}, {"BDU", 0.2},
    };
    if (auto it = other.find(stem); it != other.end()) return it->second;
    const CellClass c = classifyCell(name);
    if (c == CellClass::Muscle) return name.rfind("pm", 0) == 0 ? 0.03 : 0.5;
    return 0.05;  // head: nerve ring ganglia and pharynx
}

bool isInhibitoryNeuron(const std::string& name) {
    const std::string s = cellStem(name);
    return s == "DD" || s == "VD" || s == "RME" || s == "AVL" || s == "DVB" || s == "RIS";
}

int ConnectomeTable::indexOf(const std::string& name) const {
    auto it = std::find(cells.begin(), cells.end(), name);
    return it == cells.end() ? -1 : int(it - cells.begin());
}

int ConnectomeTable::errorCount() const {
    return int(std::count_if(problems.begin(), problems.end(), [](const TableProblem& p) { return p.error; }));
}

int ConnectomeTable::countRows(SynapseType t) const {
    return int(std::count_if(rows.begin(), rows.end(), [&](const ConnectomeRow& r) { return r.type == t; }));
}

long long ConnectomeTable::countSynapses(SynapseType t) const {
    long long n = 0;
    for (const auto& r : rows)
        if (r.type == t) n += r.count;
    return n;
}

int ConnectomeTable::countClass(CellClass c) const {
    return int(std::count(classes.begin(), classes.end(), c));
}

int ConnectomeTable::presynapticCells() const {
    std::set<int> pre;
    for (const auto& r : rows) pre.insert(r.pre);
    return int(pre.size());
}

std::string ConnectomeTable::problemSummary(int max) const {
    std::vector<const TableProblem*> sorted;
    for (const auto& p : problems) sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const TableProblem* a, const TableProblem* b) { return a->error && !b->error; });
    std::ostringstream os;
    int shown = 0;
    for (const auto* p : sorted) {
        if (shown == max) {
            os << "… and " << (sorted.size() - size_t(max)) << " more\n";
            break;
        }
        os << "line " << p->line << ": " << p->message << "\n";
        ++shown;
    }
    return os.str();
}

}  // namespace ganglion::worm
