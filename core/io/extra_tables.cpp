#include "core/io/extra_tables.h"

#include "core/io/data_export.h"

#include <charconv>
#include <mutex>

namespace ganglion::io {

namespace {

struct Registry {
    std::mutex mutex;
    std::vector<ExtraTableFn> fns;
};

Registry& registry() {
    static Registry r;  // built on first use: registrations run during static initialisation
    return r;
}

/// The shortest form that reads back to the value; as a float when it is one (the engine computes
/// in float: -51.10236 rather than -51.102359771728516).
void appendNumber(std::string& out, double v) {
    char buf[32];
    const float f = float(v);
    const auto res = double(f) == v ? std::to_chars(buf, buf + sizeof buf, f) : std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

}  // namespace

bool registerExtraTable(ExtraTableFn fn) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.fns.push_back(std::move(fn));
    return true;
}

std::optional<ExtraTable> extraTable(const std::any& value) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& fn : r.fns) {
        ExtraTable t;
        if (fn(value, &t)) return t;
    }
    return std::nullopt;
}

bool hasExtraTable(const std::any& value) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& fn : r.fns)
        if (fn(value, nullptr)) return true;
    return false;
}

std::string tableCsv(const ExtraTable& t) {
    std::string out;
    for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + t.columns[c];
    out += '\n';
    for (const auto& row : t.rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c) out += ',';
            appendNumber(out, row[c]);
        }
        out += '\n';
    }
    return out;
}

std::string tableNpy(const ExtraTable& t) {
    NpyArray a;
    a.dtype = "<f8";
    a.shape = {t.rows.size(), t.columns.size()};
    a.data.reserve(t.rows.size() * t.columns.size());
    for (const auto& row : t.rows) a.data.insert(a.data.end(), row.begin(), row.end());
    return npyBytes(a);
}

}  // namespace ganglion::io
