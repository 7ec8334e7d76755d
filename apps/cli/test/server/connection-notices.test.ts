import { describe, expect, it } from "vitest";
import { ConnectionNotices } from "../../src/server/connection-notices.js";

function recording() {
  const lines: string[] = [];
  let ended = 0;
  const notices = new ConnectionNotices(
    "http://10.0.0.1:4100",
    { write: (text: string) => lines.push(text) > 0 },
    () => {
      ended++;
    },
  );
  return { notices, lines, endedLines: () => ended };
}

describe("ConnectionNotices", () => {
  it("prints one line when the connection is lost and one when it is back, however many subscriptions share it", () => {
    const { notices, lines, endedLines } = recording();
    notices.connectionLost("run-1");
    notices.connectionLost("run-2");
    notices.connectionLost("run-1");
    expect(lines).toEqual(["connection to http://10.0.0.1:4100 lost; reconnecting…\n"]);
    notices.connected("run-1");
    expect(lines).toHaveLength(1);
    notices.connected("run-2");
    expect(lines).toEqual([
      "connection to http://10.0.0.1:4100 lost; reconnecting…\n",
      "connection to http://10.0.0.1:4100 back\n",
    ]);
    // Each line ends the progress line drawn in place first.
    expect(endedLines()).toBe(2);
  });

  it("says nothing for a subscription that connects without having lost anything", () => {
    const { notices, lines } = recording();
    notices.connected("run-1");
    expect(lines).toEqual([]);
  });
});
