#include "views/view_registry.h"

namespace ganglion {

#define GANGLION_VIEW(fn, title, area) QWidget* fn(Session*, QWidget*);
#include "views/view_list.h"
#undef GANGLION_VIEW

const std::vector<ViewInfo>& allViews() {
    static const std::vector<ViewInfo> views = {
#define GANGLION_VIEW(fn, title, area) ViewInfo{QStringLiteral(title), area, &fn},
#include "views/view_list.h"
#undef GANGLION_VIEW
    };
    return views;
}

}  // namespace ganglion
