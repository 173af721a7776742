#include "core/export/torch_python.h"

namespace ganglion::torch {

const std::string& modelPreamble() {
    static const std::string s = R"PY(import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class GanglionModule(nn.Module):
    """A graph node: registers its tensors (name, shape, trainable) and keeps its configuration.
    Optional members: project() (constraints after each optimiser step), lr_scale (parameter name ->
    learning-rate factor) and penalty (a training penalty of the last forward pass, added to the loss)."""

    def __init__(self, tensors=(), **config):
        super().__init__()
        for name, shape, trainable in tensors:
            t = torch.zeros(*shape)
            if trainable:
                self.register_parameter(name, nn.Parameter(t))
            else:
                self.register_buffer(name, t)
        for key, value in config.items():
            setattr(self, key, value)


class GanglionRecurrent(GanglionModule):
    """A recurrent layer (LSTM, GRU, TauRNN): x is (batch, steps*inputs), time-major as in Ganglion.
    cell(p, state, r) runs one step from p = input_weight x_t + bias and returns the new state tuple,
    h_t first; r is the tensors' prefix ('reverse_': the backward direction of a bidirectional layer).
    Returns every step's h_t, (batch, steps*units), or the last one, (batch, units)."""

    def start(self, batch, name):
        if hasattr(self, name):
            return getattr(self, name).expand(batch, -1)
        return torch.zeros(batch, self.units)

    def initial(self, batch, r):
        return (self.start(batch, r + 'initial_state'),)

    def run(self, xs, r):
        pre = F.linear(xs, getattr(self, r + 'input_weight'), getattr(self, r + 'bias'))
        state = self.initial(xs.shape[0], r)
        hs = []
        for t in range(self.steps):
            state = self.cell(pre[:, t], state, r)
            hs.append(state[0])
        return hs

    def forward(self, x):
        xs = x.reshape(x.shape[0], self.steps, -1)
        hs = self.run(xs, '')
        if not self.bidirectional:
            return hs[-1] if self.last else torch.stack(hs, 1).reshape(x.shape[0], -1)
        rs = self.run(xs.flip(1), 'reverse_')
        if self.last:
            return torch.cat([hs[-1], rs[-1]], 1)
        return torch.cat([torch.stack(hs, 1), torch.stack(rs[::-1], 1)], 2).reshape(x.shape[0], -1)
)PY";
    return s;
}

const std::string& modelHelpers() {
    static const std::string s = R"PY(
def load_weights(model, path):
    """Loads a state dict saved as .npz (weights.npz, a checkpoint) or .pt into the model."""
    if path.endswith('.pt'):
        state = torch.load(path, map_location='cpu')
    else:
        with np.load(path) as d:
            state = {k: torch.from_numpy(np.asarray(d[k], dtype=np.float32)) for k in d.files}
    model.load_state_dict(state)


def save_weights(model, path):
    """The state dict as .npz (what Ganglion imports: File > Import trained weights, --import-weights)."""
    np.savez(path, **{k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()})


class ExponentiatedGradient(torch.optim.Optimizer):
    """Ganglion's 'eg' optimiser ("Dale meets Langevin"): w <- sign(w) * max(|w| * exp(-lr * sign(w) * g), FLT_MIN),
    a multiplicative step, so no weight changes sign; biases (parameters named ...bias) take plain SGD steps."""

    def __init__(self, params, lr, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, is_bias=False))

    @torch.no_grad()
    def step(self, closure=None):
        tiny = torch.finfo(torch.float32).tiny
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                g = p.grad + group['weight_decay'] * p if group['weight_decay'] else p.grad
                if group['is_bias']:
                    p.sub_(group['lr'] * g)
                else:
                    s = torch.sign(p)
                    p.copy_(s * torch.clamp(p.abs() * torch.exp(-group['lr'] * s * g), min=tiny))


class Classp(torch.optim.Optimizer):
    """Ganglion's 'classp' optimiser (continual learning through adjustment suppression and sparsity promotion):
    where |g| > threshold, S += |g|^p and w -= lr * g / (eps + S)^(1/p); elsewhere neither changes."""

    def __init__(self, params, lr, power=2.0, threshold=0.0, eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, power=power, threshold=threshold, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                g = p.grad + group['weight_decay'] * p if group['weight_decay'] else p.grad
                s = self.state[p].setdefault('sum', torch.zeros_like(p))
                on = (g.abs() > group['threshold']).to(p.dtype)
                if group['power'] == 2.0:
                    s.add_(on * g * g)
                    p.sub_(group['lr'] * on * g / (s + group['eps']).sqrt())
                else:
                    s.add_(on * torch.exp(group['power'] * g.abs().log()))
                    p.sub_(group['lr'] * on * g * torch.exp(-(s + group['eps']).log() / group['power']))


def make_optimizers(model):
    """One optimiser per Loss node over the modules it trains, as Ganglion's engine does."""
    optimizers = []
    for loss in LOSSES:
        # a module's lr_scale gives some of its tensors a smaller learning rate (a Quadratic layer's ReLinear)
        params = [{'params': [p], 'lr': loss['lr'] * getattr(m, 'lr_scale', {}).get(pname, 1.0), 'is_bias': pname.endswith('bias')}
                  for m in (getattr(model, name) for name in loss['modules']) for pname, p in m.named_parameters()]
        kind, wd = loss['optimizer'], loss['weight_decay']
        if kind == 'adam':
            optimizers.append(torch.optim.Adam(params, lr=loss['lr'], betas=(loss['momentum'], 0.999), eps=1e-8, weight_decay=wd))
        elif kind == 'eg':
            optimizers.append(ExponentiatedGradient(params, lr=loss['lr'], weight_decay=wd))
        elif kind == 'classp':
            optimizers.append(Classp(params, lr=loss['lr'], power=loss['classp_power'], threshold=loss['classp_threshold'],
                                     weight_decay=wd))
        else:
            optimizers.append(torch.optim.SGD(params, lr=loss['lr'], momentum=loss['momentum'], weight_decay=wd))
    return optimizers


def loss_value(loss, outputs, y):
    """The Loss node's objective: softmax cross-entropy over class indices, or mean squared error."""
    pred = outputs[loss['pred']]
    if loss['kind'] == 'cross_entropy':
        return F.cross_entropy(pred, y)
    return F.mse_loss(pred, y)


def penalty(model):
    """The training penalties of the last forward pass (a Delta layer's sparsity penalty), summed."""
    ps = [m.penalty for m in model.modules() if m is not model and getattr(m, 'penalty', None) is not None]
    return sum(ps) if ps else 0


def project(model):
    """Constraints after an optimiser step (a sparse layer's mask)."""
    for m in model.modules():
        if m is not model and hasattr(m, 'project'):
            m.project()
)PY";
    return s;
}

