// The one list of dock views: one line per view, naming a factory
//   QWidget* fn(ganglion::Session* session, QWidget* parent)
// defined in the view's own .cpp (namespace ganglion), the dock title, and its default area
// (Qt::LeftDockWidgetArea, Qt::RightDockWidgetArea, Qt::BottomDockWidgetArea).
// No include guard: included with different macro definitions by views/view_registry.cpp.
GANGLION_VIEW(makeCurvesView, "Training curves", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeBoundaryView, "Decision boundary", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeWormView, "Worm swimmer", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeConnectomeView, "Connectome", Qt::BottomDockWidgetArea)
GANGLION_VIEW(makeSpikingView, "Spikes", Qt::BottomDockWidgetArea)
GANGLION_VIEW(makeEventsView, "Event camera", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeImageBatchView, "Image batch", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeG2GConnectivityView, "G2G connectivity", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeSparsityView, "Sparsity dashboard", Qt::BottomDockWidgetArea)
GANGLION_VIEW(makeKanView, "KAN splines", Qt::RightDockWidgetArea)
GANGLION_VIEW(makePatternView, "Patterns", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeEIBalanceView, "E/I balance", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeTimeConstantsView, "Time constants", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeActivityView, "Activity through time", Qt::BottomDockWidgetArea)
GANGLION_VIEW(makeContinualView, "Continual learning", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeConvergentView, "Convergent learning", Qt::RightDockWidgetArea)
GANGLION_VIEW(makeWeightDistributionView, "Weight distribution", Qt::BottomDockWidgetArea)
GANGLION_VIEW(makeXYCurvesView, "X-Y curves", Qt::RightDockWidgetArea)
