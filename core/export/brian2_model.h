// What the Brian2 export writes (core/export/brian2_export.h), gathered from a Network or from a
// graph's kernels: populations and projections referring to the simulator's own objects.
#pragma once

#include "core/export/brian2_export.h"

#include <string>
#include <vector>

namespace ganglion::brian2 {

struct Population {
    std::string label;  ///< as printed and in messages: the population's (or node's) name
    const snn::Population* pop = nullptr;
    bool prepared = false;  ///< its state is the initial state (else v starts at v_reset)
    const std::vector<snn::GeneratorSpike>* generatorSpikes = nullptr;  ///< nullptr: pop's own
    double generatorPeriod = 0;
    std::vector<snn::StepCurrent> currents;  ///< this population's step currents
};

struct Projection {
    std::string label;
    const snn::Projection* proj = nullptr;
    int pre = 0, post = 0;   ///< indices into Model::pops
    int delaySteps = -1;     ///< uniform delay; -1: the projection's own per-synapse delays
    int extraDelay = 0;      ///< steps added to every delay (a graph's delayed input port)
    bool learning = true;    ///< plasticity on (STDP written when the projection has it)
};

struct Model {
    double dt = 1e-4;
    std::vector<Population> pops;
    std::vector<Projection> projs;
};

/// The script and arrays of `m`. Throws std::runtime_error naming what cannot be exported.
Brian2Export write(const Model& m, const Brian2Options& options);

}  // namespace ganglion::brian2
