// "G2GLayer" node: a sparse ensemble-to-ensemble linear layer (interchangeable with "Dense").
#include "core/export/torch_hooks.h"
#include "core/g2g/g2g_layer.h"
#include "core/model/node_spec.h"

#include <algorithm>

namespace ganglion {
namespace {

using namespace g2g;

constexpr int kThumb = 32;  // samples published for histograms

class G2GKernel final : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& in = ctx.inputs.at(0);
        if (in.features <= 0) throw BuildError("in", "needs a connected tensor input with a known feature count");
        if (in.classes > 0) throw BuildError("in", "receives class labels; connect a feature tensor instead");
        const auto& p = ctx.params;
        G2GConfig c;
        c.ensembles = int(p.getInt("ensembles"));
        c.pIn = p.getFloat("p_in");
        c.pOut = p.getFloat("p_out");
        c.scheme = parseEnsembleScheme(p.getString("scheme"));
        const int units = int(p.getInt("units"));
        if (c.ensembles > std::min(units, in.features))
            throw BuildError("", "ensembles (" + std::to_string(c.ensembles) + ") exceeds the smaller side of the layer (" +
                                     std::to_string(std::min(units, in.features)) + " neurons)");
        layer_.build(in.features, units, c, ctx.rng);
        if (layer_.lin.s.nnz() == 0) throw BuildError("", "p_in and p_out leave no connection alive");
        setParams(p);
        gW_ = Matrix::Zero(layer_.lin.w.rows(), 1);
        gB_ = Matrix::Zero(units, 1);
        inStats_.reset();
        outStats_.reset();
        return {Shape::tensor(units)};
    }

    void setParams(const ParamSet& p) override {
        // A live update may carry only the changed parameters: apply what is present.
        RewireConfig& r = layer_.rewiring;
        if (p.has("rewire_every")) r.every = int(p.getInt("rewire_every"));
        if (p.has("rewire_fraction")) r.fraction = p.getFloat("rewire_fraction");
        if (p.has("rewire_until")) r.until = int(p.getInt("rewire_until"));
        if (p.has("prune")) r.prune = parsePruneRule(p.getString("prune"));
        if (p.has("regrow")) r.grow = parseGrowRule(p.getString("regrow"));
        if (p.has("hebbian_window")) r.hebbianWindow = int(p.getInt("hebbian_window"));
        if (p.has("epsilon")) eps_ = float(p.getFloat("epsilon"));
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        const Matrix& x = in[0]->tensor;
        if (ctx.phase == Phase::Train && ctx.learning && ctx.rng && layer_.maybeRewire(ctx.step, *ctx.rng)) {
            for (int slot : layer_.lastEvent.movedSlots) freshSlots_.push_back(slot);  // regrown: new Adam moments
            if (freshSlots_.size() > 2 * std::size_t(layer_.lin.s.nnz())) {  // no optimiser consuming them (L-BFGS)
                std::sort(freshSlots_.begin(), freshSlots_.end());
                freshSlots_.erase(std::unique(freshSlots_.begin(), freshSlots_.end()), freshSlots_.end());
            }
        }
        layer_.lin.pack();
        layer_.lin.forward(x, out[0].tensor, scratch_);
        step_ = ctx.step;
        if (ctx.phase == Phase::Train) {
            inStats_.update(x, eps_);
            outStats_.update(out[0].tensor, eps_);
            if (ctx.learning && layer_.wantsHebbian(ctx.step)) layer_.hebbian.accumulate(x, out[0].tensor);
            const int n = std::min<int>(kThumb, int(x.cols()));
            thumbIn_ = x.leftCols(n);
            thumbOut_ = out[0].tensor.leftCols(n);
        }
    }

    bool differentiable() const override { return true; }

    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override {
        const Matrix& dY = gradOut[0];
        if (dY.size() == 0) return;
        layer_.lin.backward(dY, gradIn[0].size() ? &gradIn[0] : nullptr, gW_, gB_, scratch_);
        if (ctx.learning && layer_.wantsGradient(ctx.step)) {
            layer_.lin.denseGradient(dY, scratch_, layer_.denseGrad);
            layer_.denseGradValid = true;
        }
    }

