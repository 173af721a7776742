#include "widgets/vtk/vtk_widget.h"

#include <QElapsedTimer>
#include <QEnterEvent>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace ganglion {

void setDefaultVtkSurfaceFormat() {
    QSurfaceFormat fmt;
    fmt.setRenderableType(QSurfaceFormat::OpenGL);
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    fmt.setRedBufferSize(8);
    fmt.setGreenBufferSize(8);
    fmt.setBlueBufferSize(8);
    fmt.setDepthBufferSize(8);
    fmt.setAlphaBufferSize(8);
    fmt.setStencilBufferSize(0);
    fmt.setSamples(0);
    QSurfaceFormat::setDefaultFormat(fmt);
}

bool vtkOpenGLAvailable(QString* reason) {
    auto fail = [&](const QString& why) {
        if (reason) *reason = why;
        return false;
    };
    if (!qGuiApp) return fail(QStringLiteral("no QGuiApplication exists"));
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        return fail(QStringLiteral("the 'offscreen' Qt platform cannot show OpenGL widgets in "
                                   "Qt 6.4; run under a real X display (xvfb-run)"));
    QSurfaceFormat want = QSurfaceFormat::defaultFormat();
    want.setVersion(3, 2);
    want.setProfile(QSurfaceFormat::CoreProfile);
    QOpenGLContext ctx;
    ctx.setFormat(want);
    if (!ctx.create()) return fail(QStringLiteral("could not create an OpenGL context"));
    QOffscreenSurface surface;
    surface.setFormat(ctx.format());
    surface.create();
    if (!ctx.makeCurrent(&surface))
        return fail(QStringLiteral("could not make an OpenGL context current"));
    const auto v = ctx.format().version();
    ctx.doneCurrent();
    if (v < qMakePair(3, 2))
        return fail(QStringLiteral("OpenGL %1.%2 available, VTK needs 3.2 or later")
                        .arg(v.first)
                        .arg(v.second));
    if (reason) reason->clear();
    return true;
}

VtkWidget::VtkWidget(QWidget* parent) : QOpenGLWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(64, 64);

    window_ = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    window_->SetReadyForRendering(false);
    window_->SetFrameBlitModeToNoBlit();
    window_->SetUseOffScreenBuffers(false);
    window_->SetMultiSamples(0);
    window_->AddObserver(vtkCommand::WindowMakeCurrentEvent, this, &VtkWidget::onMakeCurrent);
    window_->AddObserver(vtkCommand::WindowIsCurrentEvent, this, &VtkWidget::onIsCurrent);
    // Frames are blitted in paintGL; nothing to swap when VTK finishes one.
    window_->AddObserver(vtkCommand::ErrorEvent, this, &VtkWidget::onVtkError);

    renderer_ = vtkSmartPointer<vtkRenderer>::New();
    renderer_->SetBackground(0.08, 0.09, 0.11);
    window_->AddRenderer(renderer_);

    interactor_ = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    interactor_->SetRenderWindow(window_);
    interactor_->EnableRenderOff();  // renders are requested through RenderEvent -> update()
    auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
    interactor_->SetInteractorStyle(style);
    interactor_->AddObserver(vtkCommand::RenderEvent, this, &VtkWidget::onRenderRequest);
    interactor_->Enable();
}

VtkWidget::~VtkWidget() {
    // QOpenGLWidget's destructor destroys the context after ours has run: the aboutToBeDestroyed
    // handler must not run then (it would call members of a destroyed VtkWidget). The resources
    // are released here instead.
    disconnect(contextConnection_);
    if (context()) {
        makeCurrent();
        releaseGraphics();
        doneCurrent();
    }
    window_->RemoveAllObservers();
    interactor_->RemoveAllObservers();
}

vtkRenderer* VtkWidget::renderer() const { return renderer_; }
vtkGenericOpenGLRenderWindow* VtkWidget::renderWindow() const { return window_; }

void VtkWidget::resetCamera() {
    renderer_->ResetCamera();
    update();
}

void VtkWidget::onMakeCurrent(vtkObject*, unsigned long, void*) {
    // Do not call QOpenGLWidget::makeCurrent(): it rebinds Qt's framebuffer behind VTK's state
    // cache (black frames with GL_INVALID_FRAMEBUFFER_OPERATION).
    QOpenGLContext* ctx = context();
    if (!ctx || !surface_) return;
    if (QOpenGLContext::currentContext() != ctx) ctx->makeCurrent(surface_);
}

void VtkWidget::onIsCurrent(vtkObject*, unsigned long, void* callData) {
    auto* flag = static_cast<bool*>(callData);
    *flag = context() && QOpenGLContext::currentContext() == context();
}

void VtkWidget::onRenderRequest(vtkObject*, unsigned long, void*) { update(); }

void VtkWidget::onVtkError(vtkObject*, unsigned long, void* callData) {
    const char* msg = static_cast<const char*>(callData);
    if (initialising_) vtkError_ = QString::fromUtf8(msg ? msg : "unknown VTK error");
    if (msg) qWarning("VTK: %s", msg);
}

void VtkWidget::releaseGraphics() {
    if (!vtkReady_) return;
    window_->ReleaseGraphicsResources(window_);
    window_->Finalize();
    vtkReady_ = false;
}

