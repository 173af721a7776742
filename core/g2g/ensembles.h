// Ensemble-to-ensemble connectivity (G2GNet, 2025): input and output neurons are partitioned
// into G ensembles; a connection between an input of ensemble e and an output of ensemble f is
// kept with probability p_in when e == f and p_out otherwise, giving block-structured sparsity
// like the ensemble-to-ensemble wiring seen in mouse visual cortex.
#pragma once

#include "core/g2g/sparse_linear.h"
#include "core/model/kernel.h"

#include <string>
#include <vector>

namespace ganglion::g2g {

enum class EnsembleScheme {
    Contiguous,   ///< ensemble = index block: i * G / n
    Random,       ///< a random balanced assignment (shuffled contiguous labels)
    Mixer,        ///< inputs in contiguous blocks, outputs interleaved (i mod G): stacked layers
                  ///< alternate block and interleaved partitions, mixing across ensembles
    Interleaved,  ///< ensemble = i mod G on both sides
};

EnsembleScheme parseEnsembleScheme(const std::string& name);  ///< throws std::invalid_argument
const std::vector<std::string>& ensembleSchemeNames();  ///< "contiguous", "random", "mixer", "interleaved"

struct G2GConfig {
    int ensembles = 8;
    double pIn = 1.0;
    double pOut = 0.15;
    EnsembleScheme scheme = EnsembleScheme::Contiguous;
};

/// Expected fraction of live connections for equal-sized ensembles.
double expectedDensity(const G2GConfig& c);
/// p_out giving the requested density with the config's G and p_in (clamped to [0, 1]).
double pOutForDensity(int ensembles, double pIn, double density);

/// Ensemble label (0..G-1) of each input and output neuron.
struct EnsembleAssignment {
    std::vector<int> in;
    std::vector<int> out;
};
EnsembleAssignment assignEnsembles(int nIn, int nOut, const G2GConfig& c, Rng& rng);

/// Samples the mask (every pair independently) and returns the slot structure (rebuilt).
SparseStructure sampleStructure(const EnsembleAssignment& a, const G2GConfig& c, Rng& rng);

/// Fan-in-corrected He initialisation: w ~ N(0, 2 / fan_in(i)) with the actual live fan-in of
/// each output neuron; biases zero.
void initFanIn(SparseLinear& layer, Rng& rng);

/// Permutation listing neurons ordered by ensemble (stable within an ensemble): views use it to
/// draw the mask with the block structure visible.
std::vector<int> orderByEnsemble(const std::vector<int>& labels);

}  // namespace ganglion::g2g
