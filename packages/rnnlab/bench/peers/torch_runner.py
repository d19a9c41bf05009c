#!/usr/bin/env python3
"""PyTorch peer runner for the rnnlab benchmark suite (issue 4).

Trains the tutorial workload (DJI daily Close 2019-03-25..2024-03-20, z-scored, 1241 windows of 16 steps,
next-step target at every step, batch 16, shuffled, hidden 64, 2 layers, Adam 1e-3, summed MSE) for one model
on ONE thread and prints the measurements. With --json it prints exactly one JSON line on stdout (progress goes
to stderr); see bench/peers/README.md for the schema.

Run it with Debian's Python (/usr/bin/python3), where `apt-get install -y python3-torch` puts torch.
"""

import argparse
import csv
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def threads_from_argv(argv):
    """The value of --threads N / --threads=N in argv (None if absent or not a positive integer)."""
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            value = argv[i + 1]
        elif a.startswith("--threads="):
            value = a.split("=", 1)[1]
        else:
            continue
        return int(value) if value.isdigit() and int(value) >= 1 else None
    return None


# One thread everywhere unless --threads N; these must be set before torch (and its OpenMP / BLAS) is loaded.
# --threads N overrides the harness's OMP/OPENBLAS/MKL_NUM_THREADS=1 (OpenBLAS reads its count at load time, and
# torch.set_num_threads alone would leave the BLAS calls on one thread).
_THREADS = threads_from_argv(sys.argv[1:])
for _var in THREAD_VARS:
    if _THREADS is not None:
        os.environ[_var] = str(_THREADS)
    else:
        os.environ.setdefault(_var, "1")

EXIT_NO_TORCH = 3
MODELS = ("drnn", "brnn", "lstm", "gru")
DATE_FROM = "2019-03-25"
DATE_TO = "2024-03-20"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "data", "dji.csv"))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def import_torch():
    try:
        import numpy as np  # noqa: F401  (torch needs it for from_numpy)
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the machine
        print(
            "PyTorch not found: install Debian's python3-torch (apt-get install -y python3-torch) "
            f"and run this script with /usr/bin/python3 [{exc}] (python: {sys.executable})",
            file=sys.stderr,
        )
        sys.exit(EXIT_NO_TORCH)
    return torch


def parse_args(argv):
    p = argparse.ArgumentParser(description="PyTorch peer runner for the rnnlab benchmark")
    p.add_argument("--model", choices=MODELS, default="lstm")
    p.add_argument("--epochs", type=int, default=20, help="training epochs (epoch 1 is warm-up); default 20")
    p.add_argument("--data", default=DEFAULT_DATA, help="path to dji.csv (Date,Open,High,Low,Close,Volume)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON line on stdout")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--seq", type=int, default=16, help="window length T")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--steps",
        type=int,
        default=0,
        help="scaling mode: time this many training steps (after 3 warm-up steps) instead of epochs",
    )
    p.add_argument("--latency-calls", type=int, default=300, help="batch-1 calls timed (>= 200)")
    p.add_argument("--inference-reps", type=int, default=5, help="full inference passes timed (median)")
    p.add_argument(
        "--loader",
        choices=("tensor", "dataloader"),
        default="tensor",
        help="tensor: index the whole-data tensors with a permutation (default, fastest); "
        "dataloader: torch.utils.data.DataLoader(TensorDataset, shuffle=True) as the tutorial does",
    )
    p.add_argument(
        "--rss-epochs",
        default=None,
        help="memory growth: sample the current RSS (after gc.collect()) after these epochs, e.g. 10,200; "
        "trains at least max(...) epochs and reports the growth from the first sample to the last",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="intra-op threads (torch.set_num_threads, and OMP/OPENBLAS/MKL_NUM_THREADS before torch loads); "
        "default 1",
    )
    p.add_argument("--check", action="store_true", help="print versions as JSON and exit (0 = torch usable)")
    args = p.parse_args(argv)
    if args.threads < 1:
        p.error("--threads must be >= 1")
    if args.latency_calls < 200:
        p.error("--latency-calls must be >= 200")
    args.rss_epochs = parse_rss_epochs(p, args.rss_epochs)
    if args.rss_epochs:
        args.epochs = max(args.epochs, args.rss_epochs[-1])
    return args


def parse_rss_epochs(p, text):
    if text is None:
        return []
    try:
        epochs = [int(s) for s in text.split(",")]
    except ValueError:
        p.error(f"--rss-epochs expects comma-separated epochs such as 10,200, got {text!r}")
    if len(epochs) < 2 or epochs[0] < 1 or any(b <= a for a, b in zip(epochs, epochs[1:])):
        p.error(f"--rss-epochs needs at least two ascending epochs >= 1 (e.g. 10,200), got {text!r}")
    return epochs


