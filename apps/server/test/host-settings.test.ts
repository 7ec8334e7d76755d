import { DEFAULT_EXPERIMENT_LIMITS } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import { parseServerEnv } from "../src/env.js";
import { parseHostSettings } from "../src/host-settings.js";

describe("the host settings shared by deadweight-server and deadweight platform", () => {
  it("leaves every setting to the API's defaults when unset", () => {
    expect(parseHostSettings({})).toEqual({ experimentLimits: DEFAULT_EXPERIMENT_LIMITS });
    expect(parseServerEnv({}).hostSettings).toEqual({ experimentLimits: DEFAULT_EXPERIMENT_LIMITS });
  });

  it("reads the public URL, sign-up policy, host-origin trust, body limits in bytes and experiment limits", () => {
    const source = {
      DEADWEIGHT_PUBLIC_URL: "https://deadweight.example.com",
      DEADWEIGHT_SIGN_UP: "closed",
      DEADWEIGHT_TRUST_HOST_ORIGIN: "on",
      DEADWEIGHT_MAX_REQUEST_BYTES: "2097152",
      DEADWEIGHT_MAX_WORKER_REQUEST_BYTES: "67108864",
      DEADWEIGHT_EXPERIMENT_LIMITS: '{"maxEpochs": 2000}',
    };
    const expected = {
      publicURL: "https://deadweight.example.com",
      signUp: "closed",
      trustHostOrigin: true,
      maxRequestBodyBytes: 2_097_152,
      maxWorkerRequestBodyBytes: 67_108_864,
      experimentLimits: { ...DEFAULT_EXPERIMENT_LIMITS, maxEpochs: 2000 },
    };
    expect(parseHostSettings(source)).toEqual(expected);
    expect(parseServerEnv(source).hostSettings).toEqual(expected);
    expect(parseHostSettings({ DEADWEIGHT_TRUST_HOST_ORIGIN: "off" })).toMatchObject({ trustHostOrigin: false });
  });

  it("names each bad value and what was expected", () => {
    expect(() => parseHostSettings({ DEADWEIGHT_MAX_REQUEST_BYTES: "1MB" })).toThrow(
      /DEADWEIGHT_MAX_REQUEST_BYTES="1MB": expected a number of bytes, e\.g\. 1048576/,
    );
    expect(() => parseHostSettings({ DEADWEIGHT_MAX_WORKER_REQUEST_BYTES: "10" })).toThrow(
      /DEADWEIGHT_MAX_WORKER_REQUEST_BYTES="10": expected at least 1024 bytes/,
    );
    expect(() => parseHostSettings({ DEADWEIGHT_SIGN_UP: "invited" })).toThrow(
      /DEADWEIGHT_SIGN_UP="invited": expected "open", "invite" or "closed"/,
    );
    expect(() => parseHostSettings({ DEADWEIGHT_TRUST_HOST_ORIGIN: "yes" })).toThrow(
      /DEADWEIGHT_TRUST_HOST_ORIGIN="yes": expected "on" or "off"/,
    );
    expect(() => parseHostSettings({ DEADWEIGHT_EXPERIMENT_LIMITS: '{"maxEpochs": -1}' })).toThrow(
      /DEADWEIGHT_EXPERIMENT_LIMITS="\{\\"maxEpochs\\": -1\}": maxEpochs: must be at least 1/,
    );
    expect(() => parseHostSettings({ DEADWEIGHT_EXPERIMENT_LIMITS: "epochs=5" })).toThrow(
      /DEADWEIGHT_EXPERIMENT_LIMITS="epochs=5": expected a JSON object of limits/,
    );
  });
});
