#include "core/worm/swim_trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ganglion::worm {

static void checkConfig(const TrainerConfig& cfg) {
    if (cfg.population < 2) throw std::invalid_argument("trainer population must be at least 2");
    if (cfg.method == TrainMethod::EvolutionStrategy && cfg.population % 2 != 0)
        throw std::invalid_argument("evolution strategy population must be even (antithetic pairs)");
    if (!(cfg.sigma > 0)) throw std::invalid_argument("trainer sigma must be positive");
    if (!(cfg.learningRate > 0)) throw std::invalid_argument("trainer learning rate must be positive");
    if (!(cfg.episodeSeconds > 0)) throw std::invalid_argument("episode length must be positive");
}

SwimTrainer::SwimTrainer(std::unique_ptr<SwimController> controller, const BodyConfig& body,
                         const TrainerConfig& cfg)
    : ctl_(std::move(controller)), body_(body), cfg_(cfg), rng_(cfg.seed) {
    if (!ctl_) throw std::invalid_argument("trainer needs a controller");
    checkConfig(cfg);
    episodeBody_ = SwimmerBody(body);  // validates the body settings
    const int n = ctl_->parameterCount();
    theta_ = ctl_->parameters();
    ctl_->project(theta_);
    m_ = v_ = grad_ = Eigen::VectorXf::Zero(n);
    cand_.resize(n);
    history_.reserve(1024);
    initialFitness_ = currentFitness_ = bestFitness_ = evaluate(theta_);
    best_ = theta_;
}

void SwimTrainer::setConfig(const TrainerConfig& cfg) {
    checkConfig(cfg);
    const bool episodeChanged = cfg.episodeSeconds != cfg_.episodeSeconds;
    cfg_ = cfg;
    if (episodeChanged) {  // fitness values are not comparable across episode lengths
        currentFitness_ = evaluate(theta_);
        bestFitness_ = evaluate(best_);
    }
}

void SwimTrainer::setCurrent(const Eigen::VectorXf& p) {
    if (p.size() != theta_.size())
        throw std::invalid_argument("trainer parameters have " + std::to_string(p.size()) +
                                    " entries, expected " + std::to_string(theta_.size()));
    theta_ = p;
    ctl_->project(theta_);
    currentFitness_ = evaluate(theta_);
    if (currentFitness_ > bestFitness_ || gen_ == 0) {
        bestFitness_ = currentFitness_;
        best_ = theta_;
    }
    m_.setZero();
    v_.setZero();
}

void SwimTrainer::setBest(const Eigen::VectorXf& p) {
    if (p.size() != best_.size())
        throw std::invalid_argument("trainer parameters have " + std::to_string(p.size()) +
                                    " entries, expected " + std::to_string(best_.size()));
    best_ = p;
    ctl_->project(best_);
    bestFitness_ = evaluate(best_);
}

double SwimTrainer::evaluate(const Eigen::VectorXf& p) {
    ctl_->setParameters(p);
    ++episodes_;
    return runEpisode(*ctl_, episodeBody_, episodeTorque_, cfg_.episodeSeconds).forwardSpeed;
}

GenerationStats SwimTrainer::generation() {
    const int n = int(theta_.size());
    const int P = cfg_.population;
    std::normal_distribution<float> N01(0.f, 1.f);
    fit_.assign(P, 0.0);
    const float sigma = float(cfg_.sigma);

    if (cfg_.method == TrainMethod::EvolutionStrategy) {
        const int pairs = P / 2;
        eps_.resize(n, pairs);
        for (Eigen::Index i = 0; i < eps_.size(); ++i) eps_(i) = N01(rng_);
        for (int k = 0; k < pairs; ++k) {
            for (int s = 0; s < 2; ++s) {
                cand_ = theta_ + (s == 0 ? sigma : -sigma) * eps_.col(k);
                ctl_->project(cand_);
                fit_[2 * k + s] = evaluate(cand_);
                if (fit_[2 * k + s] > bestFitness_) {
                    bestFitness_ = fit_[2 * k + s];
                    best_ = cand_;
                }
            }
        }
        // centred ranks in [-0.5, 0.5]
        order_.resize(P);
        std::iota(order_.begin(), order_.end(), 0);
        std::sort(order_.begin(), order_.end(), [&](int a, int b) { return fit_[a] < fit_[b]; });
        std::vector<float>& rank = rank_;
        rank.resize(P);
        for (int r = 0; r < P; ++r) rank[order_[r]] = float(r) / float(P - 1) - 0.5f;
        grad_.setZero();
        for (int k = 0; k < pairs; ++k) grad_ += (rank[2 * k] - rank[2 * k + 1]) * eps_.col(k);
        grad_ /= float(P) * sigma;
        // Adam ascent
        const float b1 = 0.9f, b2 = 0.999f;
        const int t = gen_ + 1;
        m_ = b1 * m_ + (1 - b1) * grad_;
        v_ = b2 * v_ + (1 - b2) * grad_.cwiseAbs2();
        const float c1 = 1 - std::pow(b1, float(t)), c2 = 1 - std::pow(b2, float(t));
        theta_.array() += float(cfg_.learningRate) * (m_.array() / c1) / ((v_.array() / c2).sqrt() + 1e-8f);
        ctl_->project(theta_);
        currentFitness_ = evaluate(theta_);
        if (currentFitness_ > bestFitness_) {
            bestFitness_ = currentFitness_;
            best_ = theta_;
        }
    } else {
        for (int k = 0; k < P; ++k) {
            for (int i = 0; i < n; ++i) cand_(i) = best_(i) + sigma * N01(rng_);
            ctl_->project(cand_);
            fit_[k] = evaluate(cand_);
            if (fit_[k] > bestFitness_) {
                bestFitness_ = fit_[k];
                best_ = cand_;
            }
        }
        theta_ = best_;
        currentFitness_ = bestFitness_;
    }
    ctl_->setParameters(theta_);
    ++gen_;
    GenerationStats st;
    st.generation = gen_;
    st.currentFitness = currentFitness_;
    st.bestFitness = bestFitness_;
    st.populationMean = std::accumulate(fit_.begin(), fit_.end(), 0.0) / P;
    st.episodes = episodes_;
    history_.push_back(st);
    return st;
}

}  // namespace ganglion::worm
