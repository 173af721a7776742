// Node type "WormTrainer": trains a swimming controller (NCAP circuit or MLP) on forward speed
// with an evolution strategy or random search; one generation per engine step. It also swims a
// demo body with the current parameters so the body view can show the learner live.
#include "core/model/node_spec.h"
#include "core/model/weight_stats.h"
#include "core/worm/ncap_parts.h"
#include "core/worm/swim_trainer.h"
#include "core/worm/worm_observables.h"

#include <memory>
#include <sstream>

namespace ganglion {
namespace {

using namespace worm;

std::vector<int> parseHidden(const std::string& text) {
    std::string t = text;
    for (char& c : t)
        if (c == ',' || c == 'x' || c == ';') c = ' ';
    std::istringstream in(t);
    std::vector<int> out;
    std::string w;
    while (in >> w) {
        int v = 0;
        try {
            size_t used = 0;
            v = std::stoi(w, &used);
            if (used != w.size()) v = 0;
        } catch (const std::exception&) {
            v = 0;
        }
        if (v < 1 || v > 4096)
            throw BuildError("", "hidden layer size '" + w + "' must be an integer in 1..4096");
        out.push_back(v);
    }
    if (out.empty()) throw BuildError("", "give at least one hidden layer size, e.g. \"64, 64\"");
    return out;
}

class TrainerKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        BodyConfig body;
        body.links = int(p.getInt("joints")) + 1;
        const double period = p.getFloat("period");
        std::unique_ptr<SwimController> ctl;
        const std::uint64_t seed = ctx.rng();
        if (p.getString("controller") == "mlp") {
            ctl = std::make_unique<MlpController>(body.links - 1, parseHidden(p.getString("hidden")),
                                                  period, body.controlDt, seed);
        } else {
            NcapConfig nc;
            nc.joints = body.links - 1;
            nc.weightSharing = p.getBool("weight_sharing");
            nc.period = period;
            nc.signConstrained = p.getBool("sign_constrained");
            auto ncap = std::make_unique<NcapController>(nc);
            Eigen::VectorXf w = ncap->parameters();
            if (p.getString("init") == "small") {
                std::mt19937_64 r(seed);
                std::uniform_real_distribution<float> u(0.f, 0.2f);
                for (Eigen::Index i = 0; i < w.size(); ++i) w(i) = u(r) * (w(i) < 0 ? -1.f : 1.f);
            }
            ncap->setParameters(w);
            ctl = std::move(ncap);
        }
        TrainerConfig tc = config(p);
        tc.seed = seed;
        try {
            trainer_ = std::make_unique<SwimTrainer>(std::move(ctl), body, tc);
        } catch (const std::exception& e) {
            throw BuildError("", e.what());
        }
        signs_.start(trainer_->current().data(), std::size_t(trainer_->current().size()));
        demoCtl_ = trainer_->controller().clone();
        demoBody_ = SwimmerBody(body);
        demoTorque_.setZero(body.links - 1);
        demoStep_ = 0;
        demoSteps_ = int(p.getInt("demo_steps"));
        generations_ = p.getInt("generations");
        demoSeconds_ = p.getFloat("episode_seconds") * 2;
        last_ = GenerationStats{};
        last_.currentFitness = last_.bestFitness = trainer_->initialFitness();
        speedTrace_.reset(1);
        speedTrace_.push(float(last_.currentFitness));
        trail_.clear();
        return {Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        if (!trainer_) return;
        try {
            TrainerConfig tc = config(p);
            tc.seed = trainer_->config().seed;
            trainer_->setConfig(tc);
        } catch (const std::exception&) {
            // invalid live combination (e.g. odd ES population): keep the previous settings
        }
        demoSteps_ = int(p.getInt("demo_steps"));
        generations_ = p.getInt("generations");
    }

