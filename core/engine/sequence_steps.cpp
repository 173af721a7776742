#include "core/engine/sequence_steps.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ganglion {

namespace {
/// features x (T·batch) view of a (T·features) x batch sequence, in place.
void toSteps(Matrix& m, int T) {
    if (m.rows() % T != 0)
        throw std::runtime_error("a sequence of " + std::to_string(T) + " steps arrived with " + std::to_string(m.rows()) +
                                 " rows, not a multiple of the steps");
    m.resize(m.rows() / T, m.cols() * T);
}
void toSequence(Matrix& m, int T) { m.resize(m.rows() * T, m.cols() / T); }
}  // namespace

int commonSteps(const std::vector<Shape>& in, const std::vector<PortSpec>& ports) {
    int T = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i].steps <= 0) continue;
        if (T == 0) {
            T = in[i].steps;
            first = i;
        } else if (in[i].steps != T) {
            throw BuildError(ports[i].name, "a sequence of " + std::to_string(in[i].steps) + " steps, but input '" +
                                                ports[first].name + "' is a sequence of " + std::to_string(T) +
                                                " steps (the lengths must match)");
        }
    }
    return T;
}

std::vector<Shape> StepAdapter::configure(const std::vector<Shape>& in, const std::vector<PortSpec>& inPorts) {
    T_ = commonSteps(in, inPorts);
    seqIn_.assign(in.size(), false);
    repeatIn_.assign(in.size(), false);
    repeated_.assign(in.size(), Value{});
    std::vector<Shape> perStep = in;
    if (T_ == 0) return perStep;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (inPorts[i].type != PortType::Tensor) continue;
        if (in[i].steps > 0) {
            seqIn_[i] = true;
            perStep[i].steps = 0;
        } else if (in[i].features > 0) {
            repeatIn_[i] = true;
        }
    }
    return perStep;
}

void StepAdapter::declareOutputs(std::vector<Shape>& out, const std::vector<PortSpec>& outPorts) {
    seqOut_.assign(out.size(), false);
    outFeatures_.assign(out.size(), -1);
    if (T_ == 0) return;
    for (std::size_t o = 0; o < out.size(); ++o)
        if (outPorts[o].type == PortType::Tensor) {
            outFeatures_[o] = out[o].features;
            out[o].steps = T_;
            seqOut_[o] = true;
        }
}

void StepAdapter::enter(const std::vector<Value*>& sources, std::vector<const Value*>& in) {
    reshaped_.clear();
    for (std::size_t i = 0; i < sources.size(); ++i) {
        Value* v = sources[i];
        in[i] = v;
        if (!v) continue;
        if (seqIn_[i]) {
            if (std::find(reshaped_.begin(), reshaped_.end(), v) == reshaped_.end()) {
                toSteps(v->tensor, T_);
                reshaped_.push_back(v);
            }
        } else if (repeatIn_[i]) {
            const Matrix& x = v->tensor;
            Matrix& r = repeated_[i].tensor;
            repeated_[i].type = v->type;
            r.resize(x.rows(), x.cols() * T_);
            for (Eigen::Index b = 0; b < x.cols(); ++b) r.middleCols(b * T_, T_).colwise() = x.col(b);
            in[i] = &repeated_[i];
        }
    }
}

void StepAdapter::restoreSources() {
    for (Value* v : reshaped_) toSequence(v->tensor, T_);
    reshaped_.clear();
}

void StepAdapter::leaveForward(std::vector<Value>& outputs, const std::vector<PortSpec>& outPorts) {
    restoreSources();
    for (std::size_t o = 0; o < outputs.size(); ++o) {
        if (!seqOut_[o]) continue;
        Matrix& y = outputs[o].tensor;
        // an output the kernel did not write this step (e.g. a skipped phase) is still a sequence
        if (outFeatures_[o] > 0 && y.rows() != outFeatures_[o]) continue;
        if (y.cols() % T_ != 0)
            throw std::runtime_error("output '" + outPorts[o].name + "' has " + std::to_string(y.cols()) +
                                     " columns, not steps·batch for a sequence of " + std::to_string(T_) + " steps");
        toSequence(y, T_);
    }
}

void StepAdapter::enterBackward(std::vector<Value>& outputs, std::vector<Matrix>& gradOut) {
    for (std::size_t o = 0; o < outputs.size(); ++o) {
        if (!seqOut_[o]) continue;
        toSteps(outputs[o].tensor, T_);
        if (gradOut[o].size()) toSteps(gradOut[o], T_);
    }
}

void StepAdapter::leaveBackward(std::vector<Value>& outputs, std::vector<Matrix>& gradOut, std::vector<Matrix>& gradIn) {
    restoreSources();
    for (std::size_t o = 0; o < outputs.size(); ++o) {
        if (!seqOut_[o]) continue;
        toSequence(outputs[o].tensor, T_);
        if (gradOut[o].size()) toSequence(gradOut[o], T_);
    }
    for (std::size_t i = 0; i < gradIn.size(); ++i) {
        Matrix& g = gradIn[i];
        if (g.size() == 0) continue;
        if (seqIn_[i]) {
            toSequence(g, T_);
        } else if (repeatIn_[i]) {  // the input fed every step: its gradient is the sum over them
            const Eigen::Index B = g.cols() / T_;
            sum_.resize(g.rows(), B);
            for (Eigen::Index b = 0; b < B; ++b) sum_.col(b) = g.middleCols(b * T_, T_).rowwise().sum();
            g = sum_;
        }
    }
}

void publishThroughTime(const NodeSpec& spec, const std::vector<Shape>& shapes, const std::vector<Value>& outputs,
                        Observables& obs) {
    for (const auto& key : obs.arrays)
        if (isThroughTime(key.first)) return;  // the kernel publishes its own
    for (std::size_t p = 0; p < shapes.size() && p < outputs.size() && p < spec.outputs.size(); ++p) {
        if (shapes[p].steps <= 0) continue;
        Matrix first = firstSampleThroughTime(outputs[p].tensor, shapes[p].features, shapes[p].steps);
        if (first.size()) obs.arrays[kThroughTime + spec.outputs[p].name] = std::move(first);
    }
}

}  // namespace ganglion
