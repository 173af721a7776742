// Windowed NIR nodes (Conv1d, Conv2d, SumPool2d, AvgPool2d) and Flatten's shape; see
// nir_tensor_ops.h. Output length per spatial dimension, as NIR and PyTorch define it:
//   out = floor((in + 2 pad - dilation (k - 1) - 1) / stride) + 1
#include "core/snn/nir_tensor_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ganglion::nir::detail {

namespace {

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

std::size_t mul(std::size_t a, std::size_t b) {  // saturating
    if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return std::numeric_limits<std::size_t>::max();
    return a * b;
}

/// A whole number in [lo, kMaxValues].
std::size_t whole(double v, std::size_t lo, const std::string& what) {
    if (!(v >= double(lo) && v <= double(kMaxValues) && v == std::floor(v)))
        throw NirError(what + " must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(kMaxValues) +
                       "], got " + num(v));
    return std::size_t(v);
}

const Array& param(const Node& n, const char* key) {
    auto it = n.params.find(key);
    if (it == n.params.end()) throw NirError(std::string("missing parameter '") + key + "'");
    return it->second;
}

/// A per-dimension parameter (stride, padding, …): one value for every spatial dimension, or one
/// per dimension. For 1-D windows the value goes to the second slot (the first stays `unit`).
std::array<std::size_t, 2> perDim(const Node& n, const char* key, std::size_t dims, std::size_t lo, std::size_t unit) {
    const Array& a = param(n, key);
    if (a.size() != 1 && a.size() != dims)
        throw NirError(std::string("'") + key + "' has " + std::to_string(a.size()) + " entries, expected 1 or " + std::to_string(dims));
    std::array<std::size_t, 2> r{unit, unit};
    for (std::size_t d = 0; d < dims; ++d)
        r[2 - dims + d] = whole(a[a.size() == 1 ? 0 : d], lo, std::string("'") + key + "'");
    return r;
}

/// Output length of one spatial dimension; throws when the (dilated) kernel exceeds the padded input.
std::size_t outLength(std::size_t in, std::size_t k, std::size_t stride, std::size_t pad, std::size_t dil, std::size_t axis) {
    const long long span = (long long)dil * ((long long)k - 1) + 1, padded = (long long)in + 2 * (long long)pad;
    if (span > padded)
        throw NirError("kernel extent " + std::to_string(span) + " exceeds the padded input (" + std::to_string(padded) +
                       ") along spatial axis " + std::to_string(axis));
    return std::size_t((padded - span) / (long long)stride + 1);
}

void finish(Window& w) {
    for (std::size_t d = 0; d < 2; ++d) w.out[d] = outLength(w.in[d], w.k[d], w.stride[d], w.pad[d], w.dil[d], d + w.dims - 2);
}

/// Spatial size of the source's shape C x L / C x H x W into w.in; returns its channel count.
std::size_t fromSource(Window& w, const Dims* source) {
    if (!source) throw NirError("its input shape is unknown (no input_shape and no source of known shape)");
    if (source->size() != w.dims + 1)
        throw NirError("its source delivers shape " + describe(*source) + "; " +
                       (w.dims == 1 ? "C x L" : "C x H x W") + " is needed");
    for (std::size_t d = 0; d < w.dims; ++d) w.in[2 - w.dims + d] = (*source)[1 + d];
    return (*source)[0];
}

}  // namespace

std::size_t count(const Dims& d) {
    std::size_t p = 1;
    for (auto v : d) p = mul(p, v);
    return p;
}

std::string describe(const Dims& d) {
    std::string s = "[";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
}

bool isConv(const std::string& t) { return t == "Conv1d" || t == "Conv2d"; }
bool isPool(const std::string& t) { return t == "SumPool2d" || t == "AvgPool2d"; }

Dims Window::inShape() const { return dims == 1 ? Dims{inC, in[1]} : Dims{inC, in[0], in[1]}; }
Dims Window::outShape() const { return dims == 1 ? Dims{outC, out[1]} : Dims{outC, out[0], out[1]}; }

std::size_t Window::operations() const {
    return mul(mul(mul(count(outShape()), inC / groups), k[0]), k[1]);
}

