// PatternSource: the patterns an associative memory stores and the corrupted cues it recalls
// from. Every `present_for` steps a new cue is made from the next pattern (or always the same
// one), with a fraction of entries flipped and a fragment erased; dilution, corruption and pace
// are live. Its learned state is the seed its patterns were drawn from.
#include "core/memory/glyphs.h"
#include "core/memory/patterns.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion {

namespace {

class PatternSourceKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        kind_ = p.getString("kind");
        k_ = int(p.getInt("patterns"));
        n_ = int(p.getInt("neurons"));
        if ((kind_ == "random" || kind_ == "orthogonal") && k_ > n_)
            throw BuildError("", "patterns: " + std::to_string(k_) + " patterns of " + std::to_string(n_) +
                                     " neurons; store at most as many patterns as there are neurons "
                                     "(recall works below about 0.14 x neurons)");
        if (kind_ != "random" && kind_ != "orthogonal") {
            const int have = int(memory::glyphSet(kind_).bitmaps.cols());
            if (k_ > have)
                throw BuildError("", "patterns: the " + kind_ + " set has " + std::to_string(have) + " glyphs, not " +
                                         std::to_string(k_));
        }
        const int cueOf = int(p.getInt("cue_pattern"));
        if (cueOf > k_)
            throw BuildError("", "cue_pattern: pattern " + std::to_string(cueOf) + " does not exist (there are " +
                                     std::to_string(k_) + "; 0 cycles through them)");
        seed_ = ctx.rng();
        makeBank();
        setParams(p);
        Shape s = Shape::tensor(bank_.neurons());
        s.width = bank_.width;
        s.height = bank_.height;
        return {s, s, Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        const double d = p.getFloat("dilution");
        if (d != dilution_ || patterns_.size() == 0) {
            dilution_ = d;
            patterns_ = bank_.diluted(d);
            trial_ = -1;  // a fresh cue from the new patterns
        }
        const double flip = p.getFloat("flip"), erase = p.getFloat("erase");
        const double atX = p.getFloat("erase_x"), atY = p.getFloat("erase_y");
        if (flip != flip_ || erase != erase_ || atX != atX_ || atY != atY_) trial_ = -1;
        flip_ = flip;
        erase_ = erase;
        atX_ = atX;
        atY_ = atY;
        cueOf_ = int(p.getInt("cue_pattern"));
        presentFor_ = std::max<std::int64_t>(1, p.getInt("present_for"));
        trials_ = p.getInt("trials");
    }

    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        // Cues advance with training (simulation) steps; an evaluation pass sees the current one.
        const std::int64_t trial = ctx.phase == Phase::Train || trial_ < 0 ? std::int64_t(ctx.step) / presentFor_ : trial_;
        if (trial != trial_ || cue_.size() == 0) {
            trial_ = trial;
            if (cueOf_ > k_)  // a live edit past the last pattern
                throw std::runtime_error("cue_pattern: pattern " + std::to_string(cueOf_) + " does not exist (there are " +
                                         std::to_string(k_) + "; 0 cycles through them)");
            target_ = cueOf_ > 0 ? cueOf_ - 1 : int(trial % k_);
            Rng& rng = *ctx.rng;
            cue_ = memory::corruptCue(patterns_.col(target_), flip_, erase_, bank_.width, bank_.height, rng, atX_, atY_);
            out[0].tensor = patterns_;
            out[1].tensor = cue_;
            out[2].tensor = Matrix::Constant(1, 1, float(target_ + 1));
        }
        if (out[0].tensor.size() == 0) {  // outputs handed over fresh (not between steps)
            out[0].tensor = patterns_;
            out[1].tensor = cue_;
            out[2].tensor = Matrix::Constant(1, 1, float(target_ + 1));
        }
        if (ctx.phase == Phase::Train) steps_ = ctx.step + 1;
    }

    void observe(Observables& obs) const override {
        if (cue_.size()) obs.arrays["activations"] = memory::asImage(cue_, bank_.width, bank_.height);
        obs.scalars["cue_target"] = target_ + 1;
    }

    double progress() const override {
        if (trials_ <= 0) return -1.0;
        return double(steps_) / double(trials_ * presentFor_);
    }

    KernelState saveState() const override { return {{"seed", seedState(seed_)}}; }
    void loadState(const KernelState& state) override {
        const std::uint64_t seed = seedFromState(checkedEntry(state, "PatternSource", "seed", 4, 1), "seed");
        seed_ = seed;
        makeBank();
        patterns_ = bank_.diluted(dilution_);
        trial_ = -1;
    }

