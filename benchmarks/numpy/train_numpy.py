"""Numpy reference benchmark for the Java MLP trainer.

Reproduces, with numpy only and single-threaded, the training of the Java MLP
784-20-15-10 (float32, leaky ReLU 0.01 on the hidden layers, softmax +
cross-entropy output, He-uniform init, momentum SGD with L2 on weights only:
g = grad + l2*W, v = m*v + (1-m)*g, w -= lr*v) on MNIST, so the speed of the two
implementations can be compared.

All parameters live in one flat float32 buffer (weights first, then biases), and
gradients / velocities in matching buffers, so the optimizer step is a handful
of whole-buffer in-place numpy calls. Batch size 1 runs on 1-D vectors;
larger batches use matrix products with the gradient averaged over the batch.

Usage (from the repository root):
    python3 benchmarks/numpy/train_numpy.py --samples 10000 --epochs 2 --batch-size 1
Prints the wall time per epoch and finally one JSON line with the results;
samplesPerSecond = samples*epochs / training seconds (excludes data loading
and test scoring).
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import gzip
import json
import time

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "mnist")
SIZES = [784, 20, 15, 10]
SLOPE = np.float32(0.01)


def load_idx(name, magic):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        buf = f.read()
    header = np.frombuffer(buf, ">u4", count=4 if magic == 2051 else 2)
    if header[0] != magic:
        raise ValueError(f"{name}: bad magic {header[0]}")
    data = np.frombuffer(buf, np.uint8, offset=header.nbytes)
    if magic == 2051:
        return data.reshape(header[1], header[2] * header[3]).astype(np.float32) / np.float32(255)
    return data.astype(np.int64)


class MLP:
    def __init__(self, rng):
        shapes_w = [(o, i) for i, o in zip(SIZES[:-1], SIZES[1:])]
        self.n_w = sum(o * i for o, i in shapes_w)
        n = self.n_w + sum(SIZES[1:])
        self.P, self.G, self.V, self.T = (np.zeros(n, np.float32) for _ in range(4))

        def views(buf):  # W1, W2, W3, b1, b2, b3 as views into a flat buffer
            out, k = [], 0
            for shape in shapes_w + [(o,) for o in SIZES[1:]]:
                size = int(np.prod(shape))
                out.append(buf[k:k + size].reshape(shape))
                k += size
            return out

        self.params, self.grads = views(self.P), views(self.G)
        for W in self.params[:3]:  # He-uniform; biases stay 0
            lim = np.sqrt(6.0 / W.shape[1])
            W[...] = rng.uniform(-lim, lim, W.shape).astype(np.float32)

    def step(self, lr, m, l2):
        """g = grad + l2*W (weights only); v = m*v + (1-m)*g; w -= lr*v."""
        P, G, V, T, nw = self.P, self.G, self.V, self.T, self.n_w
        np.multiply(P[:nw], np.float32(l2), out=T[:nw])
        G[:nw] += T[:nw]
        V *= np.float32(m)
        np.multiply(G, np.float32(1 - m), out=T)
        V += T
        np.multiply(V, np.float32(lr), out=T)
        P -= T

    def forward(self, X):
        """Batched forward pass (no buffers kept); returns logits."""
        W1, W2, W3, b1, b2, b3 = self.params
        h = X @ W1.T + b1
        h = np.maximum(h, SLOPE * h) @ W2.T + b2
        return np.maximum(h, SLOPE * h) @ W3.T + b3


def train_epoch_single(net, X, y, order, hp):
    """Batch size 1: per-sample SGD on 1-D vectors, all in preallocated buffers."""
    W1, W2, W3, b1, b2, b3 = net.params
    gW1, gW2, gW3, d1, d2, d3 = net.grads  # bias grads double as the deltas
    f32 = np.float32
    z1, a1, n1 = np.empty(20, f32), np.empty(20, f32), np.empty(20, bool)
    z2, a2, n2 = np.empty(15, f32), np.empty(15, f32), np.empty(15, bool)
    labels = y.tolist()
    for i in order.tolist():
        x = X[i]
        # forward
        np.dot(W1, x, out=z1); z1 += b1
        np.multiply(z1, SLOPE, out=a1); np.maximum(z1, a1, out=a1)
        np.dot(W2, a1, out=z2); z2 += b2
        np.multiply(z2, SLOPE, out=a2); np.maximum(z2, a2, out=a2)
        np.dot(W3, a2, out=d3); d3 += b3
        # softmax + cross-entropy gradient, written straight into gb3
        d3 -= d3.max(); np.exp(d3, out=d3); d3 /= d3.sum()
        d3[labels[i]] -= 1
        # backward
        np.outer(d3, a2, out=gW3)
        np.dot(d3, W3, out=d2)
        np.less_equal(z2, 0, out=n2); np.multiply(d2, SLOPE, out=d2, where=n2)
        np.outer(d2, a1, out=gW2)
        np.dot(d2, W2, out=d1)
        np.less_equal(z1, 0, out=n1); np.multiply(d1, SLOPE, out=d1, where=n1)
        np.outer(d1, x, out=gW1)
        net.step(*hp)


def train_epoch_batch(net, X, y, order, hp, B):
    """Mini-batch SGD: gradient is the mean over the batch (last batch may be smaller)."""
    W1, W2, W3, b1, b2, b3 = net.params
    gW1, gW2, gW3, gb1, gb2, gb3 = net.grads
    f32 = np.float32
    Xb_full = np.empty((B, 784), f32)
    Z1f, A1f, N1f = np.empty((B, 20), f32), np.empty((B, 20), f32), np.empty((B, 20), bool)
    Z2f, A2f, N2f = np.empty((B, 15), f32), np.empty((B, 15), f32), np.empty((B, 15), bool)
    D3f, D2f, D1f = np.empty((B, 10), f32), np.empty((B, 15), f32), np.empty((B, 20), f32)
    Mf = np.empty((B, 1), f32)
    for s in range(0, len(order), B):
        idx = order[s:s + B]
        n = len(idx)
        Xb, Z1, A1, N1, Z2, A2, N2, D3, D2, D1, M = (
            a[:n] for a in (Xb_full, Z1f, A1f, N1f, Z2f, A2f, N2f, D3f, D2f, D1f, Mf))
        np.take(X, idx, axis=0, out=Xb)
        # forward
        np.dot(Xb, W1.T, out=Z1); Z1 += b1
        np.multiply(Z1, SLOPE, out=A1); np.maximum(Z1, A1, out=A1)
        np.dot(A1, W2.T, out=Z2); Z2 += b2
        np.multiply(Z2, SLOPE, out=A2); np.maximum(Z2, A2, out=A2)
        np.dot(A2, W3.T, out=D3); D3 += b3
        # softmax + cross-entropy gradient, averaged over the batch
        np.max(D3, axis=1, keepdims=True, out=M); D3 -= M
        np.exp(D3, out=D3)
        np.sum(D3, axis=1, keepdims=True, out=M); D3 /= M
        D3[np.arange(n), y[idx]] -= 1
        D3 *= f32(1.0 / n)
        # backward
        np.dot(D3.T, A2, out=gW3); np.sum(D3, axis=0, out=gb3)
        np.dot(D3, W3, out=D2)
        np.less_equal(Z2, 0, out=N2); np.multiply(D2, SLOPE, out=D2, where=N2)
        np.dot(D2.T, A1, out=gW2); np.sum(D2, axis=0, out=gb2)
        np.dot(D2, W2, out=D1)
        np.less_equal(Z1, 0, out=N1); np.multiply(D1, SLOPE, out=D1, where=N1)
        np.dot(D1.T, Xb, out=gW1); np.sum(D1, axis=0, out=gb1)
        net.step(*hp)


def evaluate(net, X, y):
    z = net.forward(X)
    z -= z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    acc = float((z.argmax(axis=1) == y).mean())
    loss = float(-logp[np.arange(len(y)), y].astype(np.float64).mean())
    return acc, loss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--l2", type=float, default=1e-4)
    a = ap.parse_args()

    X = load_idx("train-images-idx3-ubyte.gz", 2051)[:a.samples]
    y = load_idx("train-labels-idx1-ubyte.gz", 2049)[:a.samples]
    Xt = load_idx("t10k-images-idx3-ubyte.gz", 2051)
    yt = load_idx("t10k-labels-idx1-ubyte.gz", 2049)
    n = len(X)

    rng = np.random.default_rng(a.seed)
    net = MLP(rng)
    hp = (a.lr, a.momentum, a.l2)
    order = np.arange(n)
    total = 0.0
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        rng.shuffle(order)
        if a.batch_size == 1:
            train_epoch_single(net, X, y, order, hp)
        else:
            train_epoch_batch(net, X, y, order, hp, a.batch_size)
        dt = time.perf_counter() - t0
        total += dt
        print(f"epoch {epoch}: {dt:.3f} s", flush=True)

    acc, loss = evaluate(net, Xt, yt)
    print(json.dumps({"impl": "numpy", "samples": n, "epochs": a.epochs,
                      "batchSize": a.batch_size, "seconds": round(total, 3),
                      "samplesPerSecond": round(n * a.epochs / total, 1),
                      "testAccuracy": round(acc, 4), "testLoss": round(loss, 4)}))


if __name__ == "__main__":
    main()
