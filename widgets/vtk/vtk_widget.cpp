#include "widgets/vtk/vtk_widget.h"

#include <QElapsedTimer>
#include <QEnterEvent>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QOpenGLFunctions>
#include <QPainter>
#include <QSurfaceFormat>
#include <QTimer>
#include <QWheelEvent>

#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

#include <algorithm>
#include <cmath>

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

namespace {
constexpr double kInteractiveFps = 30.0;  // camera moves by the mouse
}

VtkWidget::VtkWidget(QWidget* parent) : QWidget(parent), frameTimer_(new QTimer(this)) {
    frameTimer_->setSingleShot(true);
    connect(frameTimer_, &QTimer::timeout, this, [this] {
        if (dirty_ && isVisible()) update();
    });
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(64, 64);
    setAttribute(Qt::WA_OpaquePaintEvent);  // every pixel is the frame's

    window_ = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    window_->SetReadyForRendering(false);
    window_->SetFrameBlitModeToNoBlit();
    window_->SetUseOffScreenBuffers(false);
    window_->SetMultiSamples(0);
    window_->AddObserver(vtkCommand::WindowMakeCurrentEvent, this, &VtkWidget::onMakeCurrent);
    window_->AddObserver(vtkCommand::WindowIsCurrentEvent, this, &VtkWidget::onIsCurrent);
    // Frames are blitted in renderFrame; nothing to swap when VTK finishes one.
    window_->AddObserver(vtkCommand::ErrorEvent, this, &VtkWidget::onVtkError);

    renderer_ = vtkSmartPointer<vtkRenderer>::New();
    renderer_->SetBackground(0.08, 0.09, 0.11);
    window_->AddRenderer(renderer_);

    interactor_ = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    interactor_->SetRenderWindow(window_);
    interactor_->EnableRenderOff();  // renders are requested through RenderEvent -> scheduleFrame
    auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
    interactor_->SetInteractorStyle(style);
    interactor_->AddObserver(vtkCommand::RenderEvent, this, &VtkWidget::onRenderRequest);
    interactor_->Enable();
}

VtkWidget::~VtkWidget() {
    if (context_ && surface_ && context_->makeCurrent(surface_.get())) {
        fbo_.reset();
        releaseGraphics();
        context_->doneCurrent();
    }
    window_->RemoveAllObservers();
    interactor_->RemoveAllObservers();
}

vtkRenderer* VtkWidget::renderer() const { return renderer_; }
vtkGenericOpenGLRenderWindow* VtkWidget::renderWindow() const { return window_; }

void VtkWidget::resetCamera() {
    renderer_->ResetCamera();
    requestRender();
}

void VtkWidget::setMaxFramesPerSecond(double fps) { maxFps_ = std::clamp(fps, 0.5, 120.0); }

void VtkWidget::requestRender() { scheduleFrame(1000.0 / maxFps_); }

void VtkWidget::scheduleFrame(double minIntervalMs) {
    dirty_ = true;
    if (!isVisible()) return;  // drawn when shown
    const double since = sinceFrame_.isValid() ? double(sinceFrame_.nsecsElapsed()) / 1e6 : 1e9;
    const int wait = int(std::ceil(std::max(0.0, minIntervalMs - since)));
    // An earlier request may already wait longer than a camera move needs to.
    if (frameTimer_->isActive() && frameTimer_->remainingTime() <= wait) return;
    frameTimer_->start(wait);
}

void VtkWidget::showEvent(QShowEvent* e) {
    QWidget::showEvent(e);
    if (dirty_) scheduleFrame(1000.0 / maxFps_);
}

void VtkWidget::onMakeCurrent(vtkObject*, unsigned long, void*) {
    if (!context_ || !surface_) return;
    if (QOpenGLContext::currentContext() != context_.get()) context_->makeCurrent(surface_.get());
}

void VtkWidget::onIsCurrent(vtkObject*, unsigned long, void* callData) {
    auto* flag = static_cast<bool*>(callData);
    *flag = context_ && QOpenGLContext::currentContext() == context_.get();
}

void VtkWidget::onRenderRequest(vtkObject*, unsigned long, void*) { scheduleFrame(1000.0 / kInteractiveFps); }

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

