// "NIRModel" node: runs any supported NIR graph read from a file with the reference simulator,
// one simulation step (GraphSettings dt) per engine step.
#include "core/model/node_spec.h"
#include "core/snn/nir.h"
#include "core/snn/spike_history.h"

#include <cmath>
#include <memory>

namespace ganglion {

namespace {

class NirModelKernel : public Kernel, public nir::GraphHolder {
public:
    const nir::Graph* nirGraph() const override { return graph_.get(); }

    std::vector<Shape> build(const BuildContext& ctx) override {
        const std::string path = ctx.params.getString("file");
        if (path.empty()) throw BuildError("", "file: choose a NIR file (.nir / .h5)");
        try {
            graph_ = std::make_unique<nir::Graph>(nir::read(path));
        } catch (const nir::NirError& e) {
            throw BuildError("", e.what());
        }
        inputs_.clear();
        outputs_.clear();
        for (const auto& [name, n] : graph_->nodes) {
            if (n.type == "Input") inputs_.push_back(name);
            if (n.type == "Output") outputs_.push_back(name);
        }
        if (inputs_.size() > 1 || outputs_.empty())
            throw BuildError("", "the NIR graph needs at most one Input and at least one Output (it has " +
                                     std::to_string(inputs_.size()) + " and " + std::to_string(outputs_.size()) + ")");
        inSize_ = inputs_.empty() ? 0 : int(nir::outputSize(*graph_, inputs_[0]));
        if (ctx.inputs[0].features > 0 && ctx.inputs[0].features != inSize_)
            throw BuildError("in", "input has " + std::to_string(ctx.inputs[0].features) + " features; the NIR Input '" +
                                       (inputs_.empty() ? std::string("-") : inputs_[0]) + "' takes " + std::to_string(inSize_));
        outSize_ = 0;
        for (const auto& o : outputs_) outSize_ += int(nir::outputSize(*graph_, o));
        sim_.reset();
        dt_ = 0;
        spiking_.clear();
        std::vector<std::string> names;
        std::vector<int> start{0};
        try {
            nir::Simulator probe(*graph_, 1e-4);  // inner nodes of subgraphs are named "G.x"
            spiking_ = probe.spikingNodes();
            for (const auto& s : spiking_) {
                names.push_back(s);
                start.push_back(start.back() + int(probe.output(s).size()));
            }
        } catch (const nir::NirError& e) {
            throw BuildError("", e.what());
        }
        spikeNeurons_ = start.back();
        recorderNames_ = names;
        recorderStart_ = start;
        return {Shape::tensor(outSize_), Shape::tensor(spikeNeurons_)};
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        if (!sim_ || std::abs(ctx.dt - dt_) > 1e-15) {
            dt_ = ctx.dt;
            sim_ = std::make_unique<nir::Simulator>(*graph_, dt_);
            recorder_ = snn::SpikeRecorder(recorderNames_, recorderStart_, dt_, std::uint64_t(2.0 / dt_));
            step_ = 0;
        }
        std::map<std::string, std::vector<double>> feed;
        if (!inputs_.empty()) {
            auto& x = feed[inputs_[0]];
            x.assign(std::size_t(inSize_), 0.0);
            if (in[0])
                for (int i = 0; i < inSize_; ++i) x[std::size_t(i)] = in[0]->tensor(i, 0);
        }
        sim_->step(feed);
        Matrix& y = out[0].tensor;
        y.resize(outSize_, 1);
        int row = 0;
        for (const auto& o : outputs_)
            for (double v : sim_->output(o)) y(row++, 0) = float(v);
        SpikeFrame& f = out[1].spikes;
        f.neurons = spikeNeurons_;
        f.t = double(step_ + 1) * dt_;
        f.fired.clear();
        recorder_.beginStep(step_);
        for (std::size_t k = 0; k < spiking_.size(); ++k) {
            fired_.clear();
            const auto& s = sim_->output(spiking_[k]);
            for (std::size_t i = 0; i < s.size(); ++i)
                if (s[i] > 0.5) {
                    fired_.push_back(std::int32_t(i));
                    f.fired.push_back(recorderStart_[k] + std::int32_t(i));
                }
            recorder_.add(int(k), fired_);
            total_ += fired_.size();
        }
        recorder_.endStep();
        ++step_;
    }

    void observe(Observables& obs) const override {
        if (!sim_) return;
        obs.extra["spikes"] = recorder_.raster();
        obs.scalars["spikes_total"] = double(total_);
    }

private:
    std::unique_ptr<nir::Graph> graph_;
    std::unique_ptr<nir::Simulator> sim_;
    std::vector<std::string> inputs_, outputs_, spiking_, recorderNames_;
    std::vector<int> recorderStart_;
    std::vector<std::int32_t> fired_;
    snn::SpikeRecorder recorder_;
    int inSize_ = 0, outSize_ = 0, spikeNeurons_ = 0;
    double dt_ = 0;
    std::uint64_t step_ = 0, total_ = 0;
};

}  // namespace

NodeSpec makeNirModelSpec() {
    NodeSpec s;
    s.type = "NIRModel";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "NIR model";
    s.category = "Spiking";
    s.observables = {"spikes"};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.help = "Runs a network read from a NIR file (Neuromorphic Intermediate Representation, as written by "
             "snnTorch, Norse, Lava, Rockpool, Sinabs…) one step of dt per engine step. The input tensor's "
             "first sample feeds the NIR Input (a C x H x W input flattened row-major, as NumPy); 'out' "
             "concatenates the Output nodes; 'spikes' carries every spiking node (LIF, CubaLIF, IF, Threshold, "
             "also inside nested subgraphs) in name order. Convolutions, pooling, delays and nested NIRGraph "
             "subgraphs run too; unsupported node types are reported by name.";
    s.reference = "Pedersen et al., Neuromorphic intermediate representation, Nature Communications 2024";
    s.inputs = {{"in", PortType::Tensor, "input vector (first sample used)", true}};
    s.outputs = {{"out", PortType::Tensor, "values of the NIR Output nodes"},
                 {"spikes", PortType::Spikes, "spikes of the NIR graph's spiking nodes"}};
    s.params = {stringParam("file", "", "Path of the NIR (HDF5) file.")};
    s.create = [] { return std::make_unique<NirModelKernel>(); };
    // Input(4) -> Affine -> LIF(3) -> Output, written with the project's NIR writer
    s.example = [](const std::string& dir) {
        nir::Graph g;
        std::vector<double> w(12);
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = 40.0 * std::sin(double(i) + 1.0);
        g.nodes["in"] = {"Input", {{"shape", nir::Array::ints({4})}}};
        g.nodes["fc"] = {"Affine", {{"weight", nir::Array::matrix(3, 4, w)}, {"bias", nir::Array::filled(3, 20.0)}}};
        g.nodes["lif"] = {"LIF", {{"tau", nir::Array::filled(3, 5e-3)}, {"r", nir::Array::filled(3, 1.0)},
                                  {"v_leak", nir::Array::filled(3, 0.0)}, {"v_threshold", nir::Array::filled(3, 0.1)}}};
        g.nodes["out"] = {"Output", {{"shape", nir::Array::ints({3})}}};
        g.edges = {{"in", "fc"}, {"fc", "lif"}, {"lif", "out"}};
        const std::string path = dir + "/example.nir";
        nir::write(g, path);
        return NodeExample{{{"file", path}}, {Shape::tensor(4)}};
    };
    return s;
}

}  // namespace ganglion
