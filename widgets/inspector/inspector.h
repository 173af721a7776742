// Inspector: edits one node's name and parameters with widgets generated from its NodeSpec
// (ranges, units, choices and help text all come from the ParamSpecs). It never edits the graph:
// edits become requestParamChange / requestRename, which the app turns into undo commands.
// It observes the graph, so undo/redo and edits from elsewhere show up immediately.
// A value the spec rejects is not requested; the reason is shown under the parameter.
#pragma once

#include "core/engine/snapshot.h"
#include "core/graph/graph.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QGridLayout;
class QScrollArea;

namespace ganglion {

class Inspector : public QWidget, public GraphObserver {
    Q_OBJECT
public:
    /// The graph must outlive the inspector or be detached with setGraph(nullptr).
    explicit Inspector(Graph* graph = nullptr, QWidget* parent = nullptr);
    ~Inspector() override;

    void setGraph(Graph* graph);
    Graph* graph() const { return graph_; }
    NodeId node() const { return node_; }

    /// The editor generated for a parameter (nullptr if none), e.g. for tests or focus.
    QWidget* editor(const QString& param) const { return editors_.value(param); }
    QLineEdit* nameField() const { return nameEdit_; }
    /// Inline error text currently shown for a parameter ("" when none).
    QString paramError(const QString& param) const;
    QString nameError() const;
    /// The shown node's cost line ("" when no snapshot has counted it yet).
    QString costText() const;

public slots:
    /// Show this node (0 = nothing selected).
    void setNode(ganglion::NodeId id);
    /// Show an error under a parameter (e.g. the graph rejected a value); "" clears it.
    void setParamError(const QString& param, const QString& message);
    /// Shows the selected node's cost as the engine counted it in `snap` (nullptr: none yet).
    /// Only reads the figures: nothing is computed on the GUI thread.
    void showCost(const ganglion::SnapshotPtr& snap);

signals:
    void requestParamChange(ganglion::NodeId node, const QString& param, const ganglion::ParamValue& oldValue,
                            const ganglion::ParamValue& newValue);
    void requestRename(ganglion::NodeId node, const QString& newName);

private:
    // GraphObserver
    void nodeRemoved(NodeId id) override;
    void nodeChanged(NodeId id, const std::string& param) override;
    void reset() override;

    void rebuild();
    void refreshValues();
    void refreshCost();
    void onEdited(const std::string& param, const ParamValue& v);
    void onNameEdited();

    Graph* graph_ = nullptr;
    NodeId node_ = 0;
    std::string shownType_;
    QScrollArea* scroll_;
    QWidget* content_ = nullptr;
    QLineEdit* nameEdit_ = nullptr;
    QLabel* nameError_ = nullptr;
    QLabel* cost_ = nullptr;
    SnapshotPtr snap_;
    QHash<QString, QWidget*> editors_;
    QHash<QString, QLabel*> errors_;
};

}  // namespace ganglion
