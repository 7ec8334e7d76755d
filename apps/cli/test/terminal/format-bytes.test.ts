import { describe, expect, it } from "vitest";
import { formatBytes } from "../../src/terminal/format-bytes.js";

describe("formatBytes", () => {
  it("shows whole bytes under 1 KB", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1023)).toBe("1023 B");
  });

  it("shows KB with one decimal, 1 KB being 1024 B", () => {
    expect(formatBytes(1024)).toBe("1.0 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(784_000)).toBe("765.6 KB");
  });

  it("shows MB with one decimal", () => {
    expect(formatBytes(1024 * 1024)).toBe("1.0 MB");
    expect(formatBytes(2_269_736)).toBe("2.2 MB");
  });

  it("switches to MB when KB would round up to 1024.0", () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe("1.0 MB");
  });

  it("keeps sizes beyond a GB in MB", () => {
    expect(formatBytes(3 * 1024 ** 3)).toBe("3072.0 MB");
  });
});
