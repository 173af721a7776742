#include "core/nodes/classifier.h"

#include "core/model/node_spec.h"
#include "core/nodes/loss.h"

namespace ganglion {

std::vector<Shape> ClassifierKernel::build(const BuildContext& ctx) {
    const Shape& logits = ctx.inputs[0];
    if (logits.features < 2) throw BuildError("logits", "a classifier needs at least 2 class scores");
    const Shape& labels = ctx.inputs[1];
    if (labels.features > 0 && labels.features != 1)
        throw BuildError("labels", "labels must be class indices (1 row)");
    if (labels.classes > 0 && labels.classes != logits.features)
        throw BuildError("logits", "has " + std::to_string(logits.features) + " scores but the labels have " +
                                       std::to_string(labels.classes) + " classes");
    return {Shape::tensor(logits.features)};
}

void ClassifierKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& logits = in[0]->tensor;
    Matrix& probs = out[0].tensor;
    softmaxColumns(logits, probs);
    thumb_.record(ctx.phase, probs);
    if (ctx.phase == Phase::Grid) return;
    lastPred_.resize(1, probs.cols());
    Eigen::Index correct = 0;
    for (Eigen::Index j = 0; j < probs.cols(); ++j) {
        Eigen::Index c;
        probs.col(j).maxCoeff(&c);
        lastPred_(0, j) = float(c);
        if (in[1] && int(in[1]->tensor(0, j)) == int(c)) ++correct;
    }
    if (!in[1] || probs.cols() == 0) return;
    const double acc = double(correct) / double(probs.cols());
    if (ctx.phase == Phase::Test) testAcc_ = acc;
    else trainAcc_ = trainAcc_ < 0 ? acc : 0.95 * trainAcc_ + 0.05 * acc;
}

void ClassifierKernel::observe(Observables& obs) const {
    if (trainAcc_ >= 0) obs.scalars["accuracy"] = trainAcc_;
    if (testAcc_ >= 0) obs.scalars["test_accuracy"] = testAcc_;
    if (thumb_.grid().size()) obs.arrays["grid_probs"] = thumb_.grid();  // the decision-boundary view
    thumb_.publish(obs);
    if (lastPred_.size()) obs.arrays["predictions"] = lastPred_;
}

TorchModule ClassifierKernel::torchModule() const {
    TorchModule m;
    m.pyClass = "Classifier";
    m.pySource = "class Classifier(GanglionModule):\n"
                 "    def forward(self, logits):\n"
                 "        return torch.softmax(logits, dim=1)\n";
    return m;  // the labels input only scores accuracy: forward takes the logits
}

NodeSpec makeClassifierSpec() {
    NodeSpec s;
    s.type = "Classifier";
    s.title = "Classifier";
    s.category = "Training";
    s.observables = {"accuracy", "test_accuracy", "grid_probs", "predictions", "activations"};
    s.help = "Readout: softmax over class scores, predicted class, and accuracy on training batches "
             "(running mean) and on the test set. Draws the decision boundary for 2D data sets.";
    s.inputs = {{"logits", PortType::Tensor, "class scores"},
                {"labels", PortType::Tensor, "class indices, for accuracy", true}};
    s.outputs = {{"probs", PortType::Tensor, "class probabilities"}};
    s.create = [] { return std::make_unique<ClassifierKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{}, {Shape::tensor(3), Shape::labels(3)}}; };
    return s;
}

}  // namespace ganglion
