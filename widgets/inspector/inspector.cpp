#include "widgets/inspector/inspector.h"

#include "widgets/canvas/canvas_style.h"
#include "widgets/inspector/param_editors.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace ganglion {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

QLabel* makeLabel(const QString& text, QWidget* parent, const QString& style = {}) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!style.isEmpty()) l->setStyleSheet(style);
    return l;
}

const QString kHelpStyle = QStringLiteral("color: palette(placeholder-text); font-size: 8.5pt;");
const QString kErrorStyle = QStringLiteral("color: #d93025; font-size: 8.5pt; font-weight: bold;");

/// Help text and (hidden until needed) error text stacked under an editor. The container is
/// hidden while both are empty so it takes no space.
QWidget* belowField(QWidget* parent, const QString& help, QLabel* error) {
    auto* box = new QWidget(parent);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 4);
    v->setSpacing(2);
    if (!help.isEmpty()) v->addWidget(makeLabel(help, box, kHelpStyle));
    error->setParent(box);
    error->hide();
    v->addWidget(error);
    box->setVisible(!help.isEmpty());
    box->setProperty("hasHelp", !help.isEmpty());
    return box;
}

void showError(QLabel* error, const QString& message) {
    error->setText(message);
    error->setVisible(!message.isEmpty());
    QWidget* box = error->parentWidget();
    box->setVisible(!message.isEmpty() || box->property("hasHelp").toBool());
}
}  // namespace

Inspector::Inspector(Graph* graph, QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    lay->addWidget(scroll_);
    setMinimumWidth(240);
    setGraph(graph);
}

Inspector::~Inspector() {
    if (graph_) graph_->removeObserver(this);
}

void Inspector::setGraph(Graph* graph) {
    if (graph_) graph_->removeObserver(this);
    graph_ = graph;
    if (graph_) graph_->addObserver(this);
    node_ = 0;
    rebuild();
}

void Inspector::setNode(NodeId id) {
    if (graph_ && id && !graph_->node(id)) id = 0;
    if (id == node_ && content_) return;
    node_ = id;
    rebuild();
}

QString Inspector::paramError(const QString& param) const {
    QLabel* l = errors_.value(param);
    return l && !l->isHidden() ? l->text() : QString();
}

void Inspector::showCost(const SnapshotPtr& snap) {
    snap_ = snap;
    refreshCost();
}

void Inspector::refreshCost() {
    if (!cost_) return;
    const NodeSnapshot* n = snap_ && node_ ? snap_->find(node_) : nullptr;
    if (!n) {
        cost_->clear();
        cost_->hide();
        return;
    }
    const NodeCost& c = n->cost;
    cost_->setText(tr("Cost per sample: %1").arg(QString::fromStdString(formatCost(c, true))));
    cost_->setToolTip(tr("Counted by the engine from the built node: %1 learnable parameters; %2 multiply-accumulates "
                         "forward, %3 for a training step; %4 of outputs per sample forward, %5 in training.")
                          .arg(QString::fromStdString(formatCount(c.params)),
                               c.counted ? QString::fromStdString(formatCount(c.forwardMacs)) : tr("uncounted"),
                               c.counted ? QString::fromStdString(formatCount(c.trainMacs)) : tr("uncounted"),
                               QString::fromStdString(formatCount(c.forwardBytes) + " B"),
                               QString::fromStdString(formatCount(c.trainBytes) + " B")));
    cost_->show();
}

QString Inspector::costText() const { return cost_ && !cost_->isHidden() ? cost_->text() : QString(); }

QString Inspector::nameError() const { return nameError_ && !nameError_->isHidden() ? nameError_->text() : QString(); }

void Inspector::setParamError(const QString& param, const QString& message) {
    if (QLabel* l = errors_.value(param)) showError(l, message);
}

