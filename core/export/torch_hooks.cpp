#include "core/export/torch_hooks.h"

#include <cstdio>

namespace ganglion::torch {

TorchTensor tensor(std::string name, const Matrix& value, std::vector<std::size_t> shape, bool trainable) {
    return TorchTensor{std::move(name), value, std::move(shape), trainable};
}

TorchTensor matrix(std::string name, const Matrix& value, bool trainable) {
    return tensor(std::move(name), value, {std::size_t(value.rows()), std::size_t(value.cols())}, trainable);
}

TorchTensor vector(std::string name, const Matrix& column, bool trainable) {
    return tensor(std::move(name), column, {std::size_t(column.size())}, trainable);
}

std::string npzLoader(bool labels) {
    std::string s =
        "def load_data(here):\n"
        "    d = np.load(os.path.join(here, 'data.npz'))\n"
        "    xs = [d['train_x'].astype(np.float32), d['test_x'].astype(np.float32)]\n";
    s += labels ? "    ys = [d['train_y'].reshape(-1).astype(np.int64), d['test_y'].reshape(-1).astype(np.int64)]\n"
                : "    ys = [d['train_y'].astype(np.float32), d['test_y'].astype(np.float32)]\n";
    s += "    return xs[0], ys[0], xs[1], ys[1]\n";
    return s;
}

std::string pyString(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\\' || c == '\'') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "'";
}

std::string pyFloat(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace ganglion::torch
