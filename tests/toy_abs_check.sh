#!/bin/bash
# Checks examples/toy_abs against what the maths says for f(x) = |x - 10|
# from x = 0, where the gradient is sign(x - 10):
#  - COCOB-Backprop's x equals the paper's formulas (Algorithm 2) worked in double
#    precision here, at every step (the library works in float: 1.4e-5 apart
#    at most over 2000 steps when this was written, so 1e-3 is loose);
#  - its first step is 1/alpha = 0.01, the cap alpha puts on early steps;
#  - it first comes within 1 of 10 at step 28: while x < 10 the gradient is
#    -1, so x_t = t (1 + r_t) / 100 with r_t = r_{t-1} + x_{t-1}, which
#    passes 9 between steps 27 (6.86) and 28 (9.04);
#  - its swing around 10 shrinks: the largest |x - 10| over steps 1001-2000
#    is under half that over steps 101-1000 (about 1.5 against 4.4);
#  - gradient descent with learning rate lr moves exactly lr a step, so
#    x_t = lr t until it first passes 10, at step ceil(10 / lr), and from
#    then on it jumps across 10 and back, never more than lr away.
# usage: toy_abs_check.sh PATH_TO_toy_abs
set -euo pipefail
toy=${1:?usage: toy_abs_check.sh PATH_TO_toy_abs}
out=$("$toy" 2000)
awk -F, '
function abs(v) { return v < 0 ? -v : v }
function fail(msg) { print "FAIL: " msg; bad = 1; exit 1 }
NR == 1 {
    if ($1 != "step" || $2 != "cocob_x" || $3 != "cocob_effective_lr") fail("header " $0)
    for (c = 4; c <= NF; c++) {
        lr[c] = substr($c, 7) + 0   # gd_lr_<lr>_x
        if (lr[c] <= 0) fail("column " $c " names no learning rate")
    }
    L = 1e-8; w = 0
    next
}
NR == 2 { next }   # step 0: everything at x = 0
{
    t = $1
    g = (w < 10) - (w > 10)          # the negative gradient, as COCOB sees it
    if (abs(g) > L) L = abs(g)
    G += abs(g)
    r += w * g; if (r < 0) r = 0     # w1 = 0
    theta += g
    w = theta / L / (G + L > 100 * L ? G + L : 100 * L) * (L + r)
    if (abs($2 - w) > 1e-3) fail("step " t ": COCOB x " $2 ", the formulas give " w)
    if (t == 1 && abs($3 - 0.01) > 1e-7) fail("first effective lr " $3 ", not 1/alpha = 0.01")
    if (!reached && abs($2 - 10) < 1) reached = t
    if (t > 100 && t <= 1000 && abs($2 - 10) > early) early = abs($2 - 10)
    if (t > 1000 && abs($2 - 10) > late) late = abs($2 - 10)
    for (c = 4; c <= NF; c++) {
        cross = int(10 / lr[c]); if (cross * lr[c] < 10) cross++
        if (t < cross && abs($c - lr[c] * t) > 1e-4 * t)
            fail("step " t ": GD lr " lr[c] " at " $c ", not lr t = " lr[c] * t)
        if (t >= cross && abs($c - 10) > lr[c] + 1e-4)
            fail("step " t ": GD lr " lr[c] " at " $c ", more than lr from 10")
    }
    last = t
}
END {
    if (bad) exit 1
    if (last != 2000) fail("stopped at step " last " of 2000")
    if (reached != 28) fail("COCOB came within 1 of 10 at step " reached ", not 28")
    if (!(late < early / 2)) fail("COCOB swing " early " over steps 101-1000, " late " over 1001-2000")
    printf "toy_abs: COCOB within 1 of 10 at step %d; swing %.2f (steps 101-1000), %.2f (1001-2000); GD within lr of 10 from ceil(10/lr)\n", reached, early, late
}' <<<"$out"