    std::vector<Parameter> parameters() override {
        Parameter w{"weights", &layer_.lin.w, &gW_};
        w.fresh = &freshSlots_;
        return {w, {"bias", &layer_.lin.b, &gB_}};
    }

    /// Live connections only: nnz MACs forward; training adds the weight and input gradients
    /// (nnz each). Parameters are the live weights and the biases.
    NodeCost cost() const override {
        const auto& s = layer_.lin.s;
        NodeCost c;
        c.counted = true;
        c.params = double(s.nnz()) + double(layer_.lin.b.size());
        c.forwardMacs = s.nnz();
        c.trainMacs = 3.0 * s.nnz();
        c.cacheBytes = sizeof(float) * double(s.cols);  // the transposed input kept for backward
        return c;
    }

    void observe(Observables& obs) const override {
        const auto& s = layer_.lin.s;
        const double cells = double(s.rows) * s.cols;
        obs.scalars["weight_sparsity"] = cells > 0 ? 1.0 - s.nnz() / cells : 0.0;
        obs.scalars["live_connections"] = s.nnz();
        obs.scalars["activation_sparsity"] = inStats_.zeroFraction;
        obs.scalars["activation_small_fraction"] = inStats_.smallFraction;
        obs.scalars["activation_sparsity_mean"] = inStats_.zeroFractionMean;
        obs.scalars["activation_small_fraction_mean"] = inStats_.smallFractionMean;
        obs.scalars["output_sparsity"] = outStats_.zeroFraction;
        obs.scalars["output_small_fraction"] = outStats_.smallFraction;
        obs.scalars["rewire_fraction"] = rewireFraction(layer_.rewiring, step_);
        obs.scalars["rewirings"] = layer_.rewireCount;
        obs.arrays["activations"] = thumbOut_;
        obs.arrays["input_activations"] = thumbIn_;
        obs.extra["g2g_connectivity"] = layer_.connectivity(step_);
    }

    KernelState saveState() const override {
        const auto& s = layer_.lin.s;
        Matrix rows(s.nnz(), 1), cols(s.nnz(), 1);
        for (int k = 0; k < s.nnz(); ++k) {
            rows(k) = float(s.slotRow[std::size_t(k)]);
            cols(k) = float(s.slotCol[std::size_t(k)]);
        }
        Matrix ensIn(Eigen::Index(layer_.ens.in.size()), 1), ensOut(Eigen::Index(layer_.ens.out.size()), 1);
        for (std::size_t i = 0; i < layer_.ens.in.size(); ++i) ensIn(Eigen::Index(i)) = float(layer_.ens.in[i]);
        for (std::size_t i = 0; i < layer_.ens.out.size(); ++i) ensOut(Eigen::Index(i)) = float(layer_.ens.out[i]);
        return {{"weights", layer_.lin.w}, {"bias", layer_.lin.b}, {"slot_rows", rows},
                {"slot_cols", cols}, {"ensembles_in", ensIn}, {"ensembles_out", ensOut}};
    }

