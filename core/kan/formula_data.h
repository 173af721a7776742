// Function-fitting data set: the user types a formula of x1…xn (x, y, z also accepted for up to
// three variables; pi and e are constants) and gets uniform samples over a box with optional
// Gaussian noise on the training targets. Parsed with muparser; a parse error names the
// offending character.
#pragma once

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"

#include <optional>
#include <string>

namespace ganglion {

struct FormulaError {
    std::string message;  ///< "formula error at character 16: Unexpected token \"x3\" …"
    int position = -1;    ///< 0-based index of the offending character, -1 when unknown
    std::string caret;    ///< the formula with a caret line under the offending character
};

/// Parses `formula` over `variables` inputs; nullopt when it is valid.
std::optional<FormulaError> checkFormula(const std::string& formula, int variables);

/// Evaluates `formula` on every column of x (variables x n) into y (1 x n). Throws
/// std::invalid_argument with the FormulaError message, or naming the first sample where the
/// value is not finite.
void evaluateFormula(const std::string& formula, const Matrix& x, Matrix& y);

class FormulaDataKernel : public Kernel, public TorchDataSource {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    bool supportsGrid() const override { return vars_ == 2; }
    TorchData torchData() const override {
        TorchData d;
        d.batchSize = batch_ <= 0 || batch_ >= trainX_.cols() ? 0 : batch_;
        d.pyLoader = torch::npzLoader(false);
        d.arrays = {{"train_x", trainX_.transpose()}, {"train_y", trainY_.transpose()},
                    {"test_x", testX_.transpose()}, {"test_y", testY_.transpose()}};
        return d;
    }
    /// The sampled training and test sets: a loaded model trains and tests on the same points.
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

    const Matrix& trainX() const { return trainX_; }
    const Matrix& trainY() const { return trainY_; }
    const Matrix& testX() const { return testX_; }
    const Matrix& testY() const { return testY_; }

private:
    std::string formula_;
    int vars_ = 2, batch_ = 0, gridSize_ = 48;
    float lo_ = -1, hi_ = 1;
    Matrix trainX_, trainY_, testX_, testY_, gridX_, gridY_;
    std::vector<int> order_;
    size_t cursor_ = 0;
};

NodeSpec makeFormulaDataSpec();

}  // namespace ganglion
