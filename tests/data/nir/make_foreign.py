#!/usr/bin/env python3
"""Writes the NIR files of tests/data/nir/ that stand for files written by other tools.

They are made with h5py alone, the way the NIR python library's `nir.write` lays out a graph
(neuromorphs/NIR, nir/serialization.py: a `version` string dataset, a group `node` holding the
NIRGraph as `to_dict()` gives it: `type`, `nodes/<id>/...`, `edges` as an N x 2 array of strings,
arrays gzip-compressed) and the way each exporter fills the parameters:

  snntorch_fc.nir     snnTorch-style (snntorch/export_nir.py): Affine + LIF with scalar
                      parameters, dt = 1e-4 (tau = dt/(1-beta), r = tau/dt): run with
                      --nir-dt 1e-4; input_type/output_type groups; edges shuffled
  norse_conv.nir      Norse-style: taus in seconds (dt = 1e-3: run with --nir-dt 0.001),
                      Conv2d with padding as an int, SumPool2d, Flatten, no shape on the Input
  sinabs_same.nir     Sinabs-style: IF neurons, padding 'same', AvgPool2d, Linear without bias
  rnn_recurrent.nir   NIR's own recurrent example: a CubaLIF fed back through an Affine
  snntorch_rsynaptic.nir  snnTorch's RSynaptic: a nested NIRGraph (CubaLIF fed back through a
                      Linear), w_in = tau_syn/dt, dt = 1e-4; edges to "lif1.input"
  nir0_conv1d.nir     an older NIR (0.x) file: no input_type groups, Flatten's input_type a plain
                      dataset, Conv1d, Scale, Delay, a Threshold and an LI read-out

Run from anywhere: python3 tests/data/nir/make_foreign.py (needs python3-h5py and numpy). The
expected shapes are written down in tests/unit/workloads/test_nir.cpp.
"""
import os
import random

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def write(name, graph, version="1.0.0"):
    """nir.write: version, then the graph under `node`, recursively."""

    def rec(group, d):
        for k, v in d.items():
            if isinstance(v, str):
                group.create_dataset(k, data=v, dtype=h5py.string_dtype())
            elif isinstance(v, np.ndarray):
                # nir.write gzips every array; tiny ones are left plain here to keep the
                # committed files small (HDF5 reads both alike).
                group.create_dataset(k, data=v, dtype=v.dtype,
                                     compression="gzip" if v.size > 256 else None)
            elif isinstance(v, dict):
                rec(group.create_group(str(k)), v)
            else:
                group.create_dataset(k, data=v)

    with h5py.File(os.path.join(HERE, name), "w") as f:
        f.create_dataset("version", data=version, dtype=h5py.string_dtype())
        rec(f.create_group("node"), graph)


def types(i, o):
    return {"input_type": {"input": np.array(i)}, "output_type": {"output": np.array(o)}}


def graph(nodes, edges, shuffle=True):
    edges = list(edges)
    if shuffle:
        random.Random(3).shuffle(edges)
    return {"type": "NIRGraph", "nodes": nodes, "edges": edges}


