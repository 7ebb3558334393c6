#!/usr/bin/env python3
"""Generates a large Compose/Swarm project: N services (default 500) in
tiers of a shop-like system. 10 frontend networks, 40 backend networks
(internal for half of them), 5 encrypted overlays, services on 1-3 networks,
a tenth publishing ports (some on loopback), a few network_mode service:X.

Usage: gen_compose.py OUT_DIR [SERVICES]
"""
import os, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
random.seed(7)
os.makedirs(out, exist_ok=True)
fronts = ["front%02d" % i for i in range(10)]
backs = ["back%02d" % i for i in range(40)]
lines = ["name: bigstack", "services:"]
for i in range(n):
    name = "svc%04d" % i
    lines.append("  %s:" % name)
    lines.append("    image: example/%s:1.0" % name)
    if i % 50 == 49:
        lines.append('    network_mode: "service:svc%04d"' % (i - 1))
        continue
    nets = set()
    if i % 10 == 0:
        nets.add(random.choice(fronts))
    for _ in range(random.randint(1, 2)):
        nets.add(random.choice(backs))
    lines.append("    networks: [%s]" % ", ".join(sorted(nets)))
    if i % 10 == 0:
        lines.append("    ports:")
        lines.append('      - "%d:%d"' % (8000 + i, 80))
        lines.append('      - "127.0.0.1:%d:%d"' % (9000 + i, 9090))
    lines.append("    deploy:")
    lines.append("      replicas: %d" % random.randint(1, 5))
lines.append("networks:")
for f in fronts:
    lines.append("  %s:" % f)
    lines.append("    driver: overlay")
for j, b in enumerate(backs):
    lines.append("  %s:" % b)
    lines.append("    driver: overlay")
    if j % 2 == 0:
        lines.append("    internal: true")
    if j % 8 == 0:
        lines.append("    driver_opts: {encrypted: \"true\"}")
open(os.path.join(out, "stack.yml"), "w").write("\n".join(lines) + "\n")
print("wrote %s/stack.yml: %d services" % (out, n))
