// 3D space-time view of events: points at (x, y, t) in a VtkWidget, coloured by polarity or age,
// with the sensor's outline and a caption saying what is drawn (all events, voxels or 1-in-k).
// The number of points is bounded (CloudOptions::budget) so the view stays fluid on software
// OpenGL with millions of events in the window.
#pragma once

#include "widgets/events/event_cloud_builder.h"
#include "widgets/vtk/vtk_widget.h"

#include <memory>

class vtkActor;
class vtkCellArray;
class vtkCubeAxesActor;
class vtkIdTypeArray;
class vtkOutlineSource;
class vtkPoints;
class vtkPolyData;
class vtkTextActor;
class vtkUnsignedCharArray;
class vtkFloatArray;

namespace ganglion {

class EventCloudWidget : public VtkWidget {
    Q_OBJECT
public:
    explicit EventCloudWidget(QWidget* parent = nullptr);
    ~EventCloudWidget() override;

    void setOptions(const CloudOptions& o);
    const CloudOptions& options() const { return opt_; }
    /// Shows `w`: the point set is rebuilt from the newest window once per drawn frame (frames
    /// are rate-capped and skipped while hidden, see VtkWidget::requestRender).
    void setWindow(std::shared_ptr<const events::EventWindow> w);
    /// Points from an already built set (benchmarks, tests).
    void setPoints(const CloudPoints& pts);
    /// The points of the last drawn frame.
    const CloudPoints& points() const { return pts_; }
    /// Build + upload time of the last frame's point set, ms.
    double lastUploadMs() const { return uploadMs_; }
    QString caption() const;
    void setPointSize(float px);

protected:
    void prepareFrame() override;

private:
    void upload();

    CloudOptions opt_;
    CloudPoints pts_;
    EventCloudBuilder builder_;
    std::shared_ptr<const events::EventWindow> window_;
    bool windowPending_ = false;  ///< window_ arrived after the last built point set
    double uploadMs_ = 0.0;
    int sensorW_ = -1, sensorH_ = -1;

    vtkSmartPointer<vtkPolyData> poly_;
    vtkSmartPointer<vtkPoints> vtkPts_;
    vtkSmartPointer<vtkFloatArray> coords_;
    vtkSmartPointer<vtkUnsignedCharArray> colors_;
    vtkSmartPointer<vtkCellArray> verts_;
    vtkSmartPointer<vtkIdTypeArray> offsets_, connectivity_;
    vtkSmartPointer<vtkActor> cloud_;
    vtkSmartPointer<vtkOutlineSource> outline_;
    vtkSmartPointer<vtkActor> outlineActor_;
    vtkSmartPointer<vtkTextActor> caption_;
    vtkSmartPointer<vtkCubeAxesActor> axes_;
};

}  // namespace ganglion
