"""The peer of `pnpm bench`: the same work in PyTorch on CPU, timed the same way.

Reads the split the Node benchmark wrote (raw little-endian float32 features and int32 labels), trains
the same MLP (784-512-256-128-10, ReLU, Adam lr 1e-3, batch 128, shuffled), measures every hidden
neuron's activation mean and std on the validation set (float64 accumulation), and runs the same
(mean, std) threshold sweep: for each threshold a physically smaller network (rows and columns
removed, removed neurons' mean folded into the next bias) evaluated on validation and test.
Prints one JSON object. Usage: python3 pytorch-peer.py --data DIR --epochs N --threads T --repeats R
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def load(folder, split, feature_count):
    features = np.fromfile(os.path.join(folder, f"{split}-features.f32"), dtype="<f4")
    labels = np.fromfile(os.path.join(folder, f"{split}-labels.i32"), dtype="<i4")
    return torch.from_numpy(features.reshape(-1, feature_count)), torch.from_numpy(labels.astype(np.int64))


def build(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def linears(model):
    return [m for m in model if isinstance(m, torch.nn.Linear)]


@torch.no_grad()
def accuracy(weights, x, y, chunk=2048):
    correct = 0
    for start in range(0, x.shape[0], chunk):
        h = x[start : start + chunk]
        for i, (w, b) in enumerate(weights):
            h = torch.addmm(b, h, w.t())
            if i < len(weights) - 1:
                h = torch.relu(h)
        correct += int((h.argmax(1) == y[start : start + chunk]).sum())
    return correct / x.shape[0]


@torch.no_grad()
def statistics(weights, x, chunk=2048):
    sums = [torch.zeros(w.shape[0], dtype=torch.float64) for w, _ in weights[:-1]]
    squares = [torch.zeros(w.shape[0], dtype=torch.float64) for w, _ in weights[:-1]]
    for start in range(0, x.shape[0], chunk):
        h = x[start : start + chunk]
        for i, (w, b) in enumerate(weights[:-1]):
            h = torch.relu(torch.addmm(b, h, w.t()))
            h64 = h.double()
            sums[i] += h64.sum(0)
            squares[i] += (h64 * h64).sum(0)
    n = x.shape[0]
    means = [s / n for s in sums]
    stds = [torch.sqrt(torch.clamp(q / n - m * m, min=0)) for q, m in zip(squares, means)]
    return means, stds


@torch.no_grad()
def pruned(weights, means, stds, mean_limit, std_limit):
    """Removes the hidden neurons with |mean| <= mean_limit and std <= std_limit (never all of a layer)."""
    out = [(w.clone(), b.clone()) for w, b in weights]
    for i in range(len(out) - 1):
        drop = (means[i].abs() <= mean_limit) & (stds[i] <= std_limit)
        if bool(drop.all()):
            drop[int(stds[i].argmax())] = False
        keep = (~drop).nonzero().flatten()
        gone = drop.nonzero().flatten()
        w, b = out[i]
        nw, nb = out[i + 1]
        # A removed neuron's (near-constant) output is its mean: folded into the next layer's bias.
        nb = nb + nw[:, gone] @ means[i][gone].float()
        out[i] = (w[keep], b[keep])
        out[i + 1] = (nw[:, keep], nb)
        # Later layers' statistics refer to their own neurons, unchanged by this removal.
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--features", type=int, default=784)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--means", default="0,0.05,0.1,0.2,0.3,0.5")
    parser.add_argument("--stds", default="0.1,0.2,0.4,0.6,1")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    train_x, train_y = load(args.data, "train", args.features)
    val_x, val_y = load(args.data, "validation", args.features)
    test_x, test_y = load(args.data, "test", args.features)

    model = build([args.features, 512, 256, 128, 10])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    epoch_seconds = []
    for _ in range(args.epochs):
        started = time.perf_counter()
        order = torch.randperm(train_x.shape[0])
        for start in range(0, train_x.shape[0], 128):
            batch = order[start : start + 128]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - started)

    weights = [(m.weight.detach(), m.bias.detach()) for m in linears(model)]
    statistics_seconds = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        means, stds = statistics(weights, val_x)
        statistics_seconds.append(time.perf_counter() - started)

    thresholds = [(float(m), float(s)) for m in args.means.split(",") for s in args.stds.split(",")]
    sweep_seconds = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for mean_limit, std_limit in thresholds:
            smaller = pruned(weights, means, stds, mean_limit, std_limit)
            accuracy(smaller, val_x, val_y)
            accuracy(smaller, test_x, test_y)
        sweep_seconds.append(time.perf_counter() - started)

    median = lambda xs: sorted(xs)[len(xs) // 2]
    print(
        json.dumps(
            {
                "peer": f"PyTorch {torch.__version__} CPU",
                "threads": torch.get_num_threads(),
                "trainingSecondsPerEpoch": round(median(epoch_seconds), 3),
                "trainingEpochSeconds": [round(s, 3) for s in epoch_seconds],
                "finalValidationAccuracy": accuracy(weights, val_x, val_y),
                "statisticsSamplesPerSecond": round(val_x.shape[0] / median(statistics_seconds)),
                "sweepThresholds": len(thresholds),
                "sweepSeconds": round(median(sweep_seconds), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
