// "TaskAccuracy" node: the continual-learning scoreboard. From a model's class scores, the labels
// and the task of every sample (a TaskStream's outputs) it keeps acc[i][j], the test accuracy on
// task i after training through task j: every test evaluation fills the column of the task being
// trained, so once the stream moves on a column holds the accuracy at the end of its task (when
// the graph's evalEvery divides the stream's steps_per_task). It publishes the matrix, the
// accuracy on every task now, their mean over the tasks seen so far, and the backward transfer
// BWT = mean over finished tasks i of (acc[i][now] − acc[i][i]) — negative: forgetting
// (Lopez-Paz & Ranzato, "Gradient episodic memory", NeurIPS 2017).
#include "core/model/node_spec.h"

#include <cmath>

namespace ganglion {
namespace {

class TaskAccuracyKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& scores = ctx.inputs[0];
        if (scores.features < 2) throw BuildError("scores", "needs at least 2 class scores");
        if (ctx.inputs[1].features != 1) throw BuildError("labels", "labels must be class indices (1 row)");
        const Shape& task = ctx.inputs[2];
        if (task.features != 1 || task.classes < 1)
            throw BuildError("task", "connect the task output of a task stream (its shape gives the number of tasks)");
        tasks_ = task.classes;
        acc_ = Matrix::Constant(tasks_, tasks_, -1.f);
        trained_ = -1;
        return {};
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value>) override {
        if (ctx.phase == Phase::Grid) return;
        const Matrix& s = in[0]->tensor;
        const Matrix& y = in[1]->tensor;
        const Matrix& t = in[2]->tensor;
        correct_.setZero(tasks_);
        total_.setZero(tasks_);
        for (Eigen::Index j = 0; j < s.cols(); ++j) {
            const int task = int(t(0, j));
            if (task < 0 || task >= tasks_) continue;
            Eigen::Index c;
            s.col(j).maxCoeff(&c);
            total_(task) += 1;
            if (int(y(0, j)) == int(c)) correct_(task) += 1;
        }
        if (ctx.phase == Phase::Train) {
            if (s.cols() > 0) trained_ = int(t(0, 0));
            const double n = total_.sum();
            if (n > 0) trainAcc_ = trainAcc_ < 0 ? correct_.sum() / n : 0.95 * trainAcc_ + 0.05 * correct_.sum() / n;
            return;
        }
        if (trained_ < 0 || trained_ >= tasks_) return;  // nothing trained yet
        for (int i = 0; i < tasks_; ++i)
            if (total_(i) > 0) acc_(i, trained_) = float(correct_(i) / total_(i));
    }

    void observe(Observables& obs) const override {
        obs.arrays["task_accuracy"] = acc_;
        if (trainAcc_ >= 0) obs.scalars["accuracy"] = trainAcc_;
        obs.scalars["task"] = trained_ + 1;
        if (trained_ < 0 || acc_(0, trained_) < 0) return;
        double seen = 0, bwt = 0;
        for (int i = 0; i < tasks_; ++i) {
            obs.scalars["accuracy_task_" + std::to_string(i + 1)] = acc_(i, trained_);
            if (i <= trained_) seen += acc_(i, trained_);
            if (i < trained_) bwt += acc_(i, trained_) - acc_(i, i);
        }
        obs.scalars["average_accuracy"] = seen / (trained_ + 1);
        if (trained_ > 0) obs.scalars["backward_transfer"] = bwt / trained_;
    }

    KernelState saveState() const override {
        return {{"accuracy", acc_}, {"trained", Matrix::Constant(1, 1, float(trained_))}};
    }

    void loadState(const KernelState& s) override {
        const Matrix& acc = checkedEntry(s, "TaskAccuracy", "accuracy", tasks_, tasks_);
        const Matrix& trained = checkedEntry(s, "TaskAccuracy", "trained", 1, 1);
        if (!(trained(0, 0) >= -1.f && trained(0, 0) < float(tasks_)))
            throw std::runtime_error("TaskAccuracy state: 'trained' is not a task index");
        acc_ = acc;
        trained_ = int(trained(0, 0));
    }

private:
    int tasks_ = 0, trained_ = -1;
    double trainAcc_ = -1;
    Matrix acc_;
    Eigen::VectorXd correct_, total_;
};

}  // namespace

NodeSpec makeTaskAccuracySpec() {
    NodeSpec s;
    s.type = "TaskAccuracy";
    s.title = "Task accuracy";
    s.category = "Training";
    s.role = NodeRole::Sink;
    s.observables = {"task_accuracy", "accuracy", "task", "average_accuracy", "backward_transfer", "accuracy_task_*"};
    s.help = "Continual-learning scoreboard: acc[i][j], the test accuracy on task i after training through task j "
             "(-1 until task j is trained), from a model's class scores, the labels and the task of each sample "
             "(a TaskStream's outputs). Publishes the matrix (task_accuracy, tasks x tasks), accuracy_task_N on "
             "every task now, average_accuracy over the tasks seen so far, and backward_transfer: the mean change "
             "of the finished tasks' accuracy since their own end (negative = forgetting).";
    s.reference = "BWT: Lopez-Paz & Ranzato, Gradient episodic memory for continual learning, NeurIPS 2017";
    s.inputs = {{"scores", PortType::Tensor, "class scores (logits) x batch"},
                {"labels", PortType::Tensor, "1 x batch class indices"},
                {"task", PortType::Tensor, "1 x batch task of each sample (a TaskStream's task output)"}};
    s.create = [] { return std::make_unique<TaskAccuracyKernel>(); };
    s.example = [](const std::string&) {
        return NodeExample{{}, {Shape::tensor(3), Shape::labels(3), Shape::labels(2)}};
    };
    return s;
}

}  // namespace ganglion
