// A QOpenGLWidget that hosts VTK rendering through a vtkGenericOpenGLRenderWindow (Qt 6; Debian's
// VTK Qt module is built for Qt 5 and is not used). Exposes one vtkRenderer to fill with actors;
// the mouse orbits (left), pans (middle or shift+left), zooms (right drag or wheel) and 'r' resets
// the camera. Recipe and pitfalls: shared/notes/vtk-in-qt6.md.
#pragma once

#include <QOpenGLWidget>
#include <QString>

#include <vtkSmartPointer.h>

class QSurface;
class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;
class vtkObject;

namespace ganglion {

/// Sets QSurfaceFormat's default to what VTK 9.1 needs (OpenGL >= 3.2 core, depth and alpha
/// buffers, no multisampling). Call before constructing QApplication.
void setDefaultVtkSurfaceFormat();

/// Probes whether an OpenGL >= 3.2 context can be created on this display. Needs a
/// QGuiApplication. On failure returns false and describes why in *reason (if given).
bool vtkOpenGLAvailable(QString* reason = nullptr);

class VtkWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkWidget(QWidget* parent = nullptr);
    ~VtkWidget() override;

    /// The renderer to add actors to (owned by the widget, valid for the widget's lifetime).
    vtkRenderer* renderer() const;
    vtkGenericOpenGLRenderWindow* renderWindow() const;

    /// Fit the camera to the visible actors and schedule a repaint.
    void resetCamera();
    /// True once VTK initialised on this widget's GL context without errors.
    bool vtkReady() const { return vtkReady_; }
    /// Why VTK could not initialise ("" when it did or has not tried yet).
    QString vtkError() const { return vtkError_; }
    /// Wall time of the last paintGL (VTK render + blit), milliseconds.
    double lastFrameMs() const { return lastFrameMs_; }

signals:
    /// After each VTK frame; ms is the time spent rendering it.
    void frameRendered(double ms);

protected:
    void initializeGL() override;
    void paintGL() override;
    void resizeGL(int w, int h) override;

    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void enterEvent(QEnterEvent* e) override;
    void leaveEvent(QEvent* e) override;

private:
    void onMakeCurrent(vtkObject* caller, unsigned long event, void* callData);
    void onIsCurrent(vtkObject* caller, unsigned long event, void* callData);
    void onRenderRequest(vtkObject* caller, unsigned long event, void* callData);
    void onVtkError(vtkObject* caller, unsigned long event, void* callData);
    void releaseGraphics();
    void setEventInfo(const QPointF& pos, Qt::KeyboardModifiers mods, bool repeat = false);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    vtkSmartPointer<vtkRenderer> renderer_;
    QSurface* surface_ = nullptr;
    QMetaObject::Connection contextConnection_;
    bool vtkReady_ = false;
    bool initialising_ = false;
    QString vtkError_;
    double lastFrameMs_ = 0.0;
};

}  // namespace ganglion
