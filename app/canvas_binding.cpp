#include "app/canvas_binding.h"

#include "document/graph_commands.h"
#include "widgets/canvas/graph_canvas.h"

#include <QUndoStack>

namespace ganglion {

void bindCanvasToUndoStack(GraphCanvas* canvas, Graph& g, QUndoStack* undo, std::function<void(const QString&)> status) {
    auto refuse = [status](const std::string& why) {
        if (status) status(QObject::tr("Cannot connect: %1").arg(QString::fromStdString(why)));
    };
    QObject::connect(canvas, &GraphCanvas::requestAddNode, undo, [&g, undo](const QString& type, const QPointF& pos) {
        undo->push(new AddNodeCommand(g, type, pos));
    });
    QObject::connect(canvas, &GraphCanvas::requestConnect, undo, [&g, undo, refuse](const Endpoint& from, const Endpoint& to) {
        if (auto err = g.canConnect(from, to)) return refuse(*err);
        undo->push(new ConnectCommand(g, from, to));
    });
    QObject::connect(canvas, &GraphCanvas::requestDisconnect, undo, [&g, undo](EdgeId e) { undo->push(new DisconnectCommand(g, e)); });
    QObject::connect(canvas, &GraphCanvas::requestReconnect, undo,
                     [&g, undo](EdgeId e, const Endpoint& from, const Endpoint& to) {
                         undo->push(new ReconnectCommand(g, e, from, to));
                     });
    QObject::connect(canvas, &GraphCanvas::requestMove, undo,
                     [&g, undo](const QList<QPair<NodeId, QPointF>>& from, const QList<QPair<NodeId, QPointF>>& to) {
                         undo->push(new MoveNodesCommand(g, from, to));
                     });
    QObject::connect(canvas, &GraphCanvas::requestDelete, undo, [&g, undo](const QList<NodeId>& n, const QList<EdgeId>& e) {
        if (!n.isEmpty() || !e.isEmpty()) undo->push(new RemoveItemsCommand(g, n, e));
    });
    QObject::connect(canvas, &GraphCanvas::requestPaste, undo, [&g, undo](const QString& json, const QPointF& at) {
        undo->push(new PasteCommand(g, json, at));
    });
    QObject::connect(canvas, &GraphCanvas::requestExpand, undo, [&g, undo, status](NodeId id) {
        try {
            Graph trial = g;  // find out why it cannot be expanded before touching the stack
            expandNode(trial, id);
        } catch (const std::exception& e) {
            if (status) {  // the message names the node and why, e.g. "cannot expand 'NCAP circuit': …"
                QString why = QString::fromUtf8(e.what());
                if (!why.isEmpty()) why[0] = why[0].toUpper();
                status(why);
            }
            return;
        }
        auto* cmd = new ExpandNodeCommand(g, id);
        undo->push(cmd);
        const QStringList dropped = cmd->dropped();
        const int parts = int(cmd->parts().size());
        if (!status) return;
        if (dropped.isEmpty())
            status(QObject::tr("Expanded into %n node(s); Undo restores the composite.", nullptr, parts));
        else
            status(QObject::tr("Expanded into %n node(s); connections with no counterpart were removed: %1", nullptr, parts)
                       .arg(dropped.join(QStringLiteral(", "))));
    });
}

}  // namespace ganglion
