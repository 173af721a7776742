// Value types that flow along graph edges. No Qt here: core/ builds without it.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace ganglion {

/// Dense batch tensor: one column per sample, one row per feature (features x batch).
using Matrix = Eigen::MatrixXf;
using Vector = Eigen::VectorXf;

/// What an edge carries. A connection is only legal between ports of the same type.
enum class PortType : std::uint8_t {
    Tensor,  ///< dense batch tensor (features x batch)
    Spikes,  ///< spike frame: indices of neurons that fired in this step
    Events,  ///< event-camera packet (x, y, t, polarity)
    Scalar,  ///< a single number (stored as a 1x1 tensor)
};

const char* portTypeName(PortType t);

/// Ground truth of an event, set by sources that know it (emulator, synthetic source, noise
/// injector); recordings read from files are Unlabelled. Filters copy whole events, so the label of
/// every kept event travels on unchanged.
enum class EventLabel : std::uint8_t { Unlabelled = 0, Signal = 1, Noise = 2, Hot = 3 };

/// Noise for scoring: background activity, shot noise and hot pixels alike.
inline bool isNoiseLabel(EventLabel l) { return l == EventLabel::Noise || l == EventLabel::Hot; }

/// One event-camera event. t in microseconds, p is 0 (OFF) or 1 (ON). The label lives in what was
/// padding: an Event is 16 bytes with or without it.
struct Event {
    std::int64_t t = 0;
    std::uint16_t x = 0;
    std::uint16_t y = 0;
    std::uint8_t p = 0;
    EventLabel label = EventLabel::Unlabelled;
};
static_assert(sizeof(Event) == 16, "the label must fit the padding of an event");

struct EventPacket {
    int width = 0;
    int height = 0;
    std::int64_t tBegin = 0;  ///< time window covered by this packet, µs
    std::int64_t tEnd = 0;
    std::vector<Event> events;
};

/// Neurons that fired during one simulation step of a population.
struct SpikeFrame {
    int neurons = 0;
    double t = 0.0;  ///< simulation time of the step, seconds
    std::vector<std::int32_t> fired;
};

/// Static description of what a port produces, found by shape inference at build time.
///
/// A sequence (steps > 0) is a Tensor of (steps·features) x batch, time-major: rows
/// t·features … t·features+features−1 hold step t. Column-major, that matrix is bit for bit a
/// features x (steps·batch) matrix whose column t + b·steps is step t of sample b, which is how the
/// engine hands a sequence to a node that is not NodeSpec::sequenceAware (no copy).
struct Shape {
    int features = -1;  ///< Tensor rows (per step for a sequence) / Spikes neuron count; -1 = unknown
    int width = 0;      ///< Events sensor width (or image width for image tensors)
    int height = 0;     ///< Events sensor height (or image height for image tensors)
    int classes = 0;    ///< for label tensors: number of classes (0 = not labels)
    int steps = 0;      ///< sequence length T of a time-major Tensor; 0 = not a sequence

    static Shape tensor(int f) { Shape s; s.features = f; return s; }
    static Shape sequence(int f, int steps) { Shape s; s.features = f; s.steps = steps; return s; }
    /// Rows of the tensor per sample: features, times steps for a sequence.
    int rows() const { return steps > 0 ? features * steps : features; }
    static Shape labels(int classes) { Shape s; s.features = 1; s.classes = classes; return s; }
    bool operator==(const Shape&) const = default;
};

/// The value of one output port after a step.
struct Value {
    PortType type = PortType::Tensor;
    Matrix tensor;       ///< Tensor and Scalar
    SpikeFrame spikes;   ///< Spikes
    EventPacket events;  ///< Events
};

}  // namespace ganglion
