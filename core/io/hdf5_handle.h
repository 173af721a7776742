// Scope guard for HDF5 C API handles (files, groups, datasets, types, spaces, attributes), shared
// by the HDF5 readers/writers (NIR, event HDF5). No Qt.
#pragma once

#include <hdf5.h>

namespace ganglion::io {

/// Closes an HDF5 handle on scope exit.
struct H5Handle {
    hid_t id = -1;
    herr_t (*close)(hid_t) = nullptr;
    H5Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    ~H5Handle() {
        if (id >= 0 && close) close(id);
    }
    operator hid_t() const { return id; }
    bool ok() const { return id >= 0; }
};

/// Turns off libhdf5's printing of error stacks (errors are reported through return values).
inline void silenceHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace ganglion::io
