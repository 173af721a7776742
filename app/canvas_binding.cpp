#include "app/canvas_binding.h"

#include "document/graph_commands.h"
#include "widgets/canvas/graph_canvas.h"

#include <QUndoStack>

namespace ganglion {

QUndoCommand* makeConnectCommand(Graph& g, const Endpoint& from, const Endpoint& to, EdgeId moving, QString* why) {
    auto refuse = [why](const QString& text) -> QUndoCommand* {
        if (why) *why = text;
        return nullptr;
    };
    const Edge* taken = g.edgeIntoPort(to);
    if (taken && taken->id == moving) taken = nullptr;  // a wire moved back onto its own input
    if (taken && taken->from == from) return refuse(QObject::tr("%1 is already connected to %2.")
                                                        .arg(endpointLabel(g, from), endpointLabel(g, to)));
    // the input's current wire goes (replaced or moved), so only the rest is judged
    if (auto err = g.canConnect(from, to, g.edgeIntoPort(to) != nullptr)) return refuse(QString::fromStdString(*err));
    if (moving && !g.edge(moving)) return refuse(QObject::tr("The connection no longer exists."));
    const QString text = QObject::tr("Connect %1 → %2").arg(endpointLabel(g, from), endpointLabel(g, to));
    const QString replaced = taken ? QObject::tr(" (replaces %1)").arg(endpointLabel(g, taken->from)) : QString();
    if (!taken && !moving) return new ConnectCommand(g, from, to);
    if (!taken || !moving) {  // one wire becomes another
        auto* cmd = new ReconnectCommand(g, taken ? taken->id : moving, from, to);
        cmd->setText(text + replaced);
        return cmd;
    }
    // a wire moved onto a taken input: the input's wire goes, then the moved one lands there
    auto* step = new QUndoCommand(text + replaced);
    new DisconnectCommand(g, taken->id, step);
    new ReconnectCommand(g, moving, from, to, step);
    return step;
}

void bindCanvasToUndoStack(GraphCanvas* canvas, Graph& g, QUndoStack* undo, std::function<void(const QString&)> status) {
    auto refuse = [status](const std::string& why) {
        if (status) status(QObject::tr("Cannot connect: %1").arg(QString::fromStdString(why)));
    };
    QObject::connect(canvas, &GraphCanvas::requestAddNode, undo, [&g, undo](const QString& type, const QPointF& pos) {
        undo->push(new AddNodeCommand(g, type, pos));
    });
    // a wire dropped on a taken input replaces the old one: one undo step either way
    auto connect = [&g, undo, refuse](EdgeId moving, const Endpoint& from, const Endpoint& to) {
        QString why;
        if (QUndoCommand* cmd = makeConnectCommand(g, from, to, moving, &why)) undo->push(cmd);
        else refuse(why.toStdString());
    };
    QObject::connect(canvas, &GraphCanvas::requestConnect, undo,
                     [connect](const Endpoint& from, const Endpoint& to) { connect(0, from, to); });
    QObject::connect(canvas, &GraphCanvas::requestDisconnect, undo, [&g, undo](EdgeId e) { undo->push(new DisconnectCommand(g, e)); });
    QObject::connect(canvas, &GraphCanvas::requestReconnect, undo, connect);
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
