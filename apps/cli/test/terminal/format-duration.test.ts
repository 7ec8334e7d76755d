import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/terminal/format-duration.js";

describe("formatDuration", () => {
  it("shows seconds under a minute", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(12)).toBe("12s");
    expect(formatDuration(12.4)).toBe("12s");
  });

  it("shows minutes with zero-padded seconds", () => {
    expect(formatDuration(185)).toBe("3m05s");
    expect(formatDuration(60)).toBe("1m00s");
  });

  it("rolls a rounded-up 59.6s over into a minute instead of showing 60s", () => {
    expect(formatDuration(59.6)).toBe("1m00s");
  });

  it("shows hours with zero-padded minutes", () => {
    expect(formatDuration(3720)).toBe("1h02m");
    expect(formatDuration(3599.6)).toBe("1h00m");
    expect(formatDuration(26 * 3600 + 5 * 60)).toBe("26h05m");
  });

  it("shows -- for an unknown duration", () => {
    expect(formatDuration(Number.NaN)).toBe("--");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("--");
    expect(formatDuration(-3)).toBe("--");
  });
});
