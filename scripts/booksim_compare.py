#!/usr/bin/env python3
"""The causal NoC against BookSim 2 itself (docs/VALIDATION.md section 2): the 8x8 mesh with
dimension-order routing, uniform / transpose / bit-complement traffic and 1-, 8- and 32-flit
packets, run on a user's BookSim 2 build and on `spikepipe noc` configured like it; writes the
zero-load latency and saturation throughput of both, their difference, and the curves.

usage: scripts/booksim_compare.py [--booksim PATH/src/booksim] [--bin build/spikepipe]
                                  [--out bscmp] [--input-speedup 2] [--plot bscmp.png]

BookSim side: one config per case and rate (the mesh88_lat router: 2 VCs of 16 flits, iSLIP
allocators, routing / VC / switch allocation 1 cycle each, credit delay 2, input speedup 2;
`injection_rate_uses_flits = 1` so rates are flits/node/cycle like ours; see booksim_config()
below), run as `booksim FILE`; latency and accepted rate are read from its "Overall Traffic
Statistics". A run that prints none (BookSim's "unstable" / no convergence) is unstable.
Without --booksim only our side runs and BookSim's zero-load latency is the closed form read
from its code, F + 5 H + 6 cycles on a mesh (docs/VALIDATION.md derives it).

Our side: scripts/noc_validation.py with --vcs 2 --buffer 16 --router-latency 5
--terminal-latency 6 --input-speedup S (S = 2 as mesh88_lat, 1 for the router without it).

Zero-load latency: mean packet latency at 0.01 flits/node/cycle. Saturation: the largest offered
load at which the run is stable and accepts within 3% of what is offered, on the sweep and then
bisected to 0.005 (ours: noc_validation.py's stricter per-source criterion).
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from noc_validation import PATTERNS  # noqa: E402

MEAN_HOPS = {"uniform": 5.25, "transpose": 5.25, "bitcomp": 8.0}  # 8x8 mesh, XY routing


def booksim_config(traffic, flits, rate, input_speedup):
    # Our flags map onto these keys; everything else is BookSim's default (booksim_config.cpp).
    return "\n".join([
        "topology = mesh;", "k = 8;", "n = 2;",
        "routing_function = dor;",
        "num_vcs = 2;", "vc_buf_size = 16;", "wait_for_tail_credit = 1;",
        "vc_allocator = islip;", "sw_allocator = islip;", "alloc_iters = 1;",
        "credit_delay = 2;", "routing_delay = 1;", "vc_alloc_delay = 1;", "sw_alloc_delay = 1;",
        "input_speedup = %d;" % input_speedup, "output_speedup = 1;",
        "internal_speedup = 1.0;",
        "traffic = %s;" % traffic, "packet_size = %d;" % flits,
        "injection_rate_uses_flits = 1;", "injection_rate = %g;" % rate,
        "sim_type = latency;", ""])


def parse_booksim(text):
    """(latency, accepted) from BookSim's overall statistics, or None when it printed none."""
    i = text.rfind("Overall Traffic Statistics")
    if i < 0:
        return None
    tail = text[i:]
    lat = re.search(r"Packet latency average\s*=\s*([-0-9.eE+]+)", tail)
    acc = re.search(r"Accepted flit rate average\s*=\s*([-0-9.eE+]+)", tail)
    if not lat or not acc:
        return None
    return float(lat.group(1)), float(acc.group(1))


def run_booksim(exe, d, traffic, flits, rate, speedup):
    os.makedirs(d, exist_ok=True)
    cfg = os.path.join(d, "%s%d_%g.cfg" % (traffic, flits, rate))
    with open(cfg, "w") as f:
        f.write(booksim_config(traffic, flits, rate, speedup))
    r = subprocess.run([exe, cfg], capture_output=True, text=True)
    with open(cfg + ".out", "w") as f:
        f.write(r.stdout)
    res = parse_booksim(r.stdout)
    stable = res is not None and res[1] >= 0.97 * rate
    return rate, (res[0] if res else float("nan")), (res[1] if res else float("nan")), stable


def booksim_case(exe, d, traffic, flits, speedup):
    pts = [run_booksim(exe, d, traffic, flits, float(x), speedup)
           for x in PATTERNS[traffic].split(",")]
    lo = max([p[0] for p in pts if p[3]], default=0.0)
    hi = min([p[0] for p in pts if not p[3] and p[0] > lo], default=1.0)
    while hi - lo > 0.0051:
        mid = round((lo + hi) / 2, 4)
        p = run_booksim(exe, d, traffic, flits, mid, speedup)
        pts.append(p)
        lo, hi = (mid, hi) if p[3] else (lo, mid)
    pts.sort()
    return pts, pts[0][1], lo