Window convWindow(const Node& n, const Dims* source) {
    Window w;
    w.dims = n.type == "Conv1d" ? 1 : 2;
    const Array& weight = param(n, "weight");
    if (weight.shape.size() != w.dims + 2)
        throw NirError("weight must be " + std::string(w.dims == 1 ? "3-D (Cout x Cin/groups x K)" : "4-D (Cout x Cin/groups x Kh x Kw)") +
                       ", got shape " + describe(weight.shape));
    const Array& groups = param(n, "groups");
    if (groups.size() != 1) throw NirError("'groups' must be a single number");
    w.groups = whole(groups[0], 1, "'groups'");
    w.outC = weight.shape[0];
    if (w.outC == 0 || weight.shape[1] == 0) throw NirError("weight has no channels: shape " + describe(weight.shape));
    if (w.outC % w.groups) throw NirError(std::to_string(w.outC) + " output channels are not divisible into " + std::to_string(w.groups) + " groups");
    w.inC = mul(weight.shape[1], w.groups);
    for (std::size_t d = 0; d < w.dims; ++d) {
        w.k[2 - w.dims + d] = weight.shape[2 + d];
        if (weight.shape[2 + d] == 0) throw NirError("weight has an empty kernel: shape " + describe(weight.shape));
    }
    w.stride = perDim(n, "stride", w.dims, 1, 1);
    w.pad = perDim(n, "padding", w.dims, 0, 0);
    w.dil = perDim(n, "dilation", w.dims, 1, 1);
    const Array& bias = param(n, "bias");
    if (bias.size() != w.outC && bias.size() != 1)
        throw NirError("bias has " + std::to_string(bias.size()) + " entries for " + std::to_string(w.outC) + " output channels");
    auto is = n.params.find("input_shape");
    if (is != n.params.end()) {
        if (is->second.size() != w.dims)
            throw NirError("'input_shape' has " + std::to_string(is->second.size()) + " entries, expected " + std::to_string(w.dims));
        for (std::size_t d = 0; d < w.dims; ++d) w.in[2 - w.dims + d] = whole(is->second[d], 1, "'input_shape'");
        if (source && count(*source) != count(w.inShape()))
            throw NirError("its source delivers shape " + describe(*source) + " but its input is " + describe(w.inShape()) +
                           " (Cin = " + std::to_string(weight.shape[1]) + " x " + std::to_string(w.groups) + " groups)");
    } else if (const std::size_t c = fromSource(w, source); c != w.inC) {
        throw NirError("its source delivers " + std::to_string(c) + " channels but the weight takes " + std::to_string(w.inC) +
                       " (Cin/groups = " + std::to_string(weight.shape[1]) + ", groups = " + std::to_string(w.groups) + ")");
    }
    finish(w);
    return w;
}

Window poolWindow(const Node& n, const Dims* source) {
    Window w;
    w.k = perDim(n, "kernel_size", 2, 1, 1);
    w.stride = perDim(n, "stride", 2, 1, 1);
    w.pad = perDim(n, "padding", 2, 0, 0);
    w.inC = w.outC = w.groups = fromSource(w, source);
    if (w.inC == 0) throw NirError("its source delivers no channels");
    finish(w);
    return w;
}

Window window(const Node& n, const Dims* source) { return isConv(n.type) ? convWindow(n, source) : poolWindow(n, source); }

void convolve(const Node& n, const Window& w, const double* x, double* y) {
    const Array& weight = n.params.at("weight");
    const Array& bias = n.params.at("bias");
    const std::size_t cinG = w.inC / w.groups, coutG = w.outC / w.groups;
    const long long H = (long long)w.in[0], W = (long long)w.in[1];
    for (std::size_t oc = 0; oc < w.outC; ++oc) {
        const std::size_t g = oc / coutG;
        const double b = bias[bias.size() == 1 ? 0 : oc];
        for (std::size_t oy = 0; oy < w.out[0]; ++oy)
            for (std::size_t ox = 0; ox < w.out[1]; ++ox) {
                double s = b;
                for (std::size_t ic = 0; ic < cinG; ++ic) {
                    const double* xc = x + (g * cinG + ic) * std::size_t(H * W);
                    const double* wk = weight.data.data() + (oc * cinG + ic) * w.k[0] * w.k[1];
                    for (std::size_t ky = 0; ky < w.k[0]; ++ky) {
                        const long long iy = (long long)(oy * w.stride[0] + ky * w.dil[0]) - (long long)w.pad[0];
                        if (iy < 0 || iy >= H) continue;
                        for (std::size_t kx = 0; kx < w.k[1]; ++kx) {
                            const long long ix = (long long)(ox * w.stride[1] + kx * w.dil[1]) - (long long)w.pad[1];
                            if (ix >= 0 && ix < W) s += wk[ky * w.k[1] + kx] * xc[iy * W + ix];
                        }
                    }
                }
                y[(oc * w.out[0] + oy) * w.out[1] + ox] = s;
            }
    }
}