    double progress() const override {
        return generations_ > 0 ? double(last_.generation) / double(generations_) : -1.0;
    }

    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        if (ctx.phase == Phase::Train && ctx.learning) {
            last_ = trainer_->generation();
            speedTrace_.push(float(last_.currentFitness));
            demoCtl_->setParameters(trainer_->current());
        }
        if (ctx.phase == Phase::Train) runDemo();
        out[0].type = PortType::Tensor;
        out[0].tensor.setConstant(1, 1, float(last_.currentFitness));
    }

    void observe(Observables& obs) const override {
        obs.scalars["speed"] = last_.currentFitness;
        obs.scalars["best_speed"] = last_.bestFitness;
        obs.scalars["population_mean"] = last_.populationMean;
        obs.scalars["generation"] = last_.generation;
        obs.scalars["episodes"] = double(last_.episodes);
        obs.scalars["parameters"] = trainer_->controller().parameterCount();
        const Eigen::VectorXf& cur = trainer_->current();
        if (cur.size() <= 64) obs.arrays["weights"] = cur;
        signs_.publish(obs, cur.data(), std::size_t(cur.size()));
        // canvas thumbnail: forward speed per generation, on its own scale (zero included)
        const Matrix speeds = speedTrace_.ordered();
        obs.arrays["trace"] = speeds;
        obs.arrays["trace_range"] = (Matrix(2, 1) << std::min(0.f, speeds.minCoeff()),
                                     std::max(1e-3f, speeds.maxCoeff()) * 1.1f).finished();
        auto f = std::make_shared<SwimmerFrame>();
        f->points = demoBody_.points();
        f->torque = demoBody_.torques() / std::max(1e-12, demoBody_.config().maxTorque);
        f->trail.resize(2, Eigen::Index(trail_.size()));
        for (size_t k = 0; k < trail_.size(); ++k) f->trail.col(Eigen::Index(k)) = trail_[k];
        f->heading = demoBody_.heading();
        f->start = demoStart_;
        f->time = demoBody_.time();
        f->distance = (demoBody_.centerOfMass() - demoStart_).norm();
        f->speed = demoBody_.time() > 0 ? (demoBody_.centerOfMass() - demoStart_).x() / demoBody_.time() : 0.0;
        f->bodyLength = demoBody_.config().bodyLength;
        obs.extra["swimmer"] = std::shared_ptr<const SwimmerFrame>(f);
    }

    KernelState saveState() const override {
        return {{"current", trainer_->current()}, {"best", trainer_->best()}, {"seed", seedState(trainer_->config().seed)}};
    }
    void loadState(const KernelState& s) override {
        // Every entry is checked before anything changes.
        auto it = s.find("current");
        if (it == s.end()) return;
        auto best = s.find("best");
        auto seed = s.find("seed");
        const Eigen::Index n = trainer_->controller().parameterCount();
        for (auto e : {it, best})
            if (e != s.end() && e->second.size() != n)
                throw std::runtime_error("trainer state '" + e->first + "' must have " + std::to_string(n) + " entries");
        const std::uint64_t noiseSeed = seed != s.end() ? seedFromState(seed->second, "seed") : trainer_->config().seed;
        trainer_->setCurrent(it->second.reshaped());
        if (best != s.end()) trainer_->setBest(best->second.reshaped());
        trainer_->reseed(noiseSeed);
        signs_.start(trainer_->current().data(), std::size_t(trainer_->current().size()));
        demoCtl_->setParameters(trainer_->current());
    }

private:
    static TrainerConfig config(const ParamSet& p) {
        TrainerConfig tc;
        tc.method = p.getString("method") == "random" ? TrainMethod::RandomSearch : TrainMethod::EvolutionStrategy;
        tc.population = int(p.getInt("population"));
        tc.sigma = p.getFloat("sigma");
        tc.learningRate = p.getFloat("learning_rate");
        tc.episodeSeconds = p.getFloat("episode_seconds");
        if (tc.method == TrainMethod::EvolutionStrategy && tc.population % 2)
            throw BuildError("", "population must be even for the evolution strategy (antithetic pairs)");
        return tc;
    }

