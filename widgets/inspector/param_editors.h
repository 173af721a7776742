// Editors generated from a ParamSpec: QSpinBox / QDoubleSpinBox (range, unit suffix),
// QCheckBox, QComboBox (Enum), QLineEdit (with a file-dialog button when the spec has a
// fileFilter) or QPlainTextEdit (String).
#pragma once

#include "core/model/params.h"

#include <QDoubleSpinBox>

#include <functional>

namespace ganglion {

/// Double spin box that shows compact numbers (0.001, 1e-06, 250) and accepts exponent input.
class CompactDoubleSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    QString textFromValue(double v) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
};

/// Creates the editor for `spec`. `commit` is called with the new value whenever the user
/// finishes an edit (spin step, Enter, focus out, toggle, choice).
QWidget* createParamEditor(const ParamSpec& spec, QWidget* parent, std::function<void(const ParamValue&)> commit);
/// Shows `v` in an editor made by createParamEditor, without calling commit.
void setParamEditorValue(QWidget* editor, const ParamSpec& spec, const ParamValue& v);

}  // namespace ganglion
