#include "app/example_gallery.h"

#include "core/graph/json_io.h"

#include <QFileInfo>
#include <QObject>

#include <algorithm>
#include <climits>

namespace ganglion {

namespace {
/// Sort key within a family: starter, intermediate, advanced, then undeclared levels.
int levelRank(const QString& level) {
    const int r = galleryLevelRank(level.toStdString());
    return r < 0 ? 3 : r;
}
}  // namespace

std::vector<ExampleFamily> exampleGallery(const QStringList& files) {
    const QString other = QObject::tr("Other");
    std::vector<ExampleFamily> families;
    for (const QString& path : files) {
        ExampleEntry e;
        e.path = path;
        e.title = QFileInfo(path).completeBaseName();
        e.order = INT_MAX;  // undeclared: after every declared example
        QString family = other;
        try {
            const GraphSettings s = loadGraphFile(path.toStdString()).settings();
            if (!s.title.empty()) e.title = QString::fromStdString(s.title);
            e.description = QString::fromStdString(s.description);
            e.level = QString::fromStdString(s.level);
            if (!s.family.empty()) {
                family = QString::fromStdString(s.family);
                e.order = s.order;
            }
        } catch (const std::exception& ex) {
            e.error = QString::fromUtf8(ex.what());
        }
        auto it = std::find_if(families.begin(), families.end(), [&](const ExampleFamily& f) { return f.name == family; });
        if (it == families.end()) it = families.insert(families.end(), ExampleFamily{family, {}});
        it->examples.push_back(e);
    }
    for (auto& f : families)
        std::stable_sort(f.examples.begin(), f.examples.end(), [](const ExampleEntry& a, const ExampleEntry& b) {
            const int ra = levelRank(a.level), rb = levelRank(b.level);
            return ra != rb ? ra < rb : a.order != b.order ? a.order < b.order : a.title < b.title;
        });
    auto lowest = [](const ExampleFamily& f) {
        int o = INT_MAX;
        for (const auto& e : f.examples) o = std::min(o, e.order);
        return o;
    };
    std::stable_sort(families.begin(), families.end(), [&](const ExampleFamily& a, const ExampleFamily& b) {
        const int la = lowest(a), lb = lowest(b);
        return la != lb ? la < lb : a.name < b.name;
    });
    return families;
}

}  // namespace ganglion
