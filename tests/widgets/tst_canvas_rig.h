#pragma once
// Shared by the canvas tests: a GraphCanvas + Graph + QUndoStack wired like the main window,
// and helpers that drive the canvas with real mouse events.
#include "app/canvas_binding.h"
#include "document/graph_commands.h"
#include "core/graph/json_io.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_clipboard.h"

#include <QApplication>
#include <QMimeData>
#include <QUndoStack>
#include <QtTest>

using namespace ganglion;

namespace canvas_test {
inline QString json(const Graph& g) { return QString::fromStdString(graphToJson(g)); }

/// Canvas + graph + undo stack wired like the main window does it.
struct Rig {
    Graph graph;
    QUndoStack stack;
    GraphCanvas canvas{&graph};

    Rig() {
        bindCanvasToUndoStack(&canvas, graph, &stack);  // exactly as the main window does
        canvas.resize(1400, 800);
        canvas.show();
        canvas.activateWindow();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.resetTransform();
        canvas.centerOn(550, 200);
    }

    QWidget* vp() { return canvas.viewport(); }
    QPoint view(const QPointF& scenePos) { return canvas.mapFromScene(scenePos); }
    QPoint portView(NodeId id, bool output, int index) {
        return view(canvas.graphScene()->nodeItem(id)->portScenePos(output, index));
    }
    QPoint headerView(NodeId id) {
        NodeItem* it = canvas.graphScene()->nodeItem(id);
        return view(it->mapToScene(QPointF(60, 12)));
    }

    void mouse(QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons buttons,
               Qt::KeyboardModifiers mods = Qt::NoModifier) {
        QMouseEvent e(type, QPointF(pos), QPointF(vp()->mapToGlobal(pos)), button, buttons, mods);
        QApplication::sendEvent(vp(), &e);
    }
    /// Press at a, move in steps to b, release (the way a user drags).
    void drag(QPoint a, QPoint b, Qt::MouseButton button = Qt::LeftButton, Qt::KeyboardModifiers mods = {}) {
        mouse(QEvent::MouseButtonPress, a, button, button, mods);
        for (int i = 1; i <= 8; ++i) mouse(QEvent::MouseMove, a + (b - a) * i / 8, Qt::NoButton, button, mods);
        mouse(QEvent::MouseButtonRelease, b, button, Qt::NoButton, mods);
    }
    void dropType(const QString& type, QPoint at) {
        QMimeData mime;
        mime.setData(kNodeTypeMime, type.toUtf8());
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp(), &drop);
    }
    NodeId lastNode() const { return graph.nodes().empty() ? 0 : graph.nodes().back().id; }
};

/// A registered type with an output of a non-tensor type (to show a type mismatch), or "".
inline QString nonTensorSource(int* outIndex) {
    for (const NodeSpec& s : NodeRegistry::instance().all())
        for (int i = 0; i < int(s.outputs.size()); ++i)
            if (s.outputs[i].type != PortType::Tensor) {
                *outIndex = i;
                return QString::fromStdString(s.type);
            }
    return {};
}

inline void saveShot(QWidget* w, const QString& name) {
    const QByteArray dir = qgetenv("GANGLION_SCREENSHOT_DIR");
    if (!dir.isEmpty()) w->grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name);
}
}  // namespace canvas_test

using namespace canvas_test;
