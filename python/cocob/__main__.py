"""`python -m cocob devices [--json]`: what `cocob devices` prints."""
from __future__ import annotations

import json
import sys

from .context import devices


def main(argv) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] != "devices" or \
            any(a != "--json" for a in argv[1:]):
        print("usage: python -m cocob devices [--json]", file=sys.stderr if argv and
              argv[0] not in ("-h", "--help") else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    found = devices()
    if "--json" in argv:
        print(json.dumps(found, indent=2))
        return 0
    for d in found:
        print(f"{d['selector']:<12} {d['name']}{'   <- auto' if d['auto'] else ''}")
        print(f"    type          {d['type']}")
        if d["platform"]:
            print(f"    vendor        {d['vendor']}")
            print(f"    driver        {d['driver_version']}")
            print(f"    platform      {d['platform']}")
            print(f"    OpenCL        {d['opencl_version']}")
            print(f"    compute       {d['compute_units']} units")
            print(f"    memory        {d['global_mem_bytes'] / 2**30:.1f} GiB global, "
                  f"{d['max_alloc_bytes'] / 2**30:.1f} GiB largest allocation")
        print()
    chosen = [d for d in found if d["auto"]]
    if chosen:
        print(f"auto picks {chosen[0]['selector']}: {chosen[0]['why']}.")
    return 0


sys.exit(main(sys.argv[1:]))
