#include "widgets/events/event_cloud_widget.h"

#include <QElapsedTimer>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCoordinate.h>
#include <vtkCubeAxesActor.h>
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkIdTypeArray.h>
#include <vtkOutlineSource.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <cstring>

namespace ganglion {

EventCloudWidget::EventCloudWidget(QWidget* parent) : VtkWidget(parent) {
    coords_ = vtkSmartPointer<vtkFloatArray>::New();
    coords_->SetNumberOfComponents(3);
    vtkPts_ = vtkSmartPointer<vtkPoints>::New();
    vtkPts_->SetData(coords_);
    colors_ = vtkSmartPointer<vtkUnsignedCharArray>::New();
    colors_->SetNumberOfComponents(3);
    colors_->SetName("colour");
    offsets_ = vtkSmartPointer<vtkIdTypeArray>::New();
    connectivity_ = vtkSmartPointer<vtkIdTypeArray>::New();
    verts_ = vtkSmartPointer<vtkCellArray>::New();
    poly_ = vtkSmartPointer<vtkPolyData>::New();
    poly_->SetPoints(vtkPts_);
    poly_->SetVerts(verts_);
    poly_->GetPointData()->SetScalars(colors_);

    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(poly_);
    mapper->SetColorModeToDirectScalars();
    mapper->ScalarVisibilityOn();
    cloud_ = vtkSmartPointer<vtkActor>::New();
    cloud_->SetMapper(mapper);
    cloud_->GetProperty()->SetPointSize(2.0f);
    cloud_->GetProperty()->LightingOff();
    renderer()->AddActor(cloud_);

    outline_ = vtkSmartPointer<vtkOutlineSource>::New();
    auto outlineMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    outlineMapper->SetInputConnection(outline_->GetOutputPort());
    outlineActor_ = vtkSmartPointer<vtkActor>::New();
    outlineActor_->SetMapper(outlineMapper);
    outlineActor_->GetProperty()->SetColor(0.55, 0.6, 0.7);
    outlineActor_->GetProperty()->LightingOff();
    renderer()->AddActor(outlineActor_);

    // axes with ticks and units: x, y in sensor pixels, t in ms before the newest event
    axes_ = vtkSmartPointer<vtkCubeAxesActor>::New();
    axes_->SetCamera(renderer()->GetActiveCamera());
    axes_->SetXTitle("x");
    axes_->SetXUnits("px");
    axes_->SetYTitle("y");
    axes_->SetYUnits("px");
    axes_->SetZTitle("t");
    axes_->SetZUnits("ms");
    axes_->SetFlyModeToStaticTriad();
    axes_->SetScreenSize(11.0);
    for (int i = 0; i < 3; ++i) {
        axes_->GetTitleTextProperty(i)->SetColor(0.85, 0.88, 0.95);
        axes_->GetLabelTextProperty(i)->SetColor(0.75, 0.78, 0.85);
    }
    for (vtkProperty* line : {axes_->GetXAxesLinesProperty(), axes_->GetYAxesLinesProperty(), axes_->GetZAxesLinesProperty()})
        line->SetColor(0.55, 0.6, 0.7);
    axes_->VisibilityOff();  // until there are events
    renderer()->AddActor(axes_);

    caption_ = vtkSmartPointer<vtkTextActor>::New();
    caption_->GetTextProperty()->SetFontSize(13);
    caption_->GetTextProperty()->SetColor(0.9, 0.92, 0.95);
    // top left: the axes' labels take the bottom of the view
    caption_->GetTextProperty()->SetVerticalJustificationToTop();
    caption_->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    caption_->SetPosition(0.015, 0.985);
    caption_->SetInput("no events yet");
    renderer()->AddViewProp(caption_);
    renderer()->SetBackground(0.06, 0.07, 0.09);
}

EventCloudWidget::~EventCloudWidget() = default;

void EventCloudWidget::setOptions(const CloudOptions& o) {
    opt_ = o;
    if (window_) setWindow(window_);
}

void EventCloudWidget::setPointSize(float px) {
    cloud_->GetProperty()->SetPointSize(px);
    requestRender();
}

QString EventCloudWidget::caption() const { return QString::fromStdString(pts_.description); }

void EventCloudWidget::setWindow(std::shared_ptr<const events::EventWindow> w) {
    window_ = std::move(w);
    if (!window_) return;
    windowPending_ = true;  // built at the next frame: windows arriving faster than frames cost nothing
    requestRender();
}

void EventCloudWidget::prepareFrame() {
    if (!windowPending_ || !window_) return;
    windowPending_ = false;
    QElapsedTimer timer;
    timer.start();
    builder_.build(*window_, opt_, pts_);
    upload();
    uploadMs_ = timer.nsecsElapsed() / 1e6;
}

void EventCloudWidget::setPoints(const CloudPoints& pts) {
    pts_ = pts;
    windowPending_ = false;
    upload();
}

void EventCloudWidget::upload() {
    const vtkIdType n = vtkIdType(pts_.points);
    coords_->SetNumberOfTuples(n);
    if (n) std::memcpy(coords_->GetPointer(0), pts_.xyz.data(), std::size_t(n) * 3 * sizeof(float));
    colors_->SetNumberOfTuples(n);
    if (n) std::memcpy(colors_->GetPointer(0), pts_.rgb.data(), std::size_t(n) * 3);
    // One vertex cell per point: offsets 0..n, connectivity 0..n-1 (only grown when needed).
    if (connectivity_->GetNumberOfTuples() != n) {
        offsets_->SetNumberOfTuples(n + 1);
        connectivity_->SetNumberOfTuples(n);
        vtkIdType* off = offsets_->GetPointer(0);
        vtkIdType* con = connectivity_->GetPointer(0);
        for (vtkIdType i = 0; i <= n; ++i) off[i] = i;
        for (vtkIdType i = 0; i < n; ++i) con[i] = i;
        verts_->SetData(offsets_, connectivity_);
    }
    coords_->Modified();
    colors_->Modified();
    vtkPts_->Modified();
    verts_->Modified();
    poly_->Modified();

    outline_->SetBounds(0, pts_.width, 0, pts_.height, 0, pts_.zExtent);
    axes_->SetBounds(0, pts_.width, 0, pts_.height, 0, pts_.zExtent);
    axes_->SetXAxisRange(0, pts_.width);
    axes_->SetYAxisRange(pts_.height, 0);  // the sensor's rows count downwards
    axes_->SetZAxisRange(-double(pts_.tEnd - pts_.tBegin) / 1000.0, 0);
    axes_->SetVisibility(pts_.width > 0 && pts_.height > 0);
    const std::string text = pts_.description + "\n" + "x-y: sensor " + std::to_string(pts_.width) + "x" +
                             std::to_string(pts_.height) + " px, t: " +
                             std::to_string((pts_.tEnd - pts_.tBegin) / 1000) + " ms window (t = 0: newest event)";
    caption_->SetInput(text.c_str());
    if (pts_.width != sensorW_ || pts_.height != sensorH_) {  // new sensor: frame it obliquely
        sensorW_ = pts_.width;
        sensorH_ = pts_.height;
        vtkCamera* cam = renderer()->GetActiveCamera();
        cam->SetFocalPoint(pts_.width / 2.0, pts_.height / 2.0, pts_.zExtent / 2.0);
        cam->SetPosition(-pts_.width * 0.9, pts_.height * 1.4, -pts_.zExtent * 0.6);
        cam->SetViewUp(0, 1, 0);
        renderer()->ResetCamera(0, pts_.width, 0, pts_.height, 0, pts_.zExtent);
        cam->Zoom(0.85);  // room around the box for the axes' ticks and titles
    }
    requestRender();
}

}  // namespace ganglion