void Inspector::rebuild() {
    editors_.clear();
    errors_.clear();
    nameEdit_ = nullptr;
    nameError_ = nullptr;
    cost_ = nullptr;
    shownType_.clear();
    content_ = new QWidget;
    auto* v = new QVBoxLayout(content_);
    v->setContentsMargins(10, 10, 10, 10);
    v->setSpacing(6);

    const Node* node = graph_ && node_ ? graph_->node(node_) : nullptr;
    const NodeSpec* spec = node ? graph_->spec(node_) : nullptr;
    if (!node || !spec) {
        auto* l = makeLabel(tr("Select a node on the canvas to edit its parameters."), content_, kHelpStyle);
        l->setAlignment(Qt::AlignCenter);
        v->addStretch();
        v->addWidget(l);
        v->addStretch();
        scroll_->setWidget(content_);  // deletes the previous content
        return;
    }
    shownType_ = node->type;

    // Header: type title with its category colour, help and paper reference.
    const QColor cat = canvas::categoryColor(qs(spec->category));
    auto* title = makeLabel(QStringLiteral("<span style='color:%1'>■</span> <b>%2</b>  <small>%3 · %4</small>")
                                .arg(cat.name(), qs(spec->title).toHtmlEscaped(), qs(spec->category).toHtmlEscaped(),
                                     qs(spec->type).toHtmlEscaped()),
                            content_);
    title->setTextFormat(Qt::RichText);
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() + 1.5);
    title->setFont(tf);
    v->addWidget(title);
    if (!spec->help.empty()) v->addWidget(makeLabel(qs(spec->help), content_));
    if (!spec->reference.empty())
        v->addWidget(makeLabel(tr("Reference: %1").arg(qs(spec->reference)), content_, kHelpStyle));
    cost_ = makeLabel(QString(), content_, kHelpStyle);
    cost_->setObjectName(QStringLiteral("nodeCost"));
    v->addWidget(cost_);
    refreshCost();

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setVerticalSpacing(4);
    nameEdit_ = new QLineEdit(content_);
    nameEdit_->setObjectName(QStringLiteral("nodeName"));
    nameEdit_->setToolTip(tr("Unique name of this node in the graph."));
    connect(nameEdit_, &QLineEdit::editingFinished, this, &Inspector::onNameEdited);
    form->addRow(tr("Name"), nameEdit_);
    nameError_ = makeLabel(QString(), content_, kErrorStyle);
    form->addRow(QString(), belowField(content_, QString(), nameError_));

    for (const ParamSpec& ps : spec->params) {
        const QString name = qs(ps.name);
        const std::string key = ps.name;
        QWidget* ed = createParamEditor(ps, content_, [this, key](const ParamValue& val) { onEdited(key, val); });
        QString tip = qs(ps.help);
        tip += ps.live ? tr("\n(Live: a running model picks this up at its next step.)")
                       : tr("\n(Structural: changing this rebuilds the model.)");
        ed->setToolTip(tip);
        QString shown = name;
        shown.replace(QLatin1Char('_'), QLatin1Char(' '));
        auto* label = new QLabel(shown + (ps.live ? QStringLiteral(" <span style='color:#3fb950'>●</span>") : QString()),
                                 content_);
        label->setToolTip(tip);
        form->addRow(label, ed);
        auto* err = makeLabel(QString(), content_, kErrorStyle);
        err->setObjectName(QStringLiteral("error_") + name);
        form->addRow(QString(), belowField(content_, qs(ps.help), err));
        editors_.insert(name, ed);
        errors_.insert(name, err);
    }
    v->addLayout(form);
    if (spec->params.empty()) v->addWidget(makeLabel(tr("This node has no parameters."), content_, kHelpStyle));
    v->addStretch();
    scroll_->setWidget(content_);  // deletes the previous content
    refreshValues();
}

void Inspector::refreshValues() {
    const Node* node = graph_ && node_ ? graph_->node(node_) : nullptr;
    const NodeSpec* spec = node ? graph_->spec(node_) : nullptr;
    if (!node || !spec) return;
    if (nameEdit_ && !(nameEdit_->hasFocus() && nameEdit_->isModified())) {
        const QSignalBlocker b(nameEdit_);
        nameEdit_->setText(qs(node->name));
    }
    for (const ParamSpec& ps : spec->params) {
        QWidget* ed = editors_.value(qs(ps.name));
        if (ed && node->params.has(ps.name)) setParamEditorValue(ed, ps, node->params.get(ps.name));
    }
}

void Inspector::onEdited(const std::string& param, const ParamValue& v) {
    const Node* node = graph_ && node_ ? graph_->node(node_) : nullptr;
    const NodeSpec* spec = node ? graph_->spec(node_) : nullptr;
    const ParamSpec* ps = spec ? spec->param(param) : nullptr;
    if (!ps) return;
    const QString name = qs(param);
    if (auto err = ps->check(v)) {
        setParamError(name, qs(*err));
        refreshValues();  // show the value the graph still holds
        return;
    }
    const ParamValue value = *ps->coerce(v);
    const ParamValue old = node->params.has(param) ? node->params.get(param) : ps->def;
    setParamError(name, QString());
    if (value == old) return;
    emit requestParamChange(node_, name, old, value);
}

void Inspector::onNameEdited() {
    const Node* node = graph_ && node_ ? graph_->node(node_) : nullptr;
    if (!node || !nameEdit_) return;
    const QString text = nameEdit_->text().trimmed();
    nameEdit_->setModified(false);
    if (text == qs(node->name)) {
        showError(nameError_, QString());
        return;
    }
    QString err;
    if (text.isEmpty()) err = tr("A node needs a name.");
    else if (const Node* other = graph_->nodeByName(text.toStdString()); other && other->id != node_)
        err = tr("Another node is already called '%1'.").arg(text);
    showError(nameError_, err);
    if (err.isEmpty()) emit requestRename(node_, text);
}

void Inspector::nodeRemoved(NodeId id) {
    if (id == node_) setNode(0);
}

void Inspector::nodeChanged(NodeId id, const std::string&) {
    if (id != node_) return;
    const Node* n = graph_->node(id);
    if (n && n->type != shownType_) rebuild();
    else refreshValues();
}

void Inspector::reset() {
    // The document was replaced: keep showing the node only if the same id still exists.
    const NodeId keep = graph_ && graph_->node(node_) ? node_ : 0;
    node_ = keep;
    rebuild();
}

}  // namespace ganglion