void VtkWidget::initializeGL() {
    surface_ = context()->surface();
    disconnect(contextConnection_);
    contextConnection_ = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        makeCurrent();
        releaseGraphics();
        doneCurrent();
    });
    const auto v = context()->format().version();
    if (v < qMakePair(3, 2)) {
        vtkError_ = QStringLiteral("OpenGL %1.%2 context; VTK needs 3.2 or later")
                        .arg(v.first)
                        .arg(v.second);
        qWarning("VtkWidget: %s", qPrintable(vtkError_));
        return;
    }
    initialising_ = true;
    vtkError_.clear();
    if (auto* state = window_->GetState()) state->Reset();
    window_->SetOwnContext(0);
    window_->OpenGLInitContext();
    initialising_ = false;
    vtkReady_ = vtkError_.isEmpty();
    const qreal dpr = devicePixelRatioF();
    interactor_->UpdateSize(int(width() * dpr), int(height() * dpr));
}

void VtkWidget::resizeGL(int w, int h) {
    const qreal dpr = devicePixelRatioF();
    interactor_->UpdateSize(int(w * dpr), int(h * dpr));
}

void VtkWidget::paintGL() {
    if (!vtkReady_) {
        auto* f = context()->functions();
        f->glClearColor(0.3f, 0.05f, 0.05f, 1.f);
        f->glClear(GL_COLOR_BUFFER_BIT);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    const qreal dpr = devicePixelRatioF();
    const int w = int(width() * dpr), h = int(height() * dpr);
    if (window_->GetSize()[0] != w || window_->GetSize()[1] != h) interactor_->UpdateSize(w, h);

    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    window_->SetReadyForRendering(true);
    window_->Render();
    window_->SetReadyForRendering(false);
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    window_->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    state->Pop();

    // Force opaque alpha: VTK clears with alpha 0, which would let the window behind show
    // through (Mesa) and makes grabbed images transparent.
    auto* f = context()->functions();
    GLboolean mask[4];
    GLfloat clear[4];
    f->glGetBooleanv(GL_COLOR_WRITEMASK, mask);
    f->glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
    f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    f->glClearColor(0.f, 0.f, 0.f, 1.f);
    f->glClear(GL_COLOR_BUFFER_BIT);
    f->glColorMask(mask[0], mask[1], mask[2], mask[3]);
    f->glClearColor(clear[0], clear[1], clear[2], clear[3]);

    lastFrameMs_ = timer.nsecsElapsed() / 1e6;
    emit frameRendered(lastFrameMs_);
}

void VtkWidget::setEventInfo(const QPointF& pos, Qt::KeyboardModifiers mods, bool repeat) {
    const qreal dpr = devicePixelRatioF();
    interactor_->SetEventInformationFlipY(int(pos.x() * dpr), int(pos.y() * dpr),
                                          (mods & Qt::ControlModifier) ? 1 : 0,
                                          (mods & Qt::ShiftModifier) ? 1 : 0, 0, repeat ? 1 : 0);
    interactor_->SetAltKey((mods & Qt::AltModifier) ? 1 : 0);
}

namespace {
unsigned long pressEvent(Qt::MouseButton b) {
    switch (b) {
    case Qt::LeftButton: return vtkCommand::LeftButtonPressEvent;
    case Qt::MiddleButton: return vtkCommand::MiddleButtonPressEvent;
    case Qt::RightButton: return vtkCommand::RightButtonPressEvent;
    default: return vtkCommand::NoEvent;
    }
}
unsigned long releaseEvent(Qt::MouseButton b) {
    switch (b) {
    case Qt::LeftButton: return vtkCommand::LeftButtonReleaseEvent;
    case Qt::MiddleButton: return vtkCommand::MiddleButtonReleaseEvent;
    case Qt::RightButton: return vtkCommand::RightButtonReleaseEvent;
    default: return vtkCommand::NoEvent;
    }
}
}  // namespace

void VtkWidget::mousePressEvent(QMouseEvent* e) {
    const unsigned long ev = pressEvent(e->button());
    if (ev == vtkCommand::NoEvent) return;
    setEventInfo(e->position(), e->modifiers());
    interactor_->InvokeEvent(ev, e);
    e->accept();
}

void VtkWidget::mouseDoubleClickEvent(QMouseEvent* e) {
    const unsigned long ev = pressEvent(e->button());
    if (ev == vtkCommand::NoEvent) return;
    setEventInfo(e->position(), e->modifiers(), true);
    interactor_->InvokeEvent(ev, e);
    e->accept();
}

void VtkWidget::mouseReleaseEvent(QMouseEvent* e) {
    const unsigned long ev = releaseEvent(e->button());
    if (ev == vtkCommand::NoEvent) return;
    setEventInfo(e->position(), e->modifiers());
    interactor_->InvokeEvent(ev, e);
    e->accept();
}

void VtkWidget::mouseMoveEvent(QMouseEvent* e) {
    setEventInfo(e->position(), e->modifiers());
    interactor_->InvokeEvent(vtkCommand::MouseMoveEvent, e);
    e->accept();
}

void VtkWidget::wheelEvent(QWheelEvent* e) {
    const int dy = e->angleDelta().y();
    if (dy == 0) return;
    setEventInfo(e->position(), e->modifiers());
    interactor_->InvokeEvent(dy > 0 ? vtkCommand::MouseWheelForwardEvent
                                    : vtkCommand::MouseWheelBackwardEvent,
                             e);
    e->accept();
}

void VtkWidget::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_R) {
        resetCamera();
        e->accept();
        return;
    }
    QOpenGLWidget::keyPressEvent(e);
}

void VtkWidget::enterEvent(QEnterEvent* e) {
    setEventInfo(e->position(), QGuiApplication::keyboardModifiers());
    interactor_->InvokeEvent(vtkCommand::EnterEvent, e);
}

void VtkWidget::leaveEvent(QEvent* e) {
    interactor_->InvokeEvent(vtkCommand::LeaveEvent, e);
}

}  // namespace ganglion
