// Every dock view, from the one list in views/view_list.h.
#pragma once

#include <QString>
#include <QWidget>

#include <vector>

namespace ganglion {

class Session;

struct ViewInfo {
    QString title;
    Qt::DockWidgetArea area;
    QWidget* (*create)(Session* session, QWidget* parent);
};

const std::vector<ViewInfo>& allViews();

}  // namespace ganglion