void pool(bool average, const Window& w, const double* x, double* y) {
    const long long H = (long long)w.in[0], W = (long long)w.in[1];
    const double norm = average ? 1.0 / double(w.k[0] * w.k[1]) : 1.0;
    for (std::size_t c = 0; c < w.inC; ++c)
        for (std::size_t oy = 0; oy < w.out[0]; ++oy)
            for (std::size_t ox = 0; ox < w.out[1]; ++ox) {
                double s = 0;
                for (std::size_t ky = 0; ky < w.k[0]; ++ky) {
                    const long long iy = (long long)(oy * w.stride[0] + ky) - (long long)w.pad[0];
                    if (iy < 0 || iy >= H) continue;
                    for (std::size_t kx = 0; kx < w.k[1]; ++kx) {
                        const long long ix = (long long)(ox * w.stride[1] + kx) - (long long)w.pad[1];
                        if (ix >= 0 && ix < W) s += x[(c * std::size_t(H) + std::size_t(iy)) * std::size_t(W) + std::size_t(ix)];
                    }
                }
                y[(c * w.out[0] + oy) * w.out[1] + ox] = s * norm;
            }
}

Dims flattenShape(const Node& n) {
    const Array& t = param(n, "input_type");
    Dims in;
    for (double v : t.data) in.push_back(whole(v, 0, "'input_type'"));
    const auto r = (long long)in.size();
    auto dim = [&](const char* key) {
        const Array& a = param(n, key);
        if (a.size() != 1) throw NirError(std::string("'") + key + "' must be a single number");
        const double v = a[0];
        if (!(std::abs(v) <= double(kMaxValues) && v == std::floor(v))) throw NirError(std::string("'") + key + "' is not a whole number");
        return (long long)v < 0 ? (long long)v + r : (long long)v;
    };
    // As NIR computes it: dims before start_dim kept, start_dim..end_dim merged, the rest kept.
    const long long s = std::clamp(dim("start_dim"), 0LL, r), e = std::clamp(dim("end_dim"), s - 1, r - 1);
    Dims out(in.begin(), in.begin() + s);
    std::size_t merged = 1;
    for (long long i = s; i <= e; ++i) merged *= in[std::size_t(i)];
    out.push_back(merged);
    out.insert(out.end(), in.begin() + (e + 1), in.end());
    return out;
}

Array paddingFromString(const Node& n, const std::string& padding) {
    const std::size_t dims = n.type == "Conv1d" ? 1 : 2;
    if (padding == "valid") return Array::ints(std::vector<double>(dims, 0.0));
    if (padding != "same") throw NirError("padding '" + padding + "' is not a number, 'same' or 'valid'");
    const Array& weight = param(n, "weight");
    if (weight.shape.size() != dims + 2) throw NirError("weight must be " + std::to_string(dims + 2) + "-D");
    const auto stride = perDim(n, "stride", dims, 1, 1), dil = perDim(n, "dilation", dims, 1, 1);
    std::vector<double> p;
    for (std::size_t d = 0; d < dims; ++d) {
        if (weight.shape[2 + d] == 0) throw NirError("weight has an empty kernel: shape " + describe(weight.shape));
        const std::size_t slot = 2 - dims + d, total = dil[slot] * (weight.shape[2 + d] - 1);
        if (stride[slot] != 1) throw NirError("padding 'same' needs stride 1");
        if (total % 2)
            throw NirError("padding 'same' with kernel extent " + std::to_string(total + 1) +
                           " needs asymmetric padding, which NIR's numeric padding cannot express");
        p.push_back(double(total / 2));
    }
    return Array::ints(p);
}

}  // namespace ganglion::nir::detail