def load_close(path):
    closes = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if DATE_FROM <= row["Date"] <= DATE_TO:
                closes.append((row["Date"], float(row["Close"])))
    closes.sort(key=lambda r: r[0])
    return [c for _, c in closes]


def make_windows(series, seq):
    """z-score (mean, unbiased std of the series), X[r][i] = x[r+i], Y[r][i] = x[r+i+1]."""
    import numpy as np

    x = np.asarray(series, dtype=np.float64)
    x = (x - x.mean()) / x.std(ddof=1)
    n = len(x) - seq
    idx = np.arange(n)[:, None] + np.arange(seq)[None, :]
    X = x[idx].astype(np.float32)[:, :, None]
    Y = x[idx + 1].astype(np.float32)[:, :, None]
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


def blas_libraries():
    """Shared libraries with 'blas' in their name mapped into this process (after torch did a matmul)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and "blas" in parts[-1].lower():
                    libs.add(os.path.realpath(parts[-1]))
    except OSError:
        pass
    return sorted(libs)


def versions(torch):
    import numpy as np

    torch.mm(torch.ones(8, 8), torch.ones(8, 8))  # make sure the BLAS library is loaded
    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "pythonExecutable": sys.executable,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "blas": blas_libraries(),
        "openblasCore": _openblas_core(),
        "openblasCoretypeEnv": os.environ.get("OPENBLAS_CORETYPE"),
        "cpuCapability": _cpu_capability(torch),
        "mkldnn": _mkldnn(torch),
        "os": _os_release(),
    }


def _openblas_core():
    """The kernel set OpenBLAS chose at load time (openblas_get_corename), e.g. 'Haswell' or 'SkylakeX'."""
    import ctypes

    for lib in blas_libraries():
        if "openblas" not in os.path.basename(lib):
            continue
        try:
            name = ctypes.CDLL(lib).openblas_get_corename
            name.restype = ctypes.c_char_p
            return name().decode()
        except (OSError, AttributeError):
            pass
    return None


def _mkldnn(torch):
    try:
        return bool(torch.backends.mkldnn.is_available())
    except Exception:
        return None


def _os_release():
    """PRETTY_NAME of /etc/os-release: tells Debian 12 (host, torch 1.13) from 13 (the trixie root, torch 2.6)."""
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return None


def _cpu_capability(torch):
    """torch.backends.cpu.get_cpu_capability() (torch >= 2.0); torch 1.13 lacks it: its build config's line."""
    try:
        return torch.backends.cpu.get_cpu_capability()
    except Exception:  # torch 1.13: no torch.backends.cpu.get_cpu_capability
        for line in torch.__config__.show().splitlines():
            if "CPU capability usage" in line:
                return line.split(":", 1)[1].strip()
    return None


def build_model(torch, kind, hidden, layers):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            bidirectional = kind == "brnn"
            if kind in ("drnn", "brnn"):
                self.rnn = nn.RNN(
                    1, hidden, layers, nonlinearity="tanh", batch_first=True, bidirectional=bidirectional
                )
            elif kind == "lstm":
                self.rnn = nn.LSTM(1, hidden, layers, batch_first=True)
            else:
                self.rnn = nn.GRU(1, hidden, layers, batch_first=True)
            self.linear = nn.Linear(hidden * (2 if bidirectional else 1), 1)

        def forward(self, x):
            out, _ = self.rnn(x)  # zero initial state, as the tutorial's explicit zeros
            return self.linear(out)  # Linear applied at every time step

    return Net()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # ru_maxrss is KiB on Linux