    void loadState(const KernelState& st) override {
        auto get = [&](const char* key) -> const Matrix& {
            auto it = st.find(key);
            if (it == st.end()) throw std::runtime_error(std::string("G2G layer state: missing '") + key + "'");
            return it->second;
        };
        const Matrix& w = get("weights");
        const Matrix& b = get("bias");
        const Matrix& r = get("slot_rows");
        const Matrix& c = get("slot_cols");
        const Matrix& ei = get("ensembles_in");
        const Matrix& eo = get("ensembles_out");
        auto& lin = layer_.lin;
        // Everything is checked before the layer changes (a throw leaves it as it was).
        if (w.cols() != 1 || r.cols() != 1 || c.cols() != 1 || r.rows() != w.rows() || c.rows() != w.rows())
            throw std::runtime_error("G2G layer state: 'weights', 'slot_rows' and 'slot_cols' must be equal-length columns");
        if (b.rows() != lin.s.rows || b.cols() != 1)
            throw std::runtime_error("G2G layer state: 'bias' is " + std::to_string(b.rows()) + "x" + std::to_string(b.cols()) +
                                     ", expected " + std::to_string(lin.s.rows) + "x1");
        if (ei.rows() != lin.s.cols || ei.cols() != 1)
            throw std::runtime_error("G2G layer state: 'ensembles_in' must be " + std::to_string(lin.s.cols) + "x1");
        if (eo.rows() != lin.s.rows || eo.cols() != 1)
            throw std::runtime_error("G2G layer state: 'ensembles_out' must be " + std::to_string(lin.s.rows) + "x1");
        SparseStructure s;
        s.rows = lin.s.rows;
        s.cols = lin.s.cols;
        for (Eigen::Index k = 0; k < w.rows(); ++k) {
            s.slotRow.push_back(int(r(k)));
            s.slotCol.push_back(int(c(k)));
        }
        s.check();  // throws naming the bad slot
        s.rebuild();
        lin.s = std::move(s);
        lin.w = w;
        lin.b = b;
        for (Eigen::Index i = 0; i < ei.rows(); ++i) layer_.ens.in[std::size_t(i)] = int(ei(i));
        for (Eigen::Index i = 0; i < eo.rows(); ++i) layer_.ens.out[std::size_t(i)] = int(eo(i));
        lin.pack();
        gW_ = Matrix::Zero(w.rows(), 1);
        layer_.hebbian.reset(lin.s.rows, lin.s.cols);
    }

    /// PyTorch: the dense weight and its 0/1 mask (a buffer), out = (weight ⊙ mask)·in + bias, so a
    /// masked weight gets no gradient and stays zero; project() re-applies the mask after a step.
    TorchModule torchModule() const override {
        TorchModule m;
        m.pyClass = "SparseLinear";
        m.pySource = "class SparseLinear(GanglionModule):\n"
                     "    def forward(self, x):\n"
                     "        return F.linear(x, self.weight * self.mask, self.bias)\n"
                     "\n"
                     "    def project(self):\n"
                     "        with torch.no_grad():\n"
                     "            self.weight.mul_(self.mask)\n";
        m.tensors = {torch::matrix("weight", layer_.lin.denseWeights()), torch::vector("bias", layer_.lin.b),
                     torch::matrix("mask", layer_.lin.s.denseMask(), false)};
        if (layer_.rewiring.every > 0)
            m.notes.push_back("rewiring every " + std::to_string(layer_.rewiring.every) +
                              " steps is not reproduced: the connections stay those exported");
        return m;
    }

    /// Slots from the mask's non-zeros: the current slots keep their order when the mask still
    /// holds them (the usual case, PyTorch never moves a connection), new ones follow row by row.
    KernelState stateFromTorch(const KernelState& current, const std::map<std::string, Matrix>& t) const override {
        KernelState s = current;
        const Matrix& w = t.at("weight");
        const Matrix& mask = t.at("mask");
        std::vector<std::pair<int, int>> slots;
        const auto& lin = layer_.lin.s;
        Matrix taken = Matrix::Zero(mask.rows(), mask.cols());
        for (int k = 0; k < lin.nnz(); ++k) {
            const int r = lin.slotRow[std::size_t(k)], c = lin.slotCol[std::size_t(k)];
            if (mask(r, c) != 0.f) {
                slots.emplace_back(r, c);
                taken(r, c) = 1.f;
            }
        }
        for (Eigen::Index r = 0; r < mask.rows(); ++r)
            for (Eigen::Index c = 0; c < mask.cols(); ++c)
                if (mask(r, c) != 0.f && taken(r, c) == 0.f) slots.emplace_back(int(r), int(c));
        Matrix wv(Eigen::Index(slots.size()), 1), rows(wv.rows(), 1), cols(wv.rows(), 1);
        for (std::size_t k = 0; k < slots.size(); ++k) {
            wv(Eigen::Index(k)) = w(slots[k].first, slots[k].second);
            rows(Eigen::Index(k)) = float(slots[k].first);
            cols(Eigen::Index(k)) = float(slots[k].second);
        }
        s["weights"] = wv;
        s["slot_rows"] = rows;
        s["slot_cols"] = cols;
        s["bias"] = t.at("bias");
        return s;
    }