    void runDemo() {
        if (demoStep_ == 0) {
            demoBody_.reset();
            demoStart_ = demoBody_.centerOfMass();
            trail_.clear();
        }
        for (int k = 0; k < demoSteps_; ++k) {
            demoCtl_->act(demoStep_, demoBody_, demoTorque_);
            demoBody_.step(demoTorque_);
            ++demoStep_;
            if (demoStep_ % 2 == 0) trail_.push_back(demoBody_.headPosition());
        }
        if (double(demoStep_) * demoBody_.config().controlDt >= demoSeconds_) demoStep_ = 0;
    }

    std::unique_ptr<SwimTrainer> trainer_;
    std::unique_ptr<SwimController> demoCtl_;
    SwimmerBody demoBody_;
    Eigen::VectorXf demoTorque_;
    Eigen::Vector2d demoStart_{0, 0};
    std::vector<Eigen::Vector2d> trail_;
    long long demoStep_ = 0;
    int demoSteps_ = 4;
    double demoSeconds_ = 12;
    GenerationStats last_;
    std::int64_t generations_ = 0;  // the run's end, 0 = none
    worm::TraceRing speedTrace_;  // forward speed of the current parameters, per generation
    WeightSignWatch signs_;       // the controller's signs at the start: flips are counted from them
};

}  // namespace

NodeSpec makeWormTrainerSpec() {
    NodeSpec s;
    s.type = "WormTrainer";
    s.title = "Swimmer trainer (ES)";
    s.category = "C. elegans";
    s.observables = {"swimmer", "trace", "trace_range", "weights", kWeightStats};
    s.thumbnail = Thumbnail::Trace;
    s.help = "Trains a swimming controller on forward speed, one generation per step: an evolution "
             "strategy (antithetic Gaussian perturbations, centred ranks, Adam) or greedy random "
             "search. The controller is the NCAP circuit (a handful of sign-constrained weights, kept "
             "in sign by projection, unless sign_constrained is off) or an MLP with orders of magnitude more parameters. A demo body "
             "swims with the current parameters.";
    s.reference = "Salimans et al. (2017) Evolution Strategies as a Scalable Alternative to "
                  "Reinforcement Learning; Bhattasali, Zador & Engel (2022) NCAP, NeurIPS";
    s.role = NodeRole::Source;
    s.outputs = {{"speed", PortType::Tensor, "forward speed of the current parameters (m/s)"}};
    s.params = {
        enumParam("controller", "ncap", {"ncap", "mlp"}, "What is trained."),
        enumParam("method", "es", {"es", "random"}, "Evolution strategy or random search.", true),
        intParam("joints", 5, 1, 30, "Swimmer joints (links − 1)."),
        boolParam("weight_sharing", true, "NCAP: one set of weights for all joints."),
        boolParam("sign_constrained", true,
                  "NCAP: keep every weight excitatory or inhibitory as the circuit says (off: the NCAP "
                  "paper's unconstrained ablation, signs free to flip while it trains)."),
        enumParam("init", "small", {"paper", "small"},
                  "NCAP start: the paper's ±1 weights, or small random ones (to watch it learn)."),
        stringParam("hidden", "64, 64", "MLP hidden layer sizes."),
        floatParam("period", 1.8, 0.06, 60.0, "Oscillator period (NCAP) / clock period (MLP input).", "s"),
        intParam("population", 16, 2, 1024, "Episodes per generation (even for ES).", true),
        floatParam("sigma", 0.1, 1e-4, 10.0, "Perturbation scale.", "", true),
        floatParam("learning_rate", 0.05, 1e-5, 10.0, "ES step size (Adam).", "", true),
        floatParam("episode_seconds", 6.0, 0.1, 120.0, "Simulated seconds per evaluation.", "s", true),
        intParam("demo_steps", 4, 0, 1000, "Control steps of the demo swimmer per generation.", true),
        intParam("generations", 0, 0, 1000000, "Generations to train: the run finishes there (0 = no end).", true),
    };
    s.create = [] { return std::make_unique<TrainerKernel>(); };
    return s;
}

}  // namespace ganglion
