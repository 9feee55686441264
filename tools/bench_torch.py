#!/usr/bin/python3
"""PyTorch's side of tools/bench-vs-pytorch.sh: cocob's MLP or CNN on
Fashion-MNIST, trained with COCOB-Backprop written as a torch optimizer, or
with Adam.

The same data files as `cocob train` (the dataset-fashion-mnist package), the
same network as `cocob train --model mlp` or `--model cnn` builds
(src/nn/spec.c), batch 100 and the mean cross-entropy, so that the only
difference left is the framework. The MLP (784-1000-1000-10, ReLU) starts
from cocob's initial weights (its Philox draws, src/nn/model.c); the CNN
(conv 32 5x5 and 64 5x5, padded "same", each with ReLU and a 2x2 max pool,
dense 1024, ReLU, dropout 0.5, dense 10) from weights of the same
distribution drawn by torch, which changes the accuracy a little and the
speed not at all. Training time is measured as
`cocob train` prints it on its `speed` line: the steps after each epoch's
first, each one gathering its batch, forward, backward, the optimizer step
and reading the loss back; data loading and evaluation are left out.
Evaluation runs in batches of --batch, as cocob's does.

The last line is machine-readable; peak_rss_mib is the process's peak
resident set (getrusage ru_maxrss), as cocob's `memory` line gives it:
    RESULT model=mlp optimizer=cocob steps=594 seconds=5.9 steps_per_s=100.6 \
test_accuracy=0.8321 peak_rss_mib=1200.5
"""
import argparse
import gzip
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """The values of an IDX file, .gz or plain, as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndims = raw[3]
    dims = struct.unpack(">" + "I" * ndims, raw[4:4 + 4 * ndims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def find(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    sys.exit(f"bench_torch.py: neither {name} nor {name}.gz in {folder}")


def load(folder, prefix):
    """Images as floats in [0, 1], the same division cocob does
    (src/data/idx.c: pixels[i] / 255.0f), and int64 labels."""
    images = read_idx(find(folder, prefix + "-images-idx3-ubyte"))
    labels = read_idx(find(folder, prefix + "-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0))
    return x, torch.from_numpy(labels.astype(np.int64))


# ---- cocob's initial weights: src/base/philox.c and src/nn/model.c ----

PHILOX_M0, PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
PHILOX_W0, PHILOX_W1 = 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox_uniform(seed, counters):
    """cocob_philox_uniform(seed, counter) for every counter: Philox4x32-10
    on (counter low, counter high, 0, 0) with key (seed low, seed high), the
    top 24 bits of the first word over 2^24."""
    c0 = counters & MASK
    c1 = counters >> 32
    c2 = np.zeros_like(counters)
    c3 = np.zeros_like(counters)
    k0, k1 = seed & MASK, (seed >> 32) & MASK
    for r in range(10):
        if r:
            k0, k1 = (k0 + PHILOX_W0) & MASK, (k1 + PHILOX_W1) & MASK
        p0 = np.uint64(PHILOX_M0) * c0
        p1 = np.uint64(PHILOX_M1) * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ np.uint64(k0), p1 & MASK,
                          (p0 >> 32) ^ c3 ^ np.uint64(k1), p0 & MASK)
    return (c0 >> 8).astype(np.float32) * np.float32(1.0 / 16777216.0)


def cocob_init(model, seed):
    """The weights cocob_model_init draws: uniform in +-limit, He's limit
    sqrt(6 / fan_in) before a ReLU, Glorot's sqrt(6 / (fan_in + fan_out))
    otherwise; counters run over one arena of [W, b] per layer; biases 0."""
    offset = 0
    layers = [m for m in model if isinstance(m, torch.nn.Linear)]
    for i, layer in enumerate(layers):
        units, fan_in = layer.weight.shape
        before_relu = i + 1 < len(layers)
        limit = np.sqrt(6.0 / fan_in) if before_relu else np.sqrt(6.0 / (fan_in + units))
        counters = np.arange(offset, offset + units * fan_in, dtype=np.uint64)
        u = philox_uniform(seed, counters).astype(np.float64)
        w = ((2.0 * u - 1.0) * limit).astype(np.float32).reshape(units, fan_in)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.zero_()
        offset += units * fan_in + units


def cocob_like_init(model):
    """cocob_model_init's distribution drawn with torch's generator: uniform
    in +-limit, He's sqrt(6 / fan_in) before a ReLU, Glorot's
    sqrt(6 / (fan_in + fan_out)) otherwise, biases 0. torch's own init,
    a third of He's variance, leaves COCOB's CNN with dead ReLUs from its
    first steps, a fault of the start, not of the framework."""
    layers = list(model)
    for i, layer in enumerate(layers):
        if not isinstance(layer, (torch.nn.Linear, torch.nn.Conv2d)):
            continue
        w = layer.weight
        taps = w[0, 0].numel() if w.dim() == 4 else 1
        fan_in, fan_out = w[0].numel(), w.shape[0] * taps
        before_relu = i + 1 < len(layers) and isinstance(layers[i + 1], torch.nn.ReLU)
        limit = np.sqrt(6.0 / fan_in) if before_relu else np.sqrt(6.0 / (fan_in + fan_out))
        with torch.no_grad():
            w.uniform_(-limit, limit)
            layer.bias.zero_()


# ---- COCOB-Backprop ----

class COCOB(torch.optim.Optimizer):
    """COCOB-Backprop exactly as cocob computes it, elementwise in float32.

    Mirrors src/backend/ref/cocob.c, cocob_update_ref (the loop body, lines
    9-21): g = -(grad + weight_decay w); L = max(L, |g|); G += |g|;
    reward = max(reward + (w - w1) g, 0); theta += g;
    w = w1 + theta / L / max(G + L, alpha L) * (L + reward), divided in that
    order. And src/optim/cocob.c: the defaults of cocob_optim_cocob_defaults
    (lines 13-18: alpha 100, initial L 1e-8, weight decay 0) and init_state
    (lines 37-46: L filled with initial L, w1 a copy of the weights, G,
    reward and theta zero). cocob's step also refuses non-finite gradients
    (cocob_optimizer_step); this one does not check, which only makes it
    cheaper. Each operation writes into a buffer made once, as cocob's
    kernel does, so that the step allocates nothing."""

    def __init__(self, params, alpha=100.0, initial_L=1e-8):
        super().__init__(params, {"alpha": alpha, "initial_L": initial_L})
        for group in self.param_groups:
            for p in group["params"]:
                s = self.state[p]
                s["w1"] = p.detach().clone()
                s["L"] = torch.full_like(p, group["initial_L"])
                for name in ("G", "reward", "theta", "g", "t"):
                    s[name] = torch.zeros_like(p)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            alpha = group["alpha"]
            for p in group["params"]:
                s = self.state[p]
                w1, L, G, reward, theta, g, t = (s[k] for k in
                                                 ("w1", "L", "G", "reward", "theta", "g", "t"))
                torch.neg(p.grad, out=g)
                torch.abs(g, out=t)
                torch.maximum(L, t, out=L)
                G.add_(t)
                torch.sub(p, w1, out=t)
                t.mul_(g)
                reward.add_(t).clamp_(min=0.0)
                theta.add_(g)
                # g is free now: it holds max(G + L, alpha L).
                torch.mul(L, alpha, out=t)
                torch.add(G, L, out=g)
                torch.maximum(g, t, out=g)
                torch.div(theta, L, out=t)
                t.div_(g)
                torch.add(L, reward, out=g)
                t.mul_(g)
                torch.add(w1, t, out=p)


def evaluate(model, x, y, batch):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for k in range(0, len(y), batch):
            logits = model(x[k:k + batch])
            loss += F.cross_entropy(logits, y[k:k + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[k:k + batch]).sum().item()
    model.train()
    return loss / len(y), correct / len(y)


def make_model(name):
    """The network `cocob train --model NAME` builds (src/nn/spec.c)."""
    nn = torch.nn
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 1000), nn.ReLU(),
                             nn.Linear(1000, 1000), nn.ReLU(), nn.Linear(1000, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 7 * 7, 1024), nn.ReLU(),
                         nn.Dropout(0.5), nn.Linear(1024, 10))


def peak_rss_mib():
    """ru_maxrss is in KiB on Linux."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    ap.add_argument("--optimizer", choices=("cocob", "adam"), default="cocob")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N examples only")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default=DATA)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x_train, y_train = load(a.data, "train")
    x_test, y_test = load(a.data, "t10k")
    if a.limit:
        x_train, y_train = x_train[:a.limit].contiguous(), y_train[:a.limit].contiguous()

    if a.model == "cnn":
        x_train, x_test = x_train.view(-1, 1, 28, 28), x_test.view(-1, 1, 28, 28)
    model = make_model(a.model)
    if a.model == "mlp":
        cocob_init(model, a.seed)
    else:
        cocob_like_init(model)
    opt = COCOB(model.parameters()) if a.optimizer == "cocob" else \
        torch.optim.Adam(model.parameters())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"model {a.model}, optimizer {a.optimizer}, {len(x_train)} training images, "
          f"batch {a.batch}")

    n = len(x_train)
    per_epoch = (n + a.batch - 1) // a.batch
    xb = torch.empty(a.batch, *x_train.shape[1:])
    yb = torch.empty(a.batch, dtype=torch.int64)
    steady_seconds, steady_steps, accuracy = 0.0, 0, float("nan")
    for epoch in range(1, a.epochs + 1):
        order = torch.randperm(n)
        start = time.perf_counter()
        last, total = start, 0.0
        for k in range(per_epoch):
            idx = order[k * a.batch:(k + 1) * a.batch]
            m = len(idx)
            torch.index_select(x_train, 0, idx, out=xb[:m])
            torch.index_select(y_train, 0, idx, out=yb[:m])
            opt.zero_grad(set_to_none=False)
            loss = F.cross_entropy(model(xb[:m]), yb[:m])
            loss.backward()
            opt.step()
            total += loss.item() * m
            now = time.perf_counter()
            if k > 0:
                steady_seconds += now - last
                steady_steps += 1
            last = now
        seconds = time.perf_counter() - start
        test_loss, accuracy = evaluate(model, x_test, y_test, a.batch)
        print(f"epoch {epoch}/{a.epochs}  train loss {total / n:.6f}  test loss {test_loss:.6f}  "
              f"test accuracy {100 * accuracy:.2f}%  {seconds:.1f} s", flush=True)
    rate = steady_steps / steady_seconds if steady_steps else float("nan")
    print(f"RESULT model={a.model} optimizer={a.optimizer} steps={steady_steps} "
          f"seconds={steady_seconds:.3f} steps_per_s={rate:.2f} test_accuracy={accuracy:.4f} "
          f"peak_rss_mib={peak_rss_mib():.1f}", flush=True)


if __name__ == "__main__":
    main()
