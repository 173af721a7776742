// The KanLayer node's PyTorch equivalent (contract item 12 of core/model/kernel.h): the same
// parametrisation as kan::Layer (kan_layer.h) and the same basis functions on the same knots
// (kan_basis.h), for every basis: bspline, rbf, chebyshev, relu, sine and poly on the layer's
// knots, and the trainable ones, rbf_adaptive (centres, log-widths, sinusoidal composition) and af
// (attention over ReLU, SiLU, tanh and exact GELU bumps). Snapped symbolic edges are refused.
#include "core/export/torch_hooks.h"
#include "core/kan/kan_node.h"

#include <algorithm>

namespace ganglion {

namespace {

const char* kKanSource = R"PY(class KanLayer(GanglionModule):
    # y_o = bias_o + sum_i mask_oi * (scale_base_oi * silu(x_i) + scale_sp_oi * sum_j coef_oij * B_ij(x_i))
    def basis(self, x):
        t = self.knots  # (in, knots): the grid, extended by `order` knots on each side where the basis needs it
        k, G = self.order, self.grid
        xx = x.unsqueeze(-1)
        if self.kind == 'bspline':  # Cox-de Boor, half-open supports [t_j, t_j+p+1)
            B = ((xx >= t[:, :-1]) & (xx < t[:, 1:])).to(x.dtype)
            for p in range(1, k + 1):
                B = ((xx - t[:, :-(p + 1)]) / (t[:, p:-1] - t[:, :-(p + 1)]) * B[..., :-1]
                     + (t[:, p + 1:] - xx) / (t[:, p + 1:] - t[:, 1:-p]) * B[..., 1:])
            return B
        if self.kind == 'relu':  # ReLU-KAN: 16/(e-s)^4 * (relu(e-x) relu(x-s))^2
            s, e = t[:, :G + k], t[:, k + 1:]
            q = torch.relu(e - xx) * torch.relu(xx - s)
            return 16.0 / (e - s) ** 4 * q * q
        if self.kind == 'af':  # AF-KAN: sum_a softmax(attention)_a (a(x-s) a(e-x))^2 / a((e-s)/2)^4
            s, e = t[:, :G + k], t[:, k + 1:]
            pi = torch.softmax(self.af_attention, dim=1)
            B = 0.0
            for a, f in enumerate((torch.relu, F.silu, torch.tanh, F.gelu)):
                q = f(xx - s) * f(e - xx)
                B = B + pi[:, a:a + 1] * (q * q / f((e - s) / 2) ** 4)
            return B
        if self.kind == 'rbf_adaptive':  # exp(-((x-c)/e^l)^2), then sin(w_m g), w_m = 2^(m-1) pi/2
            g = torch.exp(-((xx - self.rbf_centres) / torch.exp(self.rbf_log_widths)) ** 2)
            if self.sin_frequencies == 0:
                return g
            parts = [g] + [torch.sin((math.pi / 2) * 2 ** (m - 1) * g) for m in range(1, self.sin_frequencies + 1)]
            return torch.stack(parts, dim=-1).flatten(-2)
        lo, hi = t[:, 0], t[:, G]
        if self.kind == 'rbf':
            h = (hi - lo) / G
            return torch.exp(-(xx - t) ** 2 * (1.0 / (h * h)).unsqueeze(-1))
        u = (2.0 / (hi - lo)) * x - (hi + lo) / (hi - lo)
        if self.kind == 'sine':
            w = torch.arange(1, G + 1, dtype=x.dtype, device=x.device) * math.pi
            a = w * u.unsqueeze(-1)
            return torch.stack([torch.sin(a), torch.cos(a)], dim=-1).flatten(-2)
        u = torch.tanh(u)
        P = [torch.ones_like(u), u]
        for n in range(1, G):
            if self.kind == 'chebyshev':
                P.append(2.0 * u * P[n] - P[n - 1])
            else:  # poly: Legendre
                P.append(((2 * n + 1) * u * P[n] - n * P[n - 1]) / (n + 1))
        return torch.stack(P[:G + 1], dim=-1)

