"""scikit-learn's handwritten digits (8x8 images, 10 classes) with COCOB's
defaults: no learning rate, no schedule.

    python examples/digits.py [--device D] [--epochs N]
"""
import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import cocob

p = argparse.ArgumentParser()
p.add_argument("--device", default="auto")
p.add_argument("--epochs", type=int, default=30)
a = p.parse_args()

digits = load_digits()
x = (digits.images / 16.0).astype(np.float32)  # pixels are 0..16
x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.25,
                                                    random_state=0, stratify=digits.target)
ctx = cocob.Context(a.device)
model = cocob.Model(ctx, (8, 8), "dense:128,relu,dense:10")
model.fit(x_train, y_train, epochs=a.epochs, batch=32, validation=(x_test, y_test))
print(f"test accuracy {model.evaluate(x_test, y_test)['accuracy']:.4f} on {ctx.device['name']}")