const std::string& trainScript() {
    static const std::string s = R"PY(#!/usr/bin/env python3
"""Trains the Model of model.py (exported by Ganglion) on the graph's data set with the graph's
optimisers, learning rates and batch size.

    python3 train.py [--steps N] [--out DIR]                       # one process
    torchrun --nproc_per_node=4 train.py [--steps N] [--out DIR]   # DistributedDataParallel (gloo, CPU)

(Debian 12's torchrun — torch 1.13 on Python 3.11 — fails parsing its default --redirects/--tee
values: add `--redirects 1 --tee 1`.)
Under torchrun every process takes --batch-size samples per step from its share of the data
(DistributedSampler) and gradients are averaged, so the global batch is N x the batch size.
Checkpoints: DIR/step_<n>.pt (state dict) and DIR/step_<n>.npz, which Ganglion imports
(ganglion --headless GRAPH --import-weights DIR/step_<n>.npz, or File > Import trained weights).
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import model as gm  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=gm.STEPS, help='training steps (default: the graph\'s end)')
    ap.add_argument('--batch-size', type=int, default=gm.BATCH_SIZE, help='per process; 0 = the whole training set')
    ap.add_argument('--weights', default=os.path.join(here, 'weights.npz'), help='initial weights (.npz or .pt)')
    ap.add_argument('--out', default=os.path.join(here, 'checkpoints'), help='checkpoint folder')
    ap.add_argument('--checkpoint-every', type=int, default=1000)
    ap.add_argument('--log-every', type=int, default=100)
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()

    distributed = int(os.environ.get('WORLD_SIZE', '1')) > 1
    if distributed:
        dist.init_process_group('gloo')
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    torch.manual_seed(args.seed)

    model = gm.Model()
    gm.load_weights(model, args.weights)
    net = DistributedDataParallel(model, find_unused_parameters=gm.UNTRAINED_PARAMETERS) if distributed else model
    optimizers = gm.make_optimizers(model)

    xtr, ytr, xte, yte = gm.load_data(here)
    train = TensorDataset(torch.from_numpy(xtr), torch.from_numpy(ytr))
    sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=True, seed=args.seed) if distributed else None
    batch = args.batch_size if args.batch_size > 0 else len(train)
    loader = DataLoader(train, batch_size=batch, sampler=sampler, shuffle=sampler is None, drop_last=False)

    os.makedirs(args.out, exist_ok=True)
    step, epoch = 0, 0
    while step < args.steps:
        if sampler is not None:
            sampler.set_epoch(epoch)
        for xb, yb in loader:
            for opt in optimizers:
                opt.zero_grad()
            outputs = net(xb)
            losses = [gm.loss_value(loss, outputs, yb) for loss in gm.LOSSES]
            (sum(losses) + gm.penalty(model)).backward()  # the losses train disjoint modules: one pass serves all
            for opt in optimizers:
                opt.step()
            gm.project(model)
            step += 1
            if rank == 0 and (step % args.log_every == 0 or step == args.steps):
                print('step %d  ' % step + '  '.join('%s %.5f' % (l['name'], v.item()) for l, v in zip(gm.LOSSES, losses)),
                      flush=True)
            if rank == 0 and (step % args.checkpoint_every == 0 or step == args.steps):
                path = os.path.join(args.out, 'step_%d' % step)
                torch.save(model.state_dict(), path + '.pt')
                gm.save_weights(model, path + '.npz')
            if step >= args.steps:
                break
        epoch += 1

    if rank == 0:
        model.eval()
        with torch.no_grad():
            outputs = model(torch.from_numpy(xte))
            y = torch.from_numpy(yte)
            for loss in gm.LOSSES:
                line = 'test %s: loss %.5f' % (loss['name'], gm.loss_value(loss, outputs, y).item())
                if loss['kind'] == 'cross_entropy':
                    line += ', accuracy %.4f' % (outputs[loss['pred']].argmax(dim=1) == y).float().mean().item()
                print(line, flush=True)
    if distributed:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
)PY";
    return s;
}

}  // namespace ganglion::torch
