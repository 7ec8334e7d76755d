import { describe, expect, it } from "vitest";
import { TradeOffPointsCache, type TradeOffPointView } from "../src/domain/compare/trade-off-points.js";
import { createLocalChangeFeed } from "../src/store/store-changes.js";

const points = (size: number): readonly TradeOffPointView[] => [
  { rowKey: "r", resultRowId: "x", size, validationAccuracy: 0.9, testAccuracy: 0.9, onFrontier: true },
];

describe("TradeOffPointsCache", () => {
  it("keeps a run's points until its results change, on either axis, and leaves other runs alone", () => {
    const changes = createLocalChangeFeed();
    const cache = new TradeOffPointsCache(changes, () => 0);
    cache.set("bytes", "a", points(1), cache.now());
    cache.set("parameters", "a", points(2), cache.now());
    cache.set("bytes", "b", points(3), cache.now());
    changes.publish({ kind: "run-results", runId: "a" });
    expect(cache.get("bytes", "a")).toBeUndefined();
    expect(cache.get("parameters", "a")).toBeUndefined();
    expect(cache.get("bytes", "b")).toEqual(points(3));
  });

  it("does not keep points read while the run's results changed", () => {
    const changes = createLocalChangeFeed();
    const cache = new TradeOffPointsCache(changes, () => 0);
    const readStarted = cache.now();
    // The read is under way when a new report of the run commits...
    changes.publish({ kind: "run-results", runId: "a" });
    // ...so what it read may be the old rows: not kept.
    cache.set("bytes", "a", points(1), readStarted);
    expect(cache.get("bytes", "a")).toBeUndefined();
    // A read that starts after the change is kept.
    cache.set("bytes", "a", points(2), cache.now());
    expect(cache.get("bytes", "a")).toEqual(points(2));
  });

  it("forgets every entry after TTL_MS, bounding staleness when a change message is lost", () => {
    let now = 1_000;
    const cache = new TradeOffPointsCache(createLocalChangeFeed(), () => now);
    cache.set("bytes", "a", points(1), cache.now());
    now += TradeOffPointsCache.TTL_MS - 1;
    expect(cache.get("bytes", "a")).toEqual(points(1));
    now += 1;
    expect(cache.get("bytes", "a")).toBeUndefined();
  });

  it("stops listening once closed", () => {
    const changes = createLocalChangeFeed();
    const cache = new TradeOffPointsCache(changes, () => 0);
    cache.close();
    cache.set("bytes", "a", points(1), cache.now());
    changes.publish({ kind: "run-results", runId: "a" });
    expect(cache.get("bytes", "a")).toEqual(points(1));
  });
});