    def forward(self, x):
        if self.layer_norm:
            mu = x.mean(dim=1, keepdim=True)
            var = ((x - mu) ** 2).mean(dim=1, keepdim=True)
            x = (x - mu) / torch.sqrt(var + 1e-5) * self.ln_gain + self.ln_shift
        y = F.silu(x) @ (self.scale_base * self.mask).t()
        w = self.coef * (self.scale_sp * self.mask).unsqueeze(-1)
        return y + torch.einsum('bij,oij->bo', self.basis(x), w) + self.bias
)PY";

}  // namespace

TorchModule KanLayerKernel::torchModule() const {
    const kan::Layer& L = layer_;
    const kan::Basis& B = L.basis();
    const kan::BasisKind kind = B.kind();
    const auto snapped = std::count_if(L.symbolic.begin(), L.symbolic.end(), [](const kan::SymbolicEdge& e) { return e.fn >= 0; });
    if (snapped > 0)
        throw std::runtime_error(std::to_string(snapped) + " edge(s) snapped to symbolic formulas have no PyTorch export; "
                                 "unsnap them first");
    const std::size_t in = std::size_t(L.in()), out = std::size_t(L.out()), nb = std::size_t(L.nb());
    Matrix knots(L.in(), B.knots(0).size());
    for (int i = 0; i < L.in(); ++i) knots.row(i) = B.knots(i);
    TorchModule m;
    m.pyClass = "KanLayer";
    m.pySource = kKanSource;
    m.pyArgs = std::string("kind=") + torch::pyString(kan::basisName(kind)) + ", grid=" + std::to_string(B.grid()) +
               ", order=" + std::to_string(B.order()) + ", layer_norm=" + (L.config().layerNorm ? "True" : "False") +
               ", sin_frequencies=" + std::to_string(B.sinFrequencies());
    m.tensors = {torch::tensor("coef", L.coef, {out, in, nb}),
                 torch::matrix("scale_base", L.scaleBase),
                 torch::matrix("scale_sp", L.scaleSp),
                 torch::vector("bias", L.bias, L.config().bias),
                 torch::matrix("mask", L.mask, false),
                 torch::matrix("knots", knots, false)};
    for (int k = 0; k < B.paramCount(); ++k) m.tensors.push_back(torch::matrix(B.paramName(k), B.param(k)));
    if (L.config().layerNorm) {
        m.tensors.push_back(torch::vector("ln_gain", L.lnGain));
        m.tensors.push_back(torch::vector("ln_shift", L.lnShift));
    }
    if (gridEvery_ > 0)
        m.notes.push_back("grid updates every " + std::to_string(gridEvery_) + " steps are not reproduced: the grid stays as exported");
    if (kmeansPending_)
        m.notes.push_back("kmeans_init places the RBF centres on Ganglion's first training batch, which has not run: the "
                          "centres are exported on the grid");
    if (reg_.active()) m.notes.push_back("the L1/entropy regularisation (lambda_l1, lambda_entropy) is not reproduced");
    return m;
}

KernelState KanLayerKernel::stateFromTorch(const KernelState& current, const std::map<std::string, Matrix>& t) const {
    KernelState s = current;
    for (const auto& [key, m] : t)
        if (key != "knots") s[key] = m;  // coef, scales, bias, mask, layer norm, basis tensors: same names
    // The grid points are the knots without the extension (order knots on each side, if any).
    const Matrix& knots = t.at("knots");
    const kan::Basis& B = layer_.basis();
    const Eigen::Index ext = (knots.cols() - (B.grid() + 1)) / 2;
    s["grid"] = knots.middleCols(ext, B.grid() + 1);
    return s;
}

}  // namespace ganglion
