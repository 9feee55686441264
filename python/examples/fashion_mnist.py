"""Fashion-MNIST from numpy arrays: the IDX files read with numpy, the paper's
MLP trained on them. Debian's dataset-fashion-mnist puts the files in
/usr/share/datasets/fashion-mnist.

    python examples/fashion_mnist.py [--data DIR] [--device D] [--epochs N]
"""
import argparse
import gzip
from pathlib import Path

import numpy as np

import cocob


def idx(path: Path) -> np.ndarray:
    """An IDX file (gzipped or not) as an array: a big-endian header of
    dimension sizes after the 4-byte magic, then the bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder: Path, prefix: str):
    def find(name):
        for p in (folder / name, folder / (name + ".gz")):
            if p.exists():
                return p
        raise SystemExit(f"{folder} has no {name} (nor {name}.gz)")
    x = idx(find(f"{prefix}-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = idx(find(f"{prefix}-labels-idx1-ubyte")).astype(np.int32)
    return x, y


p = argparse.ArgumentParser()
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist", type=Path)
p.add_argument("--device", default="auto")
p.add_argument("--epochs", type=int, default=1)
a = p.parse_args()

x_train, y_train = load(a.data, "train")
x_test, y_test = load(a.data, "t10k")
ctx = cocob.Context(a.device)
model = cocob.Model(ctx, (28, 28), "mlp")
model.fit(x_train, y_train, epochs=a.epochs, validation=(x_test, y_test))
print(f"test accuracy {model.evaluate(x_test, y_test)['accuracy']:.4f}")
