// Connectome tables: a list of (pre, post, type, synapse count) rows, e.g. the C. elegans
// hermaphrodite wiring of White et al. (1986) as tabulated by OpenWorm. Tab- or comma-separated,
// optional header. Cell names are classified (sensory / inter / motor neuron, pharyngeal neuron,
// muscle, glia) from the standard C. elegans naming; unknown names and malformed rows are
// reported with their line numbers. No Qt.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace ganglion::worm {

enum class CellClass : std::uint8_t { Sensory, Inter, Motor, Pharyngeal, Muscle, Glia, Unknown };
const char* cellClassName(CellClass c);

/// Class of a C. elegans cell from its name ("ALML" -> Sensory, "AVAL" -> Inter, "VB3" -> Motor,
/// "MDL05"/"pm4" -> Muscle, "GLRL" -> Glia); Unknown when the name matches no known cell.
CellClass classifyCell(const std::string& name);
/// The cell class stem of a name ("AVAL" -> "AVA", "VB11" -> "VB", "CEPDL" -> "CEP"); the name
/// itself when unknown.
std::string cellStem(const std::string& name);
/// Approximate position of the cell body along the body axis, 0 = nose, 1 = tail tip, from the
/// cell's identity (ventral-cord motor neurons by their number, tail and mid-body neurons by
/// class; the rest are head neurons, about 0.05). Coarse: meant for drawing, not anatomy.
double cellBodyPosition(const std::string& name);
/// Whether the neuron is GABAergic (its chemical synapses inhibit): DD, VD, RME, AVL, DVB, RIS.
bool isInhibitoryNeuron(const std::string& name);

enum class SynapseType : std::uint8_t { Chemical, Electrical };

struct ConnectomeRow {
    int line = 0;  ///< 1-based line in the source text
    int pre = 0, post = 0;  ///< indices into ConnectomeTable::cells
    SynapseType type = SynapseType::Chemical;
    int count = 0;
};

struct TableProblem {
    int line = 0;
    std::string message;
    bool error = true;  ///< false: a warning (unknown name), the row was still used
};

struct ConnectomeTable {
    std::vector<std::string> cells;  ///< every name seen, in order of first appearance
    std::vector<CellClass> classes;  ///< one per cell
    std::vector<ConnectomeRow> rows; ///< well-formed rows only
    std::vector<TableProblem> problems;

    int indexOf(const std::string& name) const;  ///< -1 when absent
    int errorCount() const;
    int countRows(SynapseType t) const;
    long long countSynapses(SynapseType t) const;
    int countClass(CellClass c) const;
    /// Number of distinct cells appearing as `pre` of some row.
    int presynapticCells() const;
    /// "line 12: ..." for the first `max` problems (errors first), one per line.
    std::string problemSummary(int max = 10) const;
};

/// Parses a table. Tab, comma or semicolon separators (detected per line; fields trimmed, so
/// padded names such as "ADAL " are fine, and unquoted), blank lines and '#' comments.
/// A first line naming at least two known columns is a header, and columns are then found by
/// name in any order (case-insensitive; other columns are ignored):
///   presynaptic cell  pre, source, origin, presynaptic, neuron1, "neuron 1", from
///   postsynaptic cell post, target, postsynaptic, neuron2, "neuron 2", to
///   synapse type      type, "synapse type", syntype
///   synapse count     synapses, weight, count, "number of connections", nbr
/// which covers White et al. (1986) as tabulated by OpenWorm (pre post type synapses), the
/// Cook et al. (2019) edge lists (Source,Target,Weight,Type), OpenWorm's connectome.csv
/// (Origin,Target,Type,Number of Connections,Neurotransmitter) and WormAtlas' NeuronConnect
/// (Neuron 1, Neuron 2, Type, Nbr). A header missing one of the four columns, or giving one
/// twice, is an error on its line and nothing is read. Without a header the order is
/// pre, post, type, synapses. Rows must have as many fields as the header (else 4).
/// Type (case-insensitive): chemical, chem, c, Send, S, Sp, NMJ → chemical; electrical, elec, e,
/// GapJunction, gap_junction, EJ, GJ → electrical; R / Rp / Receive rows repeat a send row from
/// the other cell and are skipped (one warning says how many). Row errors name the line and
/// the column.
ConnectomeTable parseConnectome(std::istream& in);
ConnectomeTable parseConnectomeText(const std::string& text);
/// Throws std::runtime_error naming the path when the file cannot be opened.
ConnectomeTable loadConnectomeFile(const std::string& path);

}  // namespace ganglion::worm
