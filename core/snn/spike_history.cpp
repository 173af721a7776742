#include "core/snn/spike_history.h"

#include "core/io/extra_tables.h"

#include <algorithm>
#include <stdexcept>

namespace ganglion::snn {

namespace {

// Export tables: a raster as one row per spike (step, time_s, neuron, population index); traces
// as one row per recorded step, a column per probed neuron.
const bool kTablesRegistered = io::registerExtraTable([](const std::any& v, io::ExtraTable* out) {
    if (auto r = std::any_cast<std::shared_ptr<const SpikeRaster>>(&v)) {
        if (!*r) return false;
        if (!out) return true;  // asked only whether it converts
        io::ExtraTable& t = *out;
        const SpikeRaster& raster = **r;
        t.columns = {"step", "time_s", "neuron", "population"};
        raster.forEach(raster.firstStep, raster.endStep, [&](std::uint64_t s, int n) {
            t.rows.push_back({double(s), double(s + 1) * raster.dt, double(n), double(raster.populationOf(n))});
        });
        return true;
    }
    if (auto m = std::any_cast<std::shared_ptr<const MembraneTraces>>(&v)) {
        if (!*m) return false;
        if (!out) return true;  // asked only whether it converts
        io::ExtraTable& t = *out;
        const MembraneTraces& tr = **m;
        t.columns = {"step", "time_s"};
        for (int n : tr.neurons) t.columns.push_back("v_neuron_" + std::to_string(n));
        for (Eigen::Index c = 0; c < tr.values.cols(); ++c) {
            const std::uint64_t s = tr.firstStep + std::uint64_t(c);
            std::vector<double> row{double(s), double(s + 1) * tr.dt};
            for (Eigen::Index i = 0; i < tr.values.rows(); ++i) row.push_back(tr.values(i, c));
            t.rows.push_back(std::move(row));
        }
        return true;
    }
    return false;
});

}  // namespace


int SpikeRaster::populationOf(int neuron) const {
    for (size_t p = 0; p + 1 < populationStart.size(); ++p)
        if (neuron >= populationStart[p] && neuron < populationStart[p + 1]) return int(p);
    return -1;
}

std::size_t SpikeRaster::spikeCount() const {
    std::size_t n = 0;
    for (const auto& c : chunks) n += c->neurons.size();
    return n;
}

SpikeRecorder::SpikeRecorder(std::vector<std::string> populations, std::vector<int> populationStart,
                             double dt, std::uint64_t historySteps, int chunkSteps)
    : pops_(std::move(populations)), start_(std::move(populationStart)), dt_(dt),
      history_(historySteps), chunkSteps_(std::max(1, chunkSteps)) {
    if (start_.size() != pops_.size() + 1)
        throw std::invalid_argument("SpikeRecorder: populationStart needs one entry per population plus the total");
    clear();
}

void SpikeRecorder::clear() {
    frozen_.clear();
    open_ = SpikeChunk{};
    open_.offsets.assign(1, 0);
    stepOpen_ = false;
}

void SpikeRecorder::beginStep(std::uint64_t step) {
    if (open_.steps == 0) open_.firstStep = step;
    stepOpen_ = true;
}

void SpikeRecorder::add(int population, const std::vector<std::int32_t>& fired) {
    const int base = start_.at(population);
    for (auto i : fired) open_.neurons.push_back(base + i);
}

void SpikeRecorder::endStep() {
    if (!stepOpen_) return;
    stepOpen_ = false;
    ++open_.steps;
    open_.offsets.push_back(std::uint32_t(open_.neurons.size()));
    if (open_.steps < chunkSteps_) return;
    frozen_.push_back(std::make_shared<const SpikeChunk>(std::move(open_)));
    open_ = SpikeChunk{};
    open_.offsets.assign(1, 0);
    const std::uint64_t end = frozen_.back()->firstStep + std::uint64_t(frozen_.back()->steps);
    while (!frozen_.empty() && frozen_.front()->firstStep + std::uint64_t(frozen_.front()->steps) + history_ <= end)
        frozen_.pop_front();
}

std::shared_ptr<const SpikeRaster> SpikeRecorder::raster() const {
    auto r = std::make_shared<SpikeRaster>();
    r->neurons = start_.empty() ? 0 : start_.back();
    r->dt = dt_;
    r->populations = pops_;
    r->populationStart = start_;
    r->chunks.assign(frozen_.begin(), frozen_.end());
    if (open_.steps > 0) r->chunks.push_back(std::make_shared<const SpikeChunk>(open_));
    if (!r->chunks.empty()) {
        r->firstStep = r->chunks.front()->firstStep;
        r->endStep = r->chunks.back()->firstStep + std::uint64_t(r->chunks.back()->steps);
    }
    return r;
}

void TraceRecorder::setProbes(std::vector<int> globalNeurons, int capacitySteps) {
    probes_ = std::move(globalNeurons);
    capacity_ = std::max(1, capacitySteps);
    ring_.setZero(Eigen::Index(probes_.size()), capacity_);
    count_ = 0;
}

void TraceRecorder::clear() {
    ring_.setZero();
    count_ = 0;
}

void TraceRecorder::record(std::uint64_t step, const std::vector<float>& values) {
    if (probes_.empty()) return;
    const Eigen::Index col = Eigen::Index(count_ % std::uint64_t(capacity_));
    for (size_t i = 0; i < probes_.size() && i < values.size(); ++i) ring_(Eigen::Index(i), col) = values[i];
    ++count_;
    lastStep_ = step;
}

std::shared_ptr<const MembraneTraces> TraceRecorder::traces(double dt) const {
    auto t = std::make_shared<MembraneTraces>();
    t->neurons = probes_;
    t->dt = dt;
    const auto n = Eigen::Index(std::min<std::uint64_t>(count_, std::uint64_t(capacity_)));
    t->values.resize(Eigen::Index(probes_.size()), n);
    if (n > 0) {
        t->firstStep = lastStep_ + 1 - std::uint64_t(n);
        const Eigen::Index head = Eigen::Index(count_ % std::uint64_t(capacity_));  // oldest when full
        for (Eigen::Index c = 0; c < n; ++c) {
            const Eigen::Index src = count_ > std::uint64_t(capacity_) ? (head + c) % capacity_ : c;
            t->values.col(c) = ring_.col(src);
        }
    }
    return t;
}

}  // namespace ganglion::snn
