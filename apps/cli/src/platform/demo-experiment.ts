/**
 * The experiment `deadweight platform` queues at first start, so a new user sees a real run go
 * through the queue and complete: MNIST (bundled), 10,000 training and 2,000 test samples, a
 * 784-128-64-10 MLP, 2 epochs, the default 30-threshold grid. About 10 s of work on one core.
 */
export const DEMO_EXPERIMENT = {
  name: "MNIST demo",
  description:
    "Queued by `deadweight platform` at first start: a small MNIST run (10,000 training samples, 2 epochs) through the local worker.",
  tags: ["demo"],
  config: {
    dataset: "mnist",
    split: { maxTrainSamples: 10_000, maxTestSamples: 2_000 },
    model: { hidden: [128, 64] },
    training: { epochs: 2 },
  },
} as const;
