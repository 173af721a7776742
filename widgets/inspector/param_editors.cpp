#include "widgets/inspector/param_editors.h"

#include <QCheckBox>
#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStyle>

#include <algorithm>
#include <climits>
#include <cmath>

namespace ganglion {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

constexpr double kHuge = 1e15;  // stands in for an unbounded side of a Float range

/// Commits a multi-line text editor when it loses focus.
class FocusOutCommit : public QObject {
public:
    FocusOutCommit(QPlainTextEdit* edit, std::function<void(const ParamValue&)> commit)
        : QObject(edit), edit_(edit), commit_(std::move(commit)) {
        edit->installEventFilter(this);
    }
    bool eventFilter(QObject* o, QEvent* e) override {
        if (o == edit_ && e->type() == QEvent::FocusOut) commit_(edit_->toPlainText().toStdString());
        return false;
    }

private:
    QPlainTextEdit* edit_;
    std::function<void(const ParamValue&)> commit_;
};

double niceStep(const ParamSpec& s) {
    const double def = std::abs(std::get_if<double>(&s.def) ? std::get<double>(s.def) : 0.0);
    double step = def > 0 ? std::pow(10.0, std::floor(std::log10(def))) : 0.1;
    if (std::isfinite(s.min) && std::isfinite(s.max) && s.max > s.min) step = std::min(step, (s.max - s.min) / 10);
    return step > 0 ? step : 0.1;
}

int decimalsFor(const ParamSpec& s) {
    // Enough digits for the smallest meaningful magnitude of this parameter.
    double smallest = 1.0;
    for (double v : {s.min, s.max, std::get_if<double>(&s.def) ? std::get<double>(s.def) : 0.0, niceStep(s)})
        if (std::isfinite(v) && v != 0) smallest = std::min(smallest, std::abs(v));
    return std::clamp(int(std::ceil(-std::log10(smallest))) + 4, 4, 12);
}
}  // namespace

QString CompactDoubleSpinBox::textFromValue(double v) const {
    return locale().toString(v, 'g', 8).remove(locale().groupSeparator());
}

double CompactDoubleSpinBox::valueFromText(const QString& text) const {
    QString t = text;
    if (!suffix().isEmpty() && t.endsWith(suffix())) t.chop(suffix().size());
    bool ok = false;
    double v = locale().toDouble(t.trimmed(), &ok);
    if (!ok) v = t.trimmed().toDouble(&ok);
    return ok ? v : value();
}

QValidator::State CompactDoubleSpinBox::validate(QString& text, int&) const {
    QString t = text;
    if (!suffix().isEmpty() && t.endsWith(suffix())) t.chop(suffix().size());
    t = t.trimmed();
    if (t.isEmpty() || t == QLatin1String("-") || t == QLatin1String("+") || t.endsWith(QLatin1Char('e')) ||
        t.endsWith(QLatin1Char('E')) || t.endsWith(QLatin1String("e-")) || t.endsWith(locale().decimalPoint()))
        return QValidator::Intermediate;
    bool ok = false;
    double v = locale().toDouble(t, &ok);
    if (!ok) v = t.toDouble(&ok);
    if (!ok) return QValidator::Invalid;
    return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
}

