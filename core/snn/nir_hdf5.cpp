// NIR HDF5 read/write through the HDF5 C API (layout in nir.h).
#include "core/snn/nir.h"

#include "core/io/hdf5_handle.h"
#include "core/snn/nir_tensor_ops.h"

#include <memory>

namespace ganglion::nir {

namespace {

using H = io::H5Handle;
using io::silenceHdf5;

hid_t vlenString() {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

void writeString(hid_t loc, const char* name, const std::string& s) {
    H type(vlenString(), H5Tclose);
    H space(H5Screate(H5S_SCALAR), H5Sclose);
    H d(H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    const char* p = s.c_str();
    if (!d.ok() || H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
        throw NirError(std::string("NIR: cannot write '") + name + "'");
}

void writeArray(hid_t loc, const std::string& name, const Array& a) {
    std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
    H space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
    // float32 like NIR's own writers, unless that would lose precision (then float64).
    bool f32 = true;
    for (double v : a.data) f32 = f32 && double(float(v)) == v;
    const hid_t ftype = a.integer ? H5T_STD_I64LE : f32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    H d(H5Dcreate2(loc, name.c_str(), ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    // Values are written from double; HDF5 converts to the file type.
    if (!d.ok() || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data()) < 0)
        throw NirError("NIR: cannot write parameter '" + name + "'");
}

// Sanity bounds on what one dataset may declare, checked before HDF5 allocates anything for it.
constexpr hssize_t kMaxStrings = 1 << 20;
constexpr std::size_t kMaxFixedString = 1 << 16;
constexpr hssize_t kMaxArrayElements = hssize_t(1) << 27;  // 1 GiB of doubles

/// Frees the strings HDF5 allocated into a variable-length read buffer, also when the read
/// failed half-way (unset entries stay null and are skipped).
struct VlenReclaim {
    hid_t type, space;
    std::vector<char*>& buf;
    ~VlenReclaim() { H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf.data()); }
};

std::vector<std::string> readStrings(hid_t d, const std::string& what) {
    H ftype(H5Dget_type(d), H5Tclose);
    if (H5Tget_class(ftype) != H5T_STRING) throw NirError(what + " is not a string");
    H space(H5Dget_space(d), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    std::vector<std::string> out;
    if (n <= 0) return out;
    if (n > kMaxStrings) throw NirError(what + " declares " + std::to_string(n) + " strings");
    if (H5Tis_variable_str(ftype) > 0) {
        H mtype(vlenString(), H5Tclose);
        std::vector<char*> buf(std::size_t(n), nullptr);
        VlenReclaim reclaim{mtype, space, buf};
        if (H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) throw NirError("cannot read " + what);
        for (char* s : buf) out.emplace_back(s ? s : "");
    } else {
        const std::size_t len = H5Tget_size(ftype);
        if (len == 0 || len > kMaxFixedString) throw NirError(what + " has an invalid string size " + std::to_string(len));
        H mtype(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mtype, len);
        std::vector<char> buf(len * std::size_t(n));
        if (H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) throw NirError("cannot read " + what);
        for (hssize_t i = 0; i < n; ++i) {
            std::string s(buf.data() + std::size_t(i) * len, len);
            s.erase(s.find_last_not_of('\0') + 1);
            out.push_back(s);
        }
    }
    return out;
}

std::string readString(hid_t loc, const char* name, const std::string& what) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) throw NirError("missing " + what);
    H d(H5Dopen2(loc, name, H5P_DEFAULT), H5Dclose);
    if (!d.ok()) throw NirError(what + " is not a dataset");
    auto v = readStrings(d, what);
    if (v.size() != 1) throw NirError(what + " must be a single string");
    return v[0];
}

Array readArray(hid_t d, const std::string& what) {
    H ftype(H5Dget_type(d), H5Tclose);
    const H5T_class_t cls = H5Tget_class(ftype);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw NirError(what + " is not numeric");
    H space(H5Dget_space(d), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(std::size_t(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    Array a;
    a.integer = cls == H5T_INTEGER;
    a.shape.assign(dims.begin(), dims.end());
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (rank < 0 || n < 0) throw NirError(what + " has an unreadable shape");
    if (n > kMaxArrayElements) throw NirError(what + " declares " + std::to_string(n) + " elements");
    a.data.resize(std::size_t(n));
    if (!a.data.empty() && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data()) < 0)
        throw NirError("cannot read " + what);
    return a;
}

std::vector<std::string> members(hid_t group) {
    std::vector<std::string> names;
    H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
                [](hid_t, const char* name, const H5L_info_t*, void* op) -> herr_t {
                    static_cast<std::vector<std::string>*>(op)->push_back(name);
                    return 0;
                },
                &names);
    return names;
}

bool isGroup(hid_t loc, const std::string& name) {
    H5O_info_t info;
    if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return false;
    return info.type == H5O_TYPE_GROUP;
}

Graph readGraph(hid_t node, const std::string& prefix, int depth);

Node readNode(hid_t grp, const std::string& path, int depth) {
    Node n;
    n.type = readString(grp, "type", "type of NIR node '" + path + "'");
    if (n.type == "Integrator") n.type = "I";
    if (n.type == "NIRGraph") {
        if (depth >= kMaxDepth) throw NirError("NIR subgraph '" + path + "' is nested more than " + std::to_string(kMaxDepth) + " deep");
        n.subgraph.push_back(readGraph(grp, path + ".", depth + 1));
        return n;
    }
    std::string padding;
    for (const auto& m : members(grp)) {
        if (m == "type" || m == "metadata") continue;
        if (isGroup(grp, m)) {
            // Newer writers store input_type/output_type as {"input": shape} groups.
            H sub(H5Gopen2(grp, m.c_str(), H5P_DEFAULT), H5Gclose);
            for (const auto& k : members(sub)) {
                if (isGroup(sub, k)) continue;
                H d(H5Dopen2(sub, k.c_str(), H5P_DEFAULT), H5Dclose);
                H t(H5Dget_type(d), H5Tclose);
                if (H5Tget_class(t) == H5T_STRING) continue;
                if (m == "input_type" || m == "output_type") n.params[m] = readArray(d, "'" + m + "/" + k + "' of NIR node '" + path + "'");
            }
            continue;
        }
        H d(H5Dopen2(grp, m.c_str(), H5P_DEFAULT), H5Dclose);
        H t(H5Dget_type(d), H5Tclose);
        if (H5Tget_class(t) == H5T_STRING) {
            // Convolution padding may be "same" or "valid"; other strings are descriptive.
            if (m == "padding" && detail::isConv(n.type)) padding = readString(grp, "padding", "padding of NIR node '" + path + "'");
            continue;
        }
        n.params[m] = readArray(d, "parameter '" + m + "' of NIR node '" + path + "'");
    }
    if (!padding.empty()) {
        try {
            n.params["padding"] = detail::paddingFromString(n, padding);
        } catch (const NirError& e) {
            throw NirError("NIR node '" + path + "' (" + n.type + "): " + e.what());
        }
    }
    // Keep only what the type defines so a round trip compares equal (input/output_type of
    // non-Flatten nodes are derived from the parameters).
    if (n.type != "Flatten") {
        n.params.erase("input_type");
        n.params.erase("output_type");
    }
    return n;
}

/// A NIRGraph group (the file's /node or a subgraph node): its nodes and edges.
Graph readGraph(hid_t node, const std::string& prefix, int depth) {
    const std::string at = prefix.empty() ? "'node/" : "'" + prefix;
    if (H5Lexists(node, "nodes", H5P_DEFAULT) <= 0 || !isGroup(node, "nodes")) throw NirError("missing group " + at + "nodes'");
    Graph g;
    H nodes(H5Gopen2(node, "nodes", H5P_DEFAULT), H5Gclose);
    for (const auto& name : members(nodes)) {
        if (!isGroup(nodes, name)) throw NirError(at + "nodes/" + name + "' is not a group");
        H grp(H5Gopen2(nodes, name.c_str(), H5P_DEFAULT), H5Gclose);
        g.nodes[name] = readNode(grp, prefix + name, depth);
    }
    if (H5Lexists(node, "edges", H5P_DEFAULT) <= 0) throw NirError("missing " + at + "edges'");
    if (isGroup(node, "edges")) {
        H e(H5Gopen2(node, "edges", H5P_DEFAULT), H5Gclose);
        H src(H5Dopen2(e, "src", H5P_DEFAULT), H5Dclose), dst(H5Dopen2(e, "dst", H5P_DEFAULT), H5Dclose);
        if (!src.ok() || !dst.ok()) throw NirError(at + "edges' group needs 'src' and 'dst'");
        auto s = readStrings(src, at + "edges/src'"), t = readStrings(dst, at + "edges/dst'");
        if (s.size() != t.size()) throw NirError(at + "edges' src and dst differ in length");
        for (std::size_t i = 0; i < s.size(); ++i) g.edges.push_back({s[i], t[i]});
    } else {
        H e(H5Dopen2(node, "edges", H5P_DEFAULT), H5Dclose);
        auto flat = readStrings(e, at + "edges'");
        if (flat.size() % 2) throw NirError(at + "edges' must be N x 2 (source, target)");
        for (std::size_t i = 0; i < flat.size(); i += 2) g.edges.push_back({flat[i], flat[i + 1]});
    }
    return g;
}

void writeGraph(hid_t node, const Graph& g, const std::string& path) {
    writeString(node, "type", "NIRGraph");
    H nodes(H5Gcreate2(node, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    for (const auto& [name, n] : g.nodes) {
        H grp(H5Gcreate2(nodes, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        if (!grp.ok()) throw NirError(path + ": cannot create group for node '" + name + "'");
        if (n.type == "NIRGraph") {
            writeGraph(grp, n.subgraph.at(0), path);
            continue;
        }
        writeString(grp, "type", n.type);
        for (const auto& [pname, a] : n.params) writeArray(grp, pname, a);
    }
    hsize_t dims[2] = {hsize_t(g.edges.size()), 2};
    H type(vlenString(), H5Tclose);
    H space(H5Screate_simple(2, dims, nullptr), H5Sclose);
    H d(H5Dcreate2(node, "edges", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    std::vector<const char*> ptrs;
    for (const auto& [a, b] : g.edges) {
        ptrs.push_back(a.c_str());
        ptrs.push_back(b.c_str());
    }
    if (!d.ok() || (!ptrs.empty() && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
        throw NirError(path + ": cannot write edges");
}

}  // namespace

void write(const Graph& g, const std::string& path) {
    validate(g);
    silenceHdf5();
    H f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!f.ok()) throw NirError(path + ": cannot create file");
    writeString(f, "version", g.version);
    H node(H5Gcreate2(f, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    writeGraph(node, g, path);
}

Graph readInProcess(const std::string& path) {
    silenceHdf5();
    if (H5Fis_hdf5(path.c_str()) <= 0) throw NirError(path + ": not an HDF5 file (or unreadable)");
    // Closing the file closes every object still open in it (nothing outlives a failed read).
    H fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    H f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl), H5Fclose);
    if (!f.ok()) throw NirError(path + ": cannot open");
    try {
        Graph g;
        g.version = readString(f, "version", "'version'");
        if (H5Lexists(f, "node", H5P_DEFAULT) <= 0 || !isGroup(f, "node")) throw NirError("missing group 'node'");
        H node(H5Gopen2(f, "node", H5P_DEFAULT), H5Gclose);
        if (H5Lexists(node, "type", H5P_DEFAULT) > 0) {
            const std::string t = readString(node, "type", "'node/type'");
            if (t != "NIRGraph") throw NirError("top-level node is '" + t + "', expected 'NIRGraph'");
        }
        const std::string version = g.version;
        g = readGraph(node, "", 0);
        g.version = version;
        g.notes = repairEdgeNames(g);
        validate(g);
        return g;
    } catch (const NirError& e) {
        throw NirError(path + ": " + e.what());
    }
}

}  // namespace ganglion::nir
