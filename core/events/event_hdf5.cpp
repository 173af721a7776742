// Event HDF5 through the HDF5 C API: the parsing half runs only inside ganglion-h5-reader (see
// event_hdf5.h); the writer runs in-process.
#include "core/events/event_hdf5.h"

#include "core/io/hdf5_handle.h"

#include <algorithm>

namespace ganglion::events {

namespace {

using H = io::H5Handle;

constexpr const char* kFields[] = {"x", "y", "t", "p"};
/// Largest request the helper serves in one reply (bounds its memory).
constexpr std::uint64_t kMaxRead = std::uint64_t(1) << 22;

std::string datasetName(const char* name) { return std::string("events/") + name; }

struct File {
    explicit File(const std::string& path) : path(path), id(-1, H5Fclose) {
        io::silenceHdf5();
        id.id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        if (!id.ok()) throw Hdf5Error(path + ": not an HDF5 file (or it cannot be read)");
    }
    std::string path;
    H id;
};

/// Opens a 1-D integer dataset, checking its type and rank; returns its length in *n.
hid_t openIntegerDataset(const File& f, const std::string& name, std::uint64_t* n) {
    // (Callers check the group of an "events/..." name first: H5Lexists needs it to exist.)
    if (H5Lexists(f.id, name.c_str(), H5P_DEFAULT) <= 0)
        throw Hdf5Error(f.path + ": dataset '" + name + "' is missing");
    H d(H5Dopen2(f.id, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.ok()) throw Hdf5Error(f.path + ": '" + name + "' is not a dataset");
    H type(H5Dget_type(d), H5Tclose);
    if (H5Tget_class(type) != H5T_INTEGER)
        throw Hdf5Error(f.path + ": dataset '" + name + "' does not hold integers");
    H space(H5Dget_space(d), H5Sclose);
    if (H5Sget_simple_extent_ndims(space) != 1)
        throw Hdf5Error(f.path + ": dataset '" + name + "' is not one-dimensional");
    hsize_t dim = 0;
    H5Sget_simple_extent_dims(space, &dim, nullptr);
    *n = dim;
    const hid_t id = d.id;
    d.id = -1;  // ownership to the caller
    return id;
}

/// Reads elements [start, start + n) of a 1-D integer dataset as int64.
std::vector<std::int64_t> readRange(hid_t d, const std::string& what, std::uint64_t start, std::uint64_t n) {
    std::vector<std::int64_t> out(static_cast<std::size_t>(n));
    if (n == 0) return out;
    H space(H5Dget_space(d), H5Sclose);
    const hsize_t off = start, cnt = n;
    H mem(H5Screate_simple(1, &cnt, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, &off, nullptr, &cnt, nullptr) < 0 ||
        H5Dread(d, H5T_NATIVE_INT64, mem, space, H5P_DEFAULT, out.data()) < 0)
        throw Hdf5Error(what + ": cannot read elements " + std::to_string(start) + ".." + std::to_string(start + n));
    return out;
}

std::int64_t readOne(hid_t d, const std::string& what, std::uint64_t i) { return readRange(d, what, i, 1)[0]; }

/// An integer attribute `name` on `loc` (false when absent or not an integer scalar).
bool intAttribute(hid_t loc, const char* name, std::int64_t* v) {
    if (H5Aexists(loc, name) <= 0) return false;
    H a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
    if (!a.ok()) return false;
    H type(H5Aget_type(a), H5Tclose);
    H space(H5Aget_space(a), H5Sclose);
    if (H5Tget_class(type) != H5T_INTEGER || H5Sget_simple_extent_npoints(space) != 1) return false;
    return H5Aread(a, H5T_NATIVE_INT64, v) >= 0;
}

/// The four event datasets, opened and checked for equal length.
struct Datasets {
    explicit Datasets(const File& f) : file(f) {
        if (H5Lexists(f.id, "events", H5P_DEFAULT) <= 0) throw Hdf5Error(f.path + ": group 'events' is missing");
        std::uint64_t n[4];
        for (int i = 0; i < 4; ++i) ids[i] = openIntegerDataset(f, datasetName(kFields[i]), &n[i]);
        for (int i = 1; i < 4; ++i)
            if (n[i] != n[0])
                throw Hdf5Error(f.path + ": dataset '" + datasetName(kFields[i]) + "' has " + std::to_string(n[i]) +
                                " elements but 'events/x' has " + std::to_string(n[0]));
        count = n[0];
    }
    ~Datasets() {
        for (hid_t id : ids)
            if (id >= 0) H5Dclose(id);
    }
    Datasets(const Datasets&) = delete;
    Datasets& operator=(const Datasets&) = delete;
    hid_t t() const { return ids[2]; }
    const File& file;
    hid_t ids[4] = {-1, -1, -1, -1};
    std::uint64_t count = 0;
};

/// ms_to_idx at the root or in `events`, or "" when the file has none (after Datasets checked
/// that `events` exists).
std::string msIndexName(const File& f) {
    for (const char* name : {"ms_to_idx", "events/ms_to_idx"})
        if (H5Lexists(f.id, name, H5P_DEFAULT) > 0) return name;
    return {};
}

void checkCoordinate(const std::string& path, const char* field, std::uint64_t i, std::int64_t v) {
    if (v < 0 || v > 65535)
        throw Hdf5Error(path + ": dataset '" + datasetName(field) + "' element " + std::to_string(i) + " is " +
                        std::to_string(v) + " (coordinates must lie in 0..65535)");
}

}  // namespace

namespace h5events {

Info info(const std::string& path) {
    File f(path);
    Datasets ds(f);
    Info i;
    i.count = ds.count;
    const std::string ms = msIndexName(f);
    if (!ms.empty()) {
        std::uint64_t n = 0;
        H d(openIntegerDataset(f, ms, &n), H5Dclose);
        i.msIndex = true;
    }
    if (i.count > 0) {
        const std::string what = path + ": dataset 'events/t'";
        i.tFirst = readOne(ds.t(), what, 0);
        i.tLast = readOne(ds.t(), what, i.count - 1);
        if (i.tLast < i.tFirst)
            throw Hdf5Error(path + ": dataset 'events/t' is not sorted (its last time " + std::to_string(i.tLast) +
                            " precedes its first " + std::to_string(i.tFirst) + ")");
    }
    std::int64_t w = 0, h = 0;
    for (const char* loc : {"events", "/"}) {
        H g(H5Oopen(f.id, loc, H5P_DEFAULT), H5Oclose);
        if (g.ok() && intAttribute(g, "width", &w) && intAttribute(g, "height", &h) && w > 0 && h > 0 && w <= 65536 &&
            h <= 65536) {
            i.width = std::int32_t(w);
            i.height = std::int32_t(h);
            break;
        }
    }
    return i;
}

std::vector<Event> read(const std::string& path, std::uint64_t start, std::uint64_t n) {
    File f(path);
    Datasets ds(f);
    if (start >= ds.count) return {};
    n = std::min({n, ds.count - start, kMaxRead});
    std::vector<std::int64_t> v[4];
    for (int k = 0; k < 4; ++k) v[k] = readRange(ds.ids[k], path + ": dataset '" + datasetName(kFields[k]) + "'", start, n);
    std::int64_t prev = start > 0 ? readOne(ds.t(), path + ": dataset 'events/t'", start - 1) : INT64_MIN;
    std::vector<Event> out(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::int64_t t = v[2][i];
        if (t < prev)
            throw Hdf5Error(path + ": dataset 'events/t' decreases at element " + std::to_string(start + i) + " (" +
                            std::to_string(t) + " after " + std::to_string(prev) + ")");
        prev = t;
        checkCoordinate(path, "x", start + i, v[0][i]);
        checkCoordinate(path, "y", start + i, v[1][i]);
        out[i] = Event{t, std::uint16_t(v[0][i]), std::uint16_t(v[1][i]), std::uint8_t(v[3][i] > 0 ? 1 : 0)};
    }
    return out;
}

std::uint64_t seek(const std::string& path, std::int64_t t) {
    File f(path);
    Datasets ds(f);
    const std::string what = path + ": dataset 'events/t'";
    std::uint64_t lo = 0, hi = ds.count;  // answer in [lo, hi]
    const std::string ms = msIndexName(f);
    if (!ms.empty() && t > 0) {
        std::uint64_t n = 0;
        H d(openIntegerDataset(f, ms, &n), H5Dclose);
        const std::uint64_t k = std::uint64_t(t / 1000);
        if (k < n) {
            // Trust the entry only when it is consistent with events/t; else fall back to search.
            const std::int64_t idx = readOne(d, path + ": dataset '" + ms + "'", k);
            if (idx >= 0 && std::uint64_t(idx) <= ds.count &&
                (idx == 0 || readOne(ds.t(), what, std::uint64_t(idx) - 1) < std::int64_t(k) * 1000))
                lo = std::uint64_t(idx);
        }
    }
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        if (readOne(ds.t(), what, mid) < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

}  // namespace h5events

bool writeHdf5Events(const std::string& path, const EventPacket& packet, bool msIndex, std::string* error) {
    auto fail = [&](const std::string& m) {
        if (error) *error = path + ": " + m;
        return false;
    };
    io::silenceHdf5();
    for (std::size_t i = 1; i < packet.events.size(); ++i)
        if (packet.events[i].t < packet.events[i - 1].t) return fail("events are not sorted by time at event " + std::to_string(i));
    H file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) return fail("cannot create the file");
    H group(H5Gcreate2(file, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!group.ok()) return fail("cannot create group 'events'");
    const std::size_t n = packet.events.size();
    auto column = [&](const char* name, hid_t fileType, auto get) {
        std::vector<std::int64_t> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = std::int64_t(get(packet.events[i]));
        const hsize_t dim = n;
        H space(H5Screate_simple(1, &dim, nullptr), H5Sclose);
        H d(H5Dcreate2(group, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
        return d.ok() && (n == 0 || H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
    };
    if (!column("x", H5T_STD_U16LE, [](const Event& e) { return e.x; }) ||
        !column("y", H5T_STD_U16LE, [](const Event& e) { return e.y; }) ||
        !column("t", H5T_STD_I64LE, [](const Event& e) { return e.t; }) ||
        !column("p", H5T_STD_U8LE, [](const Event& e) { return e.p; }))
        return fail("cannot write the event datasets");
    for (const auto& [name, value] : {std::pair{"width", packet.width}, std::pair{"height", packet.height}}) {
        H space(H5Screate(H5S_SCALAR), H5Sclose);
        H a(H5Acreate2(group, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        const std::int32_t v = value;
        if (!a.ok() || H5Awrite(a, H5T_NATIVE_INT32, &v) < 0) return fail(std::string("cannot write attribute ") + name);
    }
    if (msIndex && n > 0 && packet.events.back().t >= 0) {
        std::vector<std::int64_t> idx(std::size_t(packet.events.back().t / 1000 + 1));
        std::size_t e = 0;
        for (std::size_t k = 0; k < idx.size(); ++k) {
            while (e < n && packet.events[e].t < std::int64_t(k) * 1000) ++e;
            idx[k] = std::int64_t(e);
        }
        const hsize_t dim = idx.size();
        H space(H5Screate_simple(1, &dim, nullptr), H5Sclose);
        H d(H5Dcreate2(file, "ms_to_idx", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
        if (!d.ok() || H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, idx.data()) < 0)
            return fail("cannot write 'ms_to_idx'");
    }
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) return fail("cannot write the file");
    return true;
}

}  // namespace ganglion::events