QWidget* createParamEditor(const ParamSpec& spec, QWidget* parent, std::function<void(const ParamValue&)> commit) {
    const QString unit = spec.unit.empty() ? QString() : QStringLiteral(" ") + qs(spec.unit);
    QWidget* w = nullptr;
    switch (spec.type) {
    case ParamType::Bool: {
        auto* cb = new QCheckBox(parent);
        QObject::connect(cb, &QCheckBox::toggled, cb, [commit](bool on) { commit(on); });
        w = cb;
        break;
    }
    case ParamType::Int: {
        auto* sb = new QSpinBox(parent);
        sb->setRange(int(std::max(spec.min, double(INT_MIN))), int(std::min(spec.max, double(INT_MAX))));
        sb->setSuffix(unit);
        sb->setKeyboardTracking(false);
        sb->setAccelerated(true);
        QObject::connect(sb, &QSpinBox::valueChanged, sb, [commit](int v) { commit(std::int64_t(v)); });
        w = sb;
        break;
    }
    case ParamType::Float: {
        auto* sb = new CompactDoubleSpinBox(parent);
        sb->setDecimals(decimalsFor(spec));
        sb->setRange(std::max(spec.min, -kHuge), std::min(spec.max, kHuge));
        sb->setSingleStep(niceStep(spec));
        sb->setSuffix(unit);
        sb->setKeyboardTracking(false);
        sb->setAccelerated(true);
        QObject::connect(sb, &QDoubleSpinBox::valueChanged, sb, [commit](double v) { commit(v); });
        w = sb;
        break;
    }
    case ParamType::Enum: {
        auto* combo = new QComboBox(parent);
        for (const auto& c : spec.choices) combo->addItem(qs(c));
        QObject::connect(combo, &QComboBox::currentTextChanged, combo,
                         [commit](const QString& t) { commit(t.toStdString()); });
        w = combo;
        break;
    }
    case ParamType::String: {
        const std::string& def = std::get<std::string>(spec.def);
        if (def.find('\n') != std::string::npos || def.size() > 60) {
            auto* edit = new QPlainTextEdit(parent);
            edit->setTabChangesFocus(true);
            edit->setMaximumHeight(90);
            new FocusOutCommit(edit, commit);
            w = edit;
        } else {
            auto* edit = new QLineEdit(parent);
            QObject::connect(edit, &QLineEdit::editingFinished, edit,
                             [edit, commit] { commit(edit->text().toStdString()); });
            if (!spec.fileFilter.empty()) {  // a file path: a button in the field opens a file dialog
                QAction* browse = edit->addAction(edit->style()->standardIcon(QStyle::SP_DirOpenIcon),
                                                  QLineEdit::TrailingPosition);
                browse->setObjectName(QStringLiteral("browse_") + qs(spec.name));
                browse->setToolTip(QObject::tr("Choose a file"));
                const QString filter = qs(spec.fileFilter) + QStringLiteral(";;") + QObject::tr("All files (*)");
                QObject::connect(browse, &QAction::triggered, edit, [edit, commit, filter] {
                    const QFileInfo current(edit->text());
                    const QString f = QFileDialog::getOpenFileName(
                        edit, QObject::tr("Open file"), current.exists() ? current.absolutePath() : QString(), filter);
                    if (f.isEmpty()) return;
                    edit->setText(f);
                    commit(f.toStdString());
                });
            }
            w = edit;
        }
        break;
    }
    }
    w->setObjectName(QStringLiteral("param_") + qs(spec.name));
    return w;
}

void setParamEditorValue(QWidget* editor, const ParamSpec& spec, const ParamValue& v) {
    const QSignalBlocker block(editor);
    const auto c = spec.coerce(v);
    if (!c) return;
    switch (spec.type) {
    case ParamType::Bool:
        static_cast<QCheckBox*>(editor)->setChecked(std::get<bool>(*c));
        break;
    case ParamType::Int:
        static_cast<QSpinBox*>(editor)->setValue(int(std::get<std::int64_t>(*c)));
        break;
    case ParamType::Float:
        static_cast<QDoubleSpinBox*>(editor)->setValue(std::get<double>(*c));
        break;
    case ParamType::Enum:
        static_cast<QComboBox*>(editor)->setCurrentText(qs(std::get<std::string>(*c)));
        break;
    case ParamType::String:
        if (auto* le = qobject_cast<QLineEdit*>(editor)) le->setText(qs(std::get<std::string>(*c)));
        else if (auto* pe = qobject_cast<QPlainTextEdit*>(editor)) pe->setPlainText(qs(std::get<std::string>(*c)));
        break;
    }
}

}  // namespace ganglion
