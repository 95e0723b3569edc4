#!/usr/bin/env python3
"""The causal NoC against published figures (docs/VALIDATION.md): runs `spikepipe noc` on an
8x8 mesh with XY routing for uniform, transpose and bit-complement traffic and 1-, 8- and
32-flit packets, then prints the zero-load latency and saturation throughput of each curve beside
the closed form and the channel-load bound, and plots the curves.

usage: scripts/noc_validation.py [--bin build/spikepipe] [--out val] [--vcs 8] [--buffer 8]
                                 [--router-latency 2] [--terminal-latency 0] [--input-speedup 1]
                                 [--patterns uniform,transpose,bitcomp] [--flits 1,8,32]
                                 [--csv table.csv] [--plot noc.png]

Zero-load latency: the mean packet latency at the lowest offered load (0.01 flits/node/cycle).
Saturation throughput: the largest offered load at which the network is stable (accepts what
is offered and delivers every packet of the measurement period within 5 further periods): the
load where latency grows without bound (Dally & Towles, ch. 23), found on the sweep and then
bisected to 0.005 flits/node/cycle. (The mean accepted rate past saturation is no measure for
transpose: nodes on the diagonal send to themselves and rows in the middle load their links
less, so the average keeps growing after the bottleneck links saturate.)
"""
import argparse
import csv
import os
import subprocess
import sys

PATTERNS = {  # pattern -> offered loads (flits/node/cycle): finer below the bound, a few above
    "uniform": "0.01,0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4,0.42,0.44,0.46,0.48,0.5,0.55,0.6",
    "transpose": "0.01,0.03,0.05,0.07,0.09,0.11,0.12,0.13,0.14,0.15,0.16,0.18,0.2,0.25",
    "bitcomp": "0.01,0.04,0.08,0.12,0.15,0.18,0.2,0.21,0.22,0.23,0.24,0.25,0.26,0.28,0.32",
}
FLITS = [1, 8, 32]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/spikepipe")
    ap.add_argument("--out", default="val")
    ap.add_argument("--vcs", default="8")
    ap.add_argument("--buffer", default="8")
    ap.add_argument("--router-latency", default="2")
    ap.add_argument("--terminal-latency", default="0")
    ap.add_argument("--input-speedup", default="1")
    ap.add_argument("--patterns", default=",".join(PATTERNS), help="comma-separated subset")
    ap.add_argument("--flits", default="1,8,32", help="comma-separated packet sizes")
    ap.add_argument("--csv", default=None, help="also write the table as CSV")
    ap.add_argument("--warmup", default="3000")
    ap.add_argument("--measure", default="10000")
    ap.add_argument("--plot", default=None)
    a = ap.parse_args()
    files = []
    rows = []
    for t in a.patterns.split(","):
        rates = PATTERNS[t]
        for f in [int(x) for x in a.flits.split(",")]:
            d = os.path.join(a.out, "%s%d" % (t, f))
            cmd = [a.bin, "noc", "--noc-topology", "mesh", "--noc-cols", "8", "--noc-rows", "8",
                   "--processors", "64", "--noc-link-bytes", "32",
                   "--noc-router-latency", a.router_latency, "--noc-vcs", a.vcs,
                   "--noc-terminal-latency", a.terminal_latency,
                   "--noc-input-speedup", a.input_speedup,
                   "--noc-buffer-flits", a.buffer, "--traffic", t, "--packet-flits", str(f),
                   "--injection-rate", rates, "--warmup", a.warmup, "--measure", a.measure,
                   "--out", d]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            path = os.path.join(d, "noc.csv")
            files.append(path)
            r = list(csv.DictReader(open(path)))
            zl = float(r[0]["zero_load"])
            bound = float(r[0]["channel_bound"])
            lat0 = float(r[0]["latency_mean"])
            lo = max([float(x["offered"]) for x in r if x["stable"] == "1"], default=0.0)
            hi = min([float(x["offered"]) for x in r
                      if x["stable"] == "0" and float(x["offered"]) > lo], default=1.0)
            while hi - lo > 0.0051:
                mid = round((lo + hi) / 2, 4)
                bd = d + "_bisect"
                bcmd = list(cmd)
                bcmd[bcmd.index("--injection-rate") + 1] = str(mid)
                bcmd[bcmd.index("--out") + 1] = bd
                subprocess.run(bcmd, check=True, stdout=subprocess.DEVNULL)
                x = list(csv.DictReader(open(os.path.join(bd, "noc.csv"))))[0]
                if x["stable"] == "1":
                    lo = mid
                else:
                    hi = mid
            rows.append((t, f, zl, lat0, bound, lo))
    print("| traffic | F | zero load: closed form | measured at 0.01 | diff | "
          "saturation: bound | measured (stable) | of bound |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t, f, zl, lat0, bound, sat in rows:
        print("| %s | %d | %.2f | %.2f | %+.1f%% | %.3f | %.3f | %.0f%% |"
              % (t, f, zl, lat0, 100 * (lat0 / zl - 1), bound, sat, 100 * sat / bound))
    if a.csv:
        with open(a.csv, "w") as out:
            out.write("traffic,packet_flits,zero_load_closed_form,zero_load,channel_bound,"
                      "saturation\n")
            for t, f, zl, lat0, bound, sat in rows:
                out.write("%s,%d,%.4f,%.4f,%.4f,%.4f\n" % (t, f, zl, lat0, bound, sat))
    if a.plot:
        here = os.path.dirname(os.path.abspath(__file__))
        # matplotlib comes from Debian (python3-matplotlib): the system interpreter has it.
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        subprocess.run([py, os.path.join(here, "plot_noc.py")] + files +
                       ["-o", a.plot], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