def current_rss_mb():
    """Resident set size now (not the peak), from /proc/self/statm; falls back to the peak elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()


def ms_since(t0):
    return (time.perf_counter_ns() - t0) / 1e6


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    torch = import_torch()
    import numpy as np

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    vers = versions(torch)
    if args.check:
        print(json.dumps({"runner": "torch", "ok": True, "versions": vers}))
        return 0

    torch.manual_seed(args.seed)
    series = load_close(args.data)
    X_np, Y_np = make_windows(series, args.seq)
    X = torch.from_numpy(X_np)
    Y = torch.from_numpy(Y_np)
    n = X.shape[0]
    B = args.batch
    model = build_model(torch, args.model, args.hidden, args.layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.MSELoss(reduction="none")
    gen = torch.Generator().manual_seed(args.seed)

    def train_step(xb, yb):
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb).sum()
        loss.backward()
        optimizer.step()
        return loss.item()

    def batches():
        if args.loader == "dataloader":
            ds = torch.utils.data.TensorDataset(X, Y)
            yield from torch.utils.data.DataLoader(ds, batch_size=B, shuffle=True, generator=gen)
            return
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, B):
            idx = perm[i : i + B]
            yield X[idx], Y[idx]

    common = {
        "runner": "torch",
        "model": args.model,
        "hidden": args.hidden,
        "layers": args.layers,
        "seq": args.seq,
        "batch": B,
        "windows": n,
        "threads": torch.get_num_threads(),
        "loader": args.loader,
        "seed": args.seed,
        "params": sum(p.numel() for p in model.parameters()),
    }

    if args.steps > 0:
        # Scaling mode: ms per training step (forward + backward + Adam step), median over --steps steps.
        model.train()
        it = batches()
        times = []
        for k in range(3 + args.steps):
            try:
                xb, yb = next(it)
            except StopIteration:
                it = batches()
                xb, yb = next(it)
            if xb.shape[0] != B:  # keep every timed step at the full batch size
                it = batches()
                xb, yb = next(it)
            t0 = time.perf_counter_ns()
            train_step(xb, yb)
            if k >= 3:
                times.append(ms_since(t0))
        result = dict(common)
        result.update(
            {
                "mode": "steps",
                "steps": args.steps,
                "msPerStep": statistics.median(times),
                "msPerStepMean": statistics.fmean(times),
                "peakRssMb": peak_rss_mb(),
                "versions": vers,
            }
        )
        emit(result, args.json)
        return 0

    if any("/blas/libblas" in lib for lib in vers["blas"]):
        log("warning: torch is using the reference BLAS (netlib); install libopenblas0-pthread for a fair peer")

    # Training: median ms/epoch over epochs 2..E (epoch 1 is warm-up); final MSE = mean per element, last epoch.
    epoch_ms = []
    mse_by_epoch = []
    rss_samples = []  # (epoch, MiB) for --rss-epochs
    model.train()
    for epoch in range(args.epochs):
        t0 = time.perf_counter_ns()
        total = 0.0
        for xb, yb in batches():
            total += train_step(xb, yb)
        epoch_ms.append(ms_since(t0))
        mse_by_epoch.append(total / (n * args.seq))
        log(f"[torch {args.model}] epoch {epoch + 1}/{args.epochs} {epoch_ms[-1]:.1f} ms mse {mse_by_epoch[-1]:.5f}")
        if epoch + 1 in args.rss_epochs:
            gc.collect()
            rss_samples.append((epoch + 1, current_rss_mb()))
    timed = epoch_ms[1:] if len(epoch_ms) > 1 else epoch_ms

    # Inference over all windows, in order, batches of 16 (and, separately, all windows as one batch).
    model.eval()
    with torch.inference_mode():
        passes = []
        for rep in range(args.inference_reps + 1):
            t0 = time.perf_counter_ns()
            for i in range(0, n, B):
                model(X[i : i + B]).numpy()
            if rep > 0:
                passes.append(ms_since(t0))
        passes_all = []
        for rep in range(args.inference_reps + 1):
            t0 = time.perf_counter_ns()
            model(X).numpy()
            if rep > 0:
                passes_all.append(ms_since(t0))

        # Batch-1 latency: one window (1, T, 1) from host memory to the (1, T, 1) prediction in host memory.
        window = np.ascontiguousarray(X_np[n - 1 : n])
        for _ in range(20):
            model(torch.from_numpy(window)).numpy()
        lat = []
        for _ in range(args.latency_calls):
            t0 = time.perf_counter_ns()
            model(torch.from_numpy(window)).numpy()
            lat.append(ms_since(t0))

    result = dict(common)
    result.update(
        {
            "mode": "epochs",
            "epochs": args.epochs,
            "msPerEpoch": statistics.median(timed),
            "msPerEpochAll": epoch_ms,
            "msInference": statistics.median(passes),
            "inferenceBatch": B,
            "msInferenceAll": statistics.median(passes_all),
            "msLatencyB1": statistics.median(lat),
            "latencyCalls": len(lat),
            "finalMse": mse_by_epoch[-1],
            "mseByEpoch": mse_by_epoch,
            "peakRssMb": peak_rss_mb(),
            "versions": vers,
        }
    )
    if rss_samples:
        first, last = rss_samples[0][1], rss_samples[-1][1]
        result.update(
            {
                "rssEpochs": [e for e, _ in rss_samples],
                "rssMbAt": [mb for _, mb in rss_samples],
                "rssGrowthPct": 100.0 * (last - first) / first,
                "rssForcedGc": True,
            }
        )
    emit(result, args.json)
    return 0


def emit(result, as_json):
    if as_json:
        print(json.dumps(result), flush=True)
        return
    for key, value in result.items():
        if isinstance(value, list) and len(value) > 8:
            value = f"[{len(value)} values]"
        print(f"{key:>16}: {value}")


if __name__ == "__main__":
    sys.exit(main())
