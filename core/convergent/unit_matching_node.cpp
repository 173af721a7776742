#include "core/convergent/unit_matching_node.h"

#include "core/model/node_spec.h"

#include <stdexcept>
#include <string>

namespace ganglion {

std::vector<Shape> UnitMatchingKernel::build(const BuildContext& ctx) {
    for (int i = 0; i < 2; ++i)
        if (ctx.inputs[std::size_t(i)].features <= 0)
            throw BuildError(i == 0 ? "a" : "b", "input width is unknown (connect a layer of each network)");
    setParams(ctx.params);
    match_ = {};
    return {};
}

void UnitMatchingKernel::setParams(const ParamSet& p) {
    threshold_ = p.getFloat("threshold");
    strong_ = p.getFloat("strong");
}

void UnitMatchingKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value>) {
    // The test set is the same for both networks and the same at every evaluation: correlations over
    // it compare the trained layers, not the batches they happened to see.
    if (ctx.phase != Phase::Test) return;
    const Matrix& a = in[0]->tensor;
    const Matrix& b = in[1]->tensor;
    if (a.cols() != b.cols())
        throw std::runtime_error("inputs a and b carry " + std::to_string(a.cols()) + " and " + std::to_string(b.cols()) +
                                 " test samples: connect layers of two networks fed by the same data");
    if (a.cols() < 2) return;  // a correlation needs two samples
    match_ = matchUnits(a, b, threshold_);
}

void UnitMatchingKernel::observe(Observables& obs) const {
    const UnitMatching& m = match_;
    if (m.correlation.size() == 0) return;
    const auto n = Eigen::Index(m.order.size());
    Matrix matched(1, n), best(1, n), pairs(2, n);
    int strong = 0;
    for (Eigen::Index k = 0; k < n; ++k) {
        const auto i = std::size_t(m.order[std::size_t(k)]);
        matched(k) = float(m.oneToOneCorr[i]);
        best(k) = float(m.manyToOneCorr[i]);
        pairs(0, k) = float(i);
        pairs(1, k) = float(m.oneToOne[i]);
        strong += m.oneToOneCorr[i] > strong_;
    }
    obs.arrays["unit_correlation"] = m.sorted;
    obs.arrays["matched_correlation"] = matched;
    obs.arrays["best_correlation"] = best;
    obs.arrays["matching"] = pairs;
    obs.scalars["mean_matched_correlation"] = double(matched.mean());
    obs.scalars["mean_best_correlation"] = double(best.mean());
    obs.scalars["strong_matches"] = strong;
    obs.scalars["units_without_partner"] = m.withoutPartner;
    obs.scalars["dead_units"] = m.deadA + m.deadB;
}

NodeSpec makeUnitMatchingSpec() {
    NodeSpec s;
    s.type = "UnitMatching";
    s.title = "Unit matching";
    s.category = "Training";
    s.role = NodeRole::Sink;
    s.observables = {"unit_correlation", "matched_correlation", "best_correlation", "matching",
                     "mean_matched_correlation", "strong_matches", "units_without_partner", "dead_units"};
    s.help = "Convergent learning: compares a layer of two networks (a and b, e.g. copies of one model trained from "
             "different seeds) on the same test inputs. At every test evaluation it correlates every unit of a with "
             "every unit of b over the test set, matches them one-to-one (the Hungarian assignment maximising the "
             "summed correlation) and many-to-one (each unit's best partner). Publishes the correlation matrix sorted "
             "by the matching (unit_correlation: a's units by decreasing matched correlation, each partner on the "
             "diagonal), the matched and best correlations per unit, the pairs (matching: row 0 a's unit, row 1 its "
             "partner in b, 0-based), strong_matches (matched correlation above 'strong'), units_without_partner "
             "(live units of a whose best correlation is below 'threshold') and dead_units (units of a and b whose "
             "activity does not vary over the test set; they correlate 0 with everything).";
    s.reference = "Li, Yosinski, Clune, Lipson, Hopcroft, \"Convergent learning: do different neural networks learn the "
                  "same representations?\" (ICLR 2016)";
    s.inputs = {{"a", PortType::Tensor, "a layer's activations in network A (units x batch)"},
                {"b", PortType::Tensor, "the matching layer's activations in network B (units x batch)"}};
    s.params = {
        floatParam("threshold", 0.5, -1.0, 1.0,
                   "A unit whose best partner correlates below this has no partner.", "", true),
        floatParam("strong", 0.9, -1.0, 1.0, "Matched correlation above which a pair counts as a strong match.", "",
                   true),
    };
    s.create = [] { return std::make_unique<UnitMatchingKernel>(); };
    return s;
}

}  // namespace ganglion
