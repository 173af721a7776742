// A widget that hosts VTK rendering through a vtkGenericOpenGLRenderWindow (Qt 6; Debian's VTK Qt
// module is built for Qt 5 and is not used). Exposes one vtkRenderer to fill with actors; the
// mouse orbits (left), pans (middle or shift+left), zooms (right drag or wheel) and 'r' resets the
// camera. Recipe and pitfalls: shared/notes/vtk-in-qt6.md.
// VTK draws into a framebuffer object of its own offscreen OpenGL context and the widget paints
// the frame as an image: unlike a QOpenGLWidget, it does not switch its whole top-level window to
// OpenGL composition (on software OpenGL that recomposed the full window on every repaint of any
// view, for as long as the window lived, and took the cores the engine needs).
#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QString>
#include <QWidget>

#include <memory>

#include <vtkSmartPointer.h>

class QOffscreenSurface;
class QOpenGLContext;
class QOpenGLFramebufferObject;
class QTimer;
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

class VtkWidget : public QWidget {
    Q_OBJECT
public:
    explicit VtkWidget(QWidget* parent = nullptr);
    ~VtkWidget() override;

    /// The renderer to add actors to (owned by the widget, valid for the widget's lifetime).
    vtkRenderer* renderer() const;
    vtkGenericOpenGLRenderWindow* renderWindow() const;

    /// Fit the camera to the visible actors and schedule a repaint.
    void resetCamera();
    /// Asks for a new frame: its data or camera changed. Frames are rate-capped (software
    /// OpenGL takes the cores the engine needs) and never rendered while the widget is hidden;
    /// requests meanwhile coalesce into one frame, drawn when the cap allows or when shown.
    void requestRender();
    /// Most frames per second drawn for data changes (default 10); camera moves by the mouse
    /// may draw up to 30 per second so that orbiting stays fluid.
    void setMaxFramesPerSecond(double fps);
    double maxFramesPerSecond() const { return maxFps_; }
    /// VTK frames rendered so far (tests count them: none while hidden or without a request).
    int renderCount() const { return renderCount_; }
    /// True once VTK initialised on this widget's GL context without errors.
    bool vtkReady() const { return vtkReady_; }
    /// Why VTK could not initialise ("" when it did or has not tried yet).
    QString vtkError() const { return vtkError_; }
    /// Draws a frame now and returns it (tests, screenshots); null when VTK cannot render.
    QImage grabFramebuffer();
    /// Wall time of the last frame (VTK render + read-back), milliseconds.
    double lastFrameMs() const { return lastFrameMs_; }

signals:
    /// After each VTK frame; ms is the time spent rendering it.
    void frameRendered(double ms);

protected:
    /// Called right before each VTK frame with the GL context current: subclasses bring their
    /// VTK data up to date here, so that data arriving faster than frames is prepared once per frame.
    virtual void prepareFrame() {}

    void paintEvent(QPaintEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;

    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void enterEvent(QEnterEvent* e) override;
    void leaveEvent(QEvent* e) override;
    void showEvent(QShowEvent* e) override;

private:
    void onMakeCurrent(vtkObject* caller, unsigned long event, void* callData);
    void onIsCurrent(vtkObject* caller, unsigned long event, void* callData);
    void onRenderRequest(vtkObject* caller, unsigned long event, void* callData);
    void onVtkError(vtkObject* caller, unsigned long event, void* callData);
    void releaseGraphics();
    bool initialiseGraphics();  ///< creates the context and initialises VTK on it, once
    void renderFrame();         ///< VTK frame into frame_
    void setEventInfo(const QPointF& pos, Qt::KeyboardModifiers mods, bool repeat = false);
    void scheduleFrame(double minIntervalMs);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
    vtkSmartPointer<vtkRenderer> renderer_;
    std::unique_ptr<QOpenGLContext> context_;
    std::unique_ptr<QOffscreenSurface> surface_;
    std::unique_ptr<QOpenGLFramebufferObject> fbo_;
    QImage frame_;  ///< the last frame drawn, device pixels
    bool triedInit_ = false;
    bool vtkReady_ = false;
    bool initialising_ = false;
    QString vtkError_;
    double lastFrameMs_ = 0.0;
    double maxFps_ = 10.0;
    int renderCount_ = 0;
    bool dirty_ = false;     ///< a frame was requested and not drawn yet
    QTimer* frameTimer_;     ///< fires when the frame-rate cap lets the pending frame be drawn
    QElapsedTimer sinceFrame_;  ///< since the last frame was drawn
};

}  // namespace ganglion
