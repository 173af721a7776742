// The bundled examples as File ▸ Examples lists them: grouped by the family each example file
// declares ("settings.family"), starter first within a family ("settings.level"), families in the
// order of their lowest "settings.order". Nothing here is a hand-kept list: a new example file
// places itself.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace ganglion {

struct ExampleEntry {
    QString path;
    QString title;        ///< settings.title, or the file name when it has none
    QString description;
    QString level;        ///< "starter", "intermediate", "advanced" or ""
    int order = 0;
    QString error;        ///< why the file could not be read ("" when it could)
};

struct ExampleFamily {
    QString name;  ///< settings.family; examples that declare none are under "Other"
    std::vector<ExampleEntry> examples;
};

/// Reads every file (unreadable ones are listed under "Other" with their error) and groups them.
std::vector<ExampleFamily> exampleGallery(const QStringList& files);

}  // namespace ganglion
