// Shared pieces of the NCAP circuit's neuron-level node types (NcapOscillator, NcapBNeuron,
// NcapMuscle, NcapJoint, NcapCommand): what an expanded NcapCircuit node is made of. Each part
// computes exactly what its share of NcapCircuit::step() computes, in the same order, so an
// expanded circuit drives the body identically to the composite node.
#pragma once

#include "core/model/node_spec.h"

#include <Eigen/Core>

#include <algorithm>

namespace ganglion::worm {

/// Control steps of activity each part keeps for the circuit views (as NcapCircuit's default).
constexpr int kPartTraceLength = 200;

/// Recent values of a few rows, one column per control step; read back oldest first. Also the
/// NCAP composite's activity trace and a trainer's speed per generation.
class TraceRing {
public:
    void reset(int rows, int length = kPartTraceLength) {
        ring_.setZero(rows, length);
        head_ = filled_ = 0;
    }
    template <class V> void push(const V& column) {
        ring_.col(head_) = column;
        head_ = (head_ + 1) % int(ring_.cols());
        filled_ = std::min(filled_ + 1, int(ring_.cols()));
    }
    void push(float v) { push(Eigen::Matrix<float, 1, 1>::Constant(v)); }
    Eigen::MatrixXf ordered() const {
        const int n = int(ring_.cols());
        Eigen::MatrixXf m(ring_.rows(), filled_);
        for (int k = 0; k < filled_; ++k) m.col(k) = ring_.col((head_ - filled_ + k + n) % n);
        return m;
    }

private:
    Eigen::MatrixXf ring_;
    int head_ = 0, filled_ = 0;
};

inline void setScalar(Value& v, float x) {
    v.type = PortType::Scalar;
    v.tensor.resize(1, 1);
    v.tensor(0, 0) = x;
}

/// A connected scalar input's value; 0 when unconnected or not produced yet (first step).
inline float scalarIn(const Value* v) { return v && v->tensor.size() > 0 ? v->tensor(0, 0) : 0.f; }

/// Base of the circuit's graded units (B-neurons, muscles): out = clamp(x, 0, 1), silenced when
/// ablated, with a trace of recent outputs for the circuit views and a 1x1 canvas thumbnail.
class GradedUnitKernel : public Kernel {
public:
    void observe(Observables& obs) const override {
        obs.arrays["activations"] = Matrix::Constant(1, 1, out_);
        obs.arrays["trace"] = trace_.ordered();
    }

protected:
    void resetUnit() {
        out_ = 0.f;
        trace_.reset(1);
    }
    /// One control step with net input x (training phase only).
    void fire(float x) {
        out_ = ablated_ ? 0.f : std::clamp(x, 0.f, 1.f);
        trace_.push(out_);
    }

    bool ablated_ = false;
    float out_ = 0.f;
    TraceRing trace_;
};

/// What NcapCircuit expands into for its parameters (see ncap_expand.cpp).
Expansion expandNcapCircuit(const ParamSet& params);

}  // namespace ganglion::worm
