import os

import numpy as np
import pytest

import cocob

# The device the suite runs on: ref by default, since it is exact and
# everywhere; COCOB_TEST_DEVICE=opencl (or cpu) runs the same tests there.
DEVICE = os.environ.get("COCOB_TEST_DEVICE", "ref")


@pytest.fixture
def ctx():
    c = cocob.Context(DEVICE)
    yield c


def blobs(n, features=4, classes=3, seed=0):
    """classes well-separated Gaussian blobs: a problem any working training
    run solves, so that a failure to learn is a defect, not bad luck."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, size=(classes, features))
    y = rng.integers(0, classes, size=n).astype(np.int32)
    x = (centres[y] + rng.normal(0, 0.5, size=(n, features))).astype(np.float32)
    return x, y
