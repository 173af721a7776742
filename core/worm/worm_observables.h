// Immutable data the worm nodes publish in Observables::extra (as std::shared_ptr<const T>),
// read by the worm views. Plain structs, no Qt.
#pragma once

#include <Eigen/Core>

#include <string>
#include <vector>

namespace ganglion::worm {

/// Key "swimmer": one frame of a swimming body.
struct SwimmerFrame {
    Eigen::Matrix2Xd points;     ///< link end points, column 0 = head tip (metres)
    Eigen::VectorXd torque;      ///< joint commands in [-1, 1] (torque / max torque)
    Eigen::Matrix2Xd trail;      ///< past head positions, oldest first
    Eigen::Vector2d heading{1, 0};
    Eigen::Vector2d headVelocity{0, 0};  ///< m/s
    Eigen::Vector2d start{0, 0}; ///< centre of mass at the start
    double time = 0;             ///< simulated seconds
    double speed = 0;            ///< forward speed (m/s), averaged over the last second
    double distance = 0;         ///< net centre-of-mass displacement from the start (m)
    double bodyLength = 1;       ///< metres: the simulated body (a scale model)
    double animalLengthMm = 1;   ///< the animal it stands for: readouts in mm scale body lengths by it
};

/// Key "ncap_trace": recent activity of an NCAP circuit, one column per control step.
struct CircuitTrace {
    int joints = 0;
    double dt = 0.03;
    double time = 0;             ///< time of the newest column
    Eigen::MatrixXf bDorsal, bVentral, muscleDorsal, muscleVentral;  ///< joints x T
    Eigen::RowVectorXf oscDorsal, oscVentral;                        ///< 1 x T
    Eigen::MatrixXf torque;                                          ///< joints x T
    Eigen::VectorXf weights;     ///< osc, prop, ipsi, contra (first joint's when not shared)
    std::vector<std::string> ablated;
};

/// Key "connectome": the static structure of a connectome network (published once per build).
struct ConnectomeInfo {
    struct Edge {
        int pre = 0, post = 0;
        bool electrical = false;
        bool inhibitory = false;
        int count = 0;
    };
    std::vector<std::string> names;
    std::vector<int> classes;      ///< worm::CellClass values
    std::vector<Edge> edges;
    std::string source;            ///< file it came from
};

/// Key "connectome_trace": recent activity of every cell.
struct ConnectomeTrace {
    Eigen::MatrixXf history;       ///< cells x T, oldest column first
    double sampleDt = 0.001;       ///< seconds between columns
    double time = 0;               ///< time of the newest column
    Eigen::VectorXf activity;      ///< current activity per cell
    std::vector<int> stimulated;
    bool stimulusOn = false;
};

}  // namespace ganglion::worm