    const G2GLayer& layer() const { return layer_; }

private:
    G2GLayer layer_;
    SparseScratch scratch_;
    Matrix gW_, gB_;
    std::vector<Eigen::Index> freshSlots_;  // slots regrown since the optimiser last ran
    ActivationStats inStats_, outStats_;
    Matrix thumbIn_, thumbOut_;
    float eps_ = 1e-3f;
    std::uint64_t step_ = 0;
};

}  // namespace

NodeSpec makeG2GLayerSpec() {
    NodeSpec s;
    s.type = "G2GLayer";
    s.title = "G2G sparse layer";
    s.category = "Layers";
    s.observables = {"g2g_connectivity", "weight_sparsity", "input_activations", "activations"};
    s.help =
        "Sparse ensemble-to-ensemble linear layer out = W in + b. Inputs and outputs are split into "
        "ensembles; a connection is kept with probability p_in inside an ensemble pair and p_out between "
        "pairs. Weights are stored sparse, so compute follows the live connections. Optional dynamic "
        "sparse training prunes and regrows connections every N steps at constant sparsity. "
        "Activation-sparsity observables describe this layer's input (the upstream activation).";
    s.reference =
        "G2GNet: Neuro-inspired Ensemble-to-Ensemble Communication Primitives for Sparse and Efficient "
        "ANNs (2025); RigL: Evci et al., Rigging the Lottery, ICML 2020; SET: Mocanu et al., Nat. Commun. 2018";
    s.inputs = {{"in", PortType::Tensor, "input features x batch"}};
    s.outputs = {{"out", PortType::Tensor, "units x batch (pre-activation)"}};
    s.params = {
        intParam("units", 512, 1, 65536, "Number of output neurons."),
        intParam("ensembles", 8, 1, 1024, "Number of ensembles G on each side."),
        floatParam("p_in", 1.0, 0.0, 1.0, "Connection probability within an ensemble pair."),
        floatParam("p_out", 0.15, 0.0, 1.0, "Connection probability between different ensembles (8 ensembles, p_in 1, p_out 0.15 = 74% sparse)."),
        enumParam("scheme", "contiguous", g2g::ensembleSchemeNames(),
                  "How neurons are assigned to ensembles: contiguous index blocks, random, mixer (inputs in blocks, "
                  "outputs interleaved) or interleaved (i mod G)."),
        intParam("rewire_every", 0, 0, 1000000, "Prune and regrow every N training steps (0 = static connectivity).", true),
        floatParam("rewire_fraction", 0.3, 0.0, 1.0, "Initial fraction of live connections moved per rewiring.", {}, true),
        intParam("rewire_until", 5000, 0, 100000000, "Step at which the cosine-annealed fraction reaches 0 (0 = no annealing).", true),
        enumParam("prune", "magnitude", {"magnitude", "random", "hebbian"},
                  "Which live connections to remove: smallest |w|, random, or lowest Hebbian score.", true),
        enumParam("regrow", "gradient", {"gradient", "hebbian", "random"},
                  "Where to regrow: largest |dL/dw| (RigL), highest Hebbian score, or random.", true),
        intParam("hebbian_window", 20, 1, 100000, "Batches of pre/post activity accumulated for the Hebbian score before each rewiring.", true),
        floatParam("epsilon", 1e-3, 0.0, 1e6, "Threshold for the |a| < epsilon activation-sparsity observable.", {}, true),
    };
    s.create = [] { return std::make_unique<G2GKernel>(); };
    // 4 ensembles on each side need at least 4 neurons per side; a sparse mask drawn at build
    s.example = [](const std::string&) {
        return NodeExample{{{"units", std::int64_t(12)}, {"ensembles", std::int64_t(4)}, {"p_out", 0.3}}, {Shape::tensor(8)}};
    };
    return s;
}

}  // namespace ganglion