def ours(a, patterns, flits):
    out = os.path.join(a.out, "ours")
    table = os.path.join(a.out, "ours.csv")
    subprocess.run([sys.executable, os.path.join(HERE, "noc_validation.py"), "--bin", a.bin,
                    "--out", out, "--vcs", "2", "--buffer", "16", "--router-latency", "5",
                    "--terminal-latency", "6", "--input-speedup", str(a.input_speedup),
                    "--patterns", patterns, "--flits", flits, "--warmup", a.warmup,
                    "--measure", a.measure, "--csv", table], check=True)
    rows = {(r["traffic"], int(r["packet_flits"])): r for r in csv.DictReader(open(table))}
    curves = {}
    for (t, f) in rows:
        c = list(csv.DictReader(open(os.path.join(out, "%s%d" % (t, f), "noc.csv"))))
        curves[(t, f)] = [(float(x["offered"]), float(x["latency_mean"])) for x in c]
    return rows, curves


def pct(x, ref):
    return 100.0 * (x / ref - 1) if ref else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--booksim", default=None, help="a BookSim 2 binary (src/booksim)")
    ap.add_argument("--bin", default="build/spikepipe")
    ap.add_argument("--out", default="bscmp")
    ap.add_argument("--input-speedup", type=int, default=2)
    ap.add_argument("--patterns", default="uniform,transpose,bitcomp")
    ap.add_argument("--flits", default="1,8,32")
    ap.add_argument("--warmup", default="3000")
    ap.add_argument("--measure", default="10000")
    ap.add_argument("--plot", default=None)
    ap.add_argument("--plot-json", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.plot_json:
        d = json.load(open(a.plot_json))
        plot(a.plot, {(t, f): v for t, f, v in d["ours"]},
             {(t, f): v for t, f, v in d["booksim"]})
        return 0
    os.makedirs(a.out, exist_ok=True)
    rows, curves = ours(a, a.patterns, a.flits)
    table = []
    bcurves = {}
    for t in a.patterns.split(","):
        for f in [int(x) for x in a.flits.split(",")]:
            r = rows[(t, f)]
            if a.booksim:
                pts, bz, bsat = booksim_case(a.booksim, os.path.join(a.out, "booksim"), t, f,
                                             a.input_speedup)
                bcurves[(t, f)] = [(p[0], p[1]) for p in pts if p[3] or p[1] == p[1]]
            else:
                bz, bsat = f + 5 * MEAN_HOPS[t] + 6, float("nan")
            table.append((t, f, bz, float(r["zero_load"]), bsat, float(r["saturation"])))
    src = "measured" if a.booksim else "closed form from its code"
    print("| traffic | F | BookSim zero load (%s) | ours | diff | BookSim saturation | ours |"
          " diff |" % src)
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with open(os.path.join(a.out, "compare.csv"), "w") as out:
        out.write("traffic,packet_flits,booksim_zero_load,ours_zero_load,booksim_saturation,"
                  "ours_saturation\n")
        for t, f, bz, oz, bs, os_ in table:
            out.write("%s,%d,%.4f,%.4f,%.4f,%.4f\n" % (t, f, bz, oz, bs, os_))
            sat = ("%.3f | %.3f | %+.1f%%" % (bs, os_, pct(os_, bs)) if bs == bs
                   else "not run | %.3f | -" % os_)
            print("| %s | %d | %.2f | %.2f | %+.1f%% | %s |" % (t, f, bz, oz, pct(oz, bz), sat))
    if a.plot:
        plot(a.plot, curves, bcurves)
    return 0


def plot(path, curves, bcurves):
    try:
        import matplotlib
    except ImportError:  # matplotlib comes from Debian (python3-matplotlib): hand over to it
        fd, data = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump({"ours": [[t, fl, v] for (t, fl), v in curves.items()],
                       "booksim": [[t, fl, v] for (t, fl), v in bcurves.items()]}, f)
        subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), "--plot-json", data,
                        "--plot", path], check=True)
        os.remove(data)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pats = sorted({t for t, _ in curves}, key=list(PATTERNS).index)
    fig, axs = plt.subplots(1, len(pats), figsize=(4 * len(pats), 3.2), squeeze=False)
    for ax, t in zip(axs[0], pats):
        for (tt, f), pts in sorted(curves.items()):
            if tt != t:
                continue
            line, = ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", ms=3,
                            label="ours F=%d" % f)
            if (t, f) in bcurves:
                b = bcurves[(t, f)]
                ax.plot([p[0] for p in b], [p[1] for p in b], "s--", ms=3,
                        color=line.get_color(), label="BookSim F=%d" % f)
            else:  # no BookSim run: its zero-load latency from its code, dotted
                ax.axhline(f + 5 * MEAN_HOPS[t] + 6, ls=":", lw=1, color=line.get_color())
        ax.set_title(t)
        ax.set_ylim(0, 300)
        ax.set_xlabel("offered load (flits/node/cycle)")
        ax.set_ylabel("mean packet latency (cycles)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)


if __name__ == "__main__":
    sys.exit(main())