def small(*shape):
    # Weights as exporters write them (float32), mostly zero so that the committed files stay a
    # few KB: only their shapes matter to spikepipe.
    w = np.zeros(shape, np.float32)
    w.flat[:: max(1, w.size // 8)] = rng.normal(0, 0.1, size=w.flat[:: max(1, w.size // 8)].shape)
    return w


def snntorch_lif(beta=0.9, thr=1.0, dt=1e-4):
    # snntorch/export_nir.py, Leaky: dt = 1e-4, tau = dt/(1-beta), r = tau/dt, v_leak 0; the
    # parameters are scalars (0-d): the threshold too (module.threshold is a 0-d tensor, and
    # nir.LIF asserts that all its parameters have the same shape; a 1-element threshold beside
    # 0-d taus, as this script wrote before, is a file nir's own classes refuse to read).
    tau = dt / (1 - beta)
    return {"type": "LIF", "tau": np.array(tau), "r": np.array(tau / dt),
            "v_leak": np.array(0.0), "v_threshold": np.array(thr, np.float32)}


def snntorch_cuba(n, alpha, beta, thr=1.0, dt=1e-4):
    # snntorch/export_nir.py, RSynaptic: per-neuron arrays, w_in = tau_syn/dt.
    ts, tm = dt / (1 - alpha), dt / (1 - beta)
    return {"type": "CubaLIF", "tau_syn": np.full(n, ts), "tau_mem": np.full(n, tm),
            "r": np.full(n, tm / dt), "v_leak": np.zeros(n), "v_threshold": np.full(n, thr),
            "w_in": np.full(n, ts / dt), **types([n], [n])}


# snnTorch: 784 -> 128 -> 10, Leaky(beta=0.9) and Leaky(beta=0.8, threshold 0.5); dt = 1e-4.
write("snntorch_fc.nir", graph({
    "input": {"type": "Input", "shape": np.array([784]), **types([784], [784])},
    "fc1": {"type": "Affine", "weight": small(128, 784), "bias": small(128), **types([784], [128])},
    "lif1": snntorch_lif(0.9, 1.0),
    "fc2": {"type": "Affine", "weight": small(10, 128), "bias": small(10), **types([128], [10])},
    "lif2": snntorch_lif(0.8, 0.5),
    "output": {"type": "Output", "shape": np.array([10]), **types([10], [10])},
}, [("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "lif2"), ("lif2", "output")]))


def norse_lif(shape):
    # Norse: tau_mem_inv = 100/s, dt = 1 ms: tau = 0.01 s; scalar-per-neuron arrays.
    return {"type": "LIF", "tau": np.full(shape, 0.01), "r": np.ones(shape),
            "v_leak": np.zeros(shape), "v_threshold": np.ones(shape)}


# Norse: 1x28x28 -> conv 5x5x8 pad 2 -> LIF -> sumpool 2 -> conv 3x3x16 pad 1 -> LIF -> pool 2
#        -> flatten -> 7*7*16 = 784 -> affine 10 -> LIF. The Input carries no shape; the first
#        Conv2d gives input_shape.
write("norse_conv.nir", graph({
    "input": {"type": "Input", "shape": np.array([1, 28, 28])[:0]},  # left empty by the exporter
    "conv1": {"type": "Conv2d", "weight": small(8, 1, 5, 5), "bias": small(8), "stride": 1,
              "padding": 2, "dilation": 1, "groups": 1, "input_shape": np.array([28, 28])},
    "lif1": norse_lif((8, 28, 28)),
    "pool1": {"type": "SumPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
              "padding": np.array([0, 0])},
    "conv2": {"type": "Conv2d", "weight": small(16, 8, 3, 3), "bias": small(16),
              "stride": np.array([1, 1]), "padding": np.array([1, 1]),
              "dilation": np.array([1, 1]), "groups": 1},
    "lif2": norse_lif((16, 14, 14)),
    "pool2": {"type": "SumPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
              "padding": np.array([0, 0])},
    "flat": {"type": "Flatten", "start_dim": 0, "end_dim": -1,
             "input_type": {"input": np.array([16, 7, 7])}},
    "fc": {"type": "Affine", "weight": small(10, 784), "bias": small(10)},
    "lif3": norse_lif((10,)),
    "output": {"type": "Output", "shape": np.array([10])},
}, [("input", "conv1"), ("conv1", "lif1"), ("lif1", "pool1"), ("pool1", "conv2"),
    ("conv2", "lif2"), ("lif2", "pool2"), ("pool2", "flat"), ("flat", "fc"), ("fc", "lif3"),
    ("lif3", "output")]))


def sinabs_if(shape, thr):
    return {"type": "IF", "r": np.ones(shape, np.float32),
            "v_threshold": np.full(shape, thr, np.float32)}


# Sinabs: 2x32x32 (DVS polarities) -> conv 3x3x4 'same' -> IF -> avgpool 4 -> flatten 4*8*8=256
#         -> linear 11 (no bias) -> IF.
write("sinabs_same.nir", graph({
    "in": {"type": "Input", "shape": np.array([2, 32, 32])},
    "0": {"type": "Conv2d", "weight": small(4, 2, 3, 3), "bias": np.zeros(4, np.float32),
          "stride": np.array([1, 1]), "padding": "same", "dilation": np.array([1, 1]),
          "groups": 1, "input_shape": np.array([32, 32])},
    "1": sinabs_if((4, 32, 32), 1.0),
    "2": {"type": "AvgPool2d", "kernel_size": np.array([4, 4]), "stride": np.array([4, 4]),
          "padding": np.array([0, 0])},
    "3": {"type": "Flatten", "start_dim": 1, "end_dim": -1,
          "input_type": {"input": np.array([4, 8, 8])}},
    "4": {"type": "Linear", "weight": small(11, 256)},
    "5": sinabs_if((11,), 2.0),
    "out": {"type": "Output", "shape": np.array([11])},
}, [("in", "0"), ("0", "1"), ("1", "2"), ("2", "3"), ("3", "4"), ("4", "5"), ("5", "out")]))


def cuba(n):
    return {"type": "CubaLIF", "tau_mem": np.full(n, 20.0), "tau_syn": np.full(n, 5.0),
            "r": np.full(n, 20.0), "v_leak": np.zeros(n), "v_threshold": np.ones(n),
            "w_in": np.ones(n)}


# NIR's recurrent example: input 2 -> affine1 -> cu1 <-> affine_rec, cu1 -> affine2 -> cu2.
write("rnn_recurrent.nir", graph({
    "input": {"type": "Input", "shape": np.array([2])},
    "affine1": {"type": "Affine", "weight": small(3, 2), "bias": small(3)},
    "cu1": cuba(3),
    "affine_rec": {"type": "Affine", "weight": small(3, 3), "bias": small(3)},
    "affine2": {"type": "Affine", "weight": small(2, 3), "bias": small(2)},
    "cu2": cuba(2),
    "output": {"type": "Output", "shape": np.array([2])},
}, [("input", "affine1"), ("affine1", "cu1"), ("affine_rec", "cu1"), ("cu1", "affine_rec"),
    ("cu1", "affine2"), ("affine2", "cu2"), ("cu2", "output")]))


# snnTorch RSynaptic(all_to_all=True, alpha 0.8, beta 0.95): the recurrent layer is a nested
# graph with its own Input, CubaLIF, Linear w_rec and Output; the outer edges here name
# "lif1.input" and "lif1.output".
rsyn = graph({
    "input": {"type": "Input", "shape": np.array([64])},
    "lif": snntorch_cuba(64, 0.8, 0.95),
    "w_rec": {"type": "Linear", "weight": small(64, 64)},
    "output": {"type": "Output", "shape": np.array([64])},
}, [("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")])
write("snntorch_rsynaptic.nir", graph({
    "input": {"type": "Input", "shape": np.array([40])},
    "fc1": {"type": "Affine", "weight": small(64, 40), "bias": small(64)},
    "lif1": rsyn,
    "fc2": {"type": "Affine", "weight": small(5, 64), "bias": small(5)},
    "lif2": snntorch_lif(0.9, 1.0),
    "output": {"type": "Output", "shape": np.array([5])},
}, [("input", "fc1"), ("fc1", "lif1.input"), ("lif1.output", "fc2"), ("fc2", "lif2"),
    ("lif2", "output")]))


# NIR 0.x: 2 channels x 16 samples -> Conv1d k3 x6 (no input_shape) -> Scale -> Threshold
#          -> Delay -> flatten 6*14 = 84 -> Affine 4 -> LI (read-out).
write("nir0_conv1d.nir", graph({
    "input": {"type": "Input", "shape": np.array([2, 16])},
    "conv": {"type": "Conv1d", "weight": small(6, 2, 3), "bias": small(6), "stride": 1,
             "padding": 0, "dilation": 1, "groups": 1},
    "scale": {"type": "Scale", "scale": np.full((6, 14), 0.5)},
    "spike": {"type": "Threshold", "threshold": np.full((6, 14), 0.25)},
    "delay": {"type": "Delay", "delay": np.ones((6, 14))},
    "flat": {"type": "Flatten", "start_dim": 0, "end_dim": -1, "input_type": np.array([6, 14])},
    "readout": {"type": "Affine", "weight": small(4, 84), "bias": small(4)},
    "li": {"type": "LI", "tau": np.full(4, 4.0), "r": np.ones(4), "v_leak": np.zeros(4)},
    "output": {"type": "Output", "shape": np.array([4])},
}, [("input", "conv"), ("conv", "scale"), ("scale", "spike"), ("spike", "delay"),
    ("delay", "flat"), ("flat", "readout"), ("readout", "li"), ("li", "output")]),
    version="0.2.0")