bool VtkWidget::initialiseGraphics() {
    if (triedInit_) return vtkReady_;
    triedInit_ = true;
    context_ = std::make_unique<QOpenGLContext>();
    context_->setFormat(QSurfaceFormat::defaultFormat());
    if (!context_->create()) {
        vtkError_ = QStringLiteral("could not create an OpenGL context");
        qWarning("VtkWidget: %s", qPrintable(vtkError_));
        return false;
    }
    surface_ = std::make_unique<QOffscreenSurface>();
    surface_->setFormat(context_->format());
    surface_->create();
    if (!context_->makeCurrent(surface_.get())) {
        vtkError_ = QStringLiteral("could not make an OpenGL context current");
        qWarning("VtkWidget: %s", qPrintable(vtkError_));
        return false;
    }
    const auto v = context_->format().version();
    if (v < qMakePair(3, 2)) {
        vtkError_ = QStringLiteral("OpenGL %1.%2 context; VTK needs 3.2 or later")
                        .arg(v.first)
                        .arg(v.second);
        qWarning("VtkWidget: %s", qPrintable(vtkError_));
        return false;
    }
    initialising_ = true;
    vtkError_.clear();
    if (auto* state = window_->GetState()) state->Reset();
    window_->SetOwnContext(0);
    window_->OpenGLInitContext();
    initialising_ = false;
    vtkReady_ = vtkError_.isEmpty();
    return vtkReady_;
}

void VtkWidget::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    const qreal dpr = devicePixelRatioF();
    interactor_->UpdateSize(int(width() * dpr), int(height() * dpr));
    dirty_ = true;  // repainted by Qt right after a resize
}

void VtkWidget::renderFrame() {
    const qreal dpr = devicePixelRatioF();
    const int w = std::max(1, int(width() * dpr)), h = std::max(1, int(height() * dpr));
    if (!initialiseGraphics()) {
        frame_ = QImage(w, h, QImage::Format_RGB32);
        frame_.fill(qRgb(77, 13, 13));  // dark red: no 3D here (vtkError says why)
        return;
    }
    QElapsedTimer timer;
    timer.start();
    context_->makeCurrent(surface_.get());
    if (!fbo_ || fbo_->size() != QSize(w, h)) fbo_ = std::make_unique<QOpenGLFramebufferObject>(w, h);
    if (window_->GetSize()[0] != w || window_->GetSize()[1] != h) interactor_->UpdateSize(w, h);
    prepareFrame();

    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    window_->SetReadyForRendering(true);
    window_->Render();
    window_->SetReadyForRendering(false);
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo_->handle());
    window_->BlitDisplayFramebuffer(0, 0, 0, w, h, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    state->Pop();

    // Force opaque alpha: VTK clears with alpha 0, which would make the frame see-through.
    auto* f = context_->functions();
    fbo_->bind();
    GLboolean mask[4];
    GLfloat clear[4];
    f->glGetBooleanv(GL_COLOR_WRITEMASK, mask);
    f->glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
    f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    f->glClearColor(0.f, 0.f, 0.f, 1.f);
    f->glClear(GL_COLOR_BUFFER_BIT);
    f->glColorMask(mask[0], mask[1], mask[2], mask[3]);
    f->glClearColor(clear[0], clear[1], clear[2], clear[3]);
    frame_ = fbo_->toImage().convertToFormat(QImage::Format_RGB32);  // flipped to top-down rows
    fbo_->release();
    frame_.setDevicePixelRatio(dpr);

    dirty_ = false;
    ++renderCount_;
    sinceFrame_.start();
    lastFrameMs_ = timer.nsecsElapsed() / 1e6;
    emit frameRendered(lastFrameMs_);
}

void VtkWidget::paintEvent(QPaintEvent*) {
    const qreal dpr = devicePixelRatioF();
    const QSize want(std::max(1, int(width() * dpr)), std::max(1, int(height() * dpr)));
    // Draw a frame only when asked for one (data or camera changed) or the size changed; other
    // repaints (exposure, a neighbour's update) show the last frame as it is.
    if (dirty_ || frame_.isNull() || frame_.size() != want) renderFrame();
    QPainter p(this);
    p.drawImage(rect(), frame_);
}

QImage VtkWidget::grabFramebuffer() {
    renderFrame();
    return vtkReady_ ? frame_ : QImage();
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
    QWidget::keyPressEvent(e);
}

void VtkWidget::enterEvent(QEnterEvent* e) {
    setEventInfo(e->position(), QGuiApplication::keyboardModifiers());
    interactor_->InvokeEvent(vtkCommand::EnterEvent, e);
}

void VtkWidget::leaveEvent(QEvent* e) {
    interactor_->InvokeEvent(vtkCommand::LeaveEvent, e);
}

}  // namespace ganglion
