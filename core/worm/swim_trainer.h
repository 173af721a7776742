// Black-box training of a swimming controller on forward speed: an evolution strategy
// (Salimans et al. 2017: antithetic Gaussian perturbations, centred-rank fitness, Adam) and,
// as a baseline, greedy random search (sample around the best, keep any improvement).
// Constraints (NCAP's weight signs) are enforced by projection after every update. No Qt.
#pragma once

#include "core/worm/swim_task.h"

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace ganglion::worm {

enum class TrainMethod { EvolutionStrategy, RandomSearch };

struct TrainerConfig {
    TrainMethod method = TrainMethod::EvolutionStrategy;
    int population = 16;          ///< perturbations per generation (ES uses pairs: must be even)
    double sigma = 0.1;           ///< perturbation scale
    double learningRate = 0.05;   ///< ES Adam step size
    double episodeSeconds = 6.0;  ///< simulated seconds per evaluation
    std::uint64_t seed = 1;
};

struct GenerationStats {
    int generation = 0;
    double currentFitness = 0;  ///< forward speed of the current parameters (ES mean / RS best)
    double bestFitness = 0;     ///< best forward speed seen so far
    double populationMean = 0;  ///< mean fitness of this generation's samples
    long long episodes = 0;     ///< episodes run so far
};

class SwimTrainer {
public:
    /// Throws std::invalid_argument naming a bad setting.
    SwimTrainer(std::unique_ptr<SwimController> controller, const BodyConfig& body,
                const TrainerConfig& cfg);

    /// Runs one generation and returns its statistics.
    GenerationStats generation();
    const std::vector<GenerationStats>& history() const { return history_; }

    /// Current parameters (the ES mean, or the random-search incumbent).
    const Eigen::VectorXf& current() const { return theta_; }
    const Eigen::VectorXf& best() const { return best_; }
    double bestFitness() const { return bestFitness_; }
    double currentFitness() const { return currentFitness_; }
    /// Fitness of the starting parameters (evaluated at construction).
    double initialFitness() const { return initialFitness_; }
    SwimController& controller() { return *ctl_; }
    const TrainerConfig& config() const { return cfg_; }
    const BodyConfig& body() const { return body_; }

    /// Replace the current parameters (e.g. loading a saved state); projected and re-evaluated.
    void setCurrent(const Eigen::VectorXf& p);
    /// Replace the best parameters found so far (loading a saved state); projected and re-evaluated.
    void setBest(const Eigen::VectorXf& p);
    /// Restart the search noise from `seed` (a saved run continues as it would have).
    void reseed(std::uint64_t seed) {
        cfg_.seed = seed;
        rng_.seed(seed);
    }
    void setConfig(const TrainerConfig& cfg);  ///< live changes: sigma, rate, population

private:
    double evaluate(const Eigen::VectorXf& p);

    std::unique_ptr<SwimController> ctl_;
    BodyConfig body_;
    TrainerConfig cfg_;
    std::mt19937_64 rng_;
    Eigen::VectorXf theta_, best_, m_, v_, grad_, cand_;
    Eigen::MatrixXf eps_;
    std::vector<double> fit_;
    std::vector<int> order_;
    std::vector<float> rank_;
    SwimmerBody episodeBody_;
    Eigen::VectorXf episodeTorque_;
    double bestFitness_ = 0, currentFitness_ = 0, initialFitness_ = 0;
    int gen_ = 0;
    long long episodes_ = 0;
    std::vector<GenerationStats> history_;
};

}  // namespace ganglion::worm