private:
    void makeBank() {
        bank_ = kind_ == "random"       ? memory::randomBank(n_, k_, seed_)
                : kind_ == "orthogonal" ? memory::orthogonalBank(n_, k_, seed_)
                                        : memory::glyphBank(kind_, k_, seed_);
    }

    std::string kind_;
    int n_ = 0, k_ = 1, cueOf_ = 0, target_ = 0;
    std::uint64_t seed_ = 1, steps_ = 0;
    memory::PatternBank bank_;
    Matrix patterns_;
    Vector cue_;
    double dilution_ = -1, flip_ = 0, erase_ = 0, atX_ = -1, atY_ = -1;
    std::int64_t presentFor_ = 1, trials_ = 0, trial_ = -1;
};

}  // namespace

NodeSpec makePatternSourceSpec() {
    NodeSpec s;
    s.type = "PatternSource";
    s.title = "Pattern source";
    s.category = "Memory";
    s.role = NodeRole::Source;
    s.observables = {"activations", "cue_target"};
    s.help = "Binary patterns for an associative memory — random ±1 patterns, orthogonal sparse ones (no "
             "active unit shared) or letters / digits drawn on a 10 x 10 grid — diluted (each entry 0 with probability d), and a cue made from one of them every "
             "'present_for' steps: a fraction of entries flipped and a fragment erased (0). Outputs the patterns "
             "(neurons x patterns), the cue and the index of the pattern it came from.";
    s.reference = "Agliari, Barra, Galluzzi, Guerra & Moauro (2012), Multitasking associative networks, PRL 109";
    s.outputs = {{"patterns", PortType::Tensor, "neurons x patterns, entries -1, 0 (diluted), +1"},
                 {"cue", PortType::Tensor, "neurons x 1: the corrupted pattern, 0 where erased"},
                 {"target", PortType::Scalar, "which pattern (1-based) the cue was made from"}};
    s.params = {
        enumParam("kind", "random", {"random", "orthogonal", "letters", "digits"},
                  "Random ±1 patterns of 'neurons' units; orthogonal sparse ones (each unit active, +1, in at most "
                  "one pattern: 'neurons' / 'patterns' active units each); or glyphs on a 10 x 10 grid (100 neurons)."),
        intParam("neurons", 400, 1, 1000000, "Units per random pattern (glyphs have 100)."),
        intParam("patterns", 4, 1, 100000, "Number of patterns K."),
        floatParam("dilution", 0.0, 0.0, 0.95,
                   "Probability d that a pattern entry is 0 (blank); raising it blanks more entries of the same "
                   "patterns. d > 0 lets a Hopfield network retrieve several patterns at once.",
                   "", true),
        floatParam("flip", 0.2, 0.0, 0.5, "Fraction of the cue's entries negated.", "", true),
        floatParam("erase", 0.0, 0.0, 0.9, "Fraction of the cue erased to 0, as one rectangle (glyphs) or run.",
                   "", true),
        floatParam("erase_x", -1.0, -1.0, 1.0,
                   "Centre of the erased fragment across the image (0 left, 1 right); negative: a random place "
                   "for every cue. Clicking the cue in the Patterns view sets it.", "", true),
        floatParam("erase_y", -1.0, -1.0, 1.0,
                   "Centre of the erased fragment down the image (0 top, 1 bottom); negative: a random place.", "",
                   true),
        intParam("cue_pattern", 0, 0, 100000, "The pattern every cue is made from (1-based); 0 cycles through them.",
                 true),
        intParam("present_for", 100, 1, 100000000, "Steps each cue is presented before the next one.", true),
        intParam("trials", 0, 0, 1000000, "Cues to present before the run finishes (0: no end).", true),
    };
    s.create = [] { return std::make_unique<PatternSourceKernel>(); };
    return s;
}

}  // namespace ganglion
