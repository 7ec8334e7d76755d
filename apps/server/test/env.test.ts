import { DEFAULT_EXPERIMENT_LIMITS } from "@deadweight/experiment-config";
import { describe, expect, it } from "vitest";
import { parseServerEnv } from "../src/env.js";

describe("the server's environment", () => {
  it("defaults to this machine only, port 4100, the project's data folder, a kept secret and the dashboard", () => {
    expect(parseServerEnv({})).toEqual({
      dataDir: undefined,
      host: "127.0.0.1",
      port: 4100,
      authSecret: undefined,
      dashboard: "on",
      database: undefined,
      artifacts: undefined,
      s3: {},
      hostSettings: { experimentLimits: DEFAULT_EXPERIMENT_LIMITS },
    });
    expect(parseServerEnv({ DEADWEIGHT_PORT: "", DEADWEIGHT_HOST: "" })).toMatchObject({
      host: "127.0.0.1",
      port: 4100,
    });
  });

  it("reads every variable", () => {
    const secret = "s".repeat(32);
    expect(
      parseServerEnv({
        DEADWEIGHT_DATA_DIR: "/srv/deadweight",
        DEADWEIGHT_HOST: "0.0.0.0",
        DEADWEIGHT_PORT: "8080",
        DEADWEIGHT_AUTH_SECRET: secret,
        DEADWEIGHT_PUBLIC_URL: "https://deadweight.example.com",
        DEADWEIGHT_DASHBOARD: "off",
        DEADWEIGHT_DATABASE_URL: "postgres://dw:secret@db.internal:5432/deadweight",
        DEADWEIGHT_ARTIFACTS: "s3://models/deadweight",
        AWS_ENDPOINT_URL: "http://minio.internal:9000",
        AWS_REGION: "eu-west-1",
        DEADWEIGHT_EXPERIMENT_LIMITS: '{"maxEpochs": 2000, "maxHiddenUnits": 4096}',
      }),
    ).toEqual({
      dataDir: "/srv/deadweight",
      host: "0.0.0.0",
      port: 8080,
      authSecret: secret,
      dashboard: "off",
      database: "postgres://dw:secret@db.internal:5432/deadweight",
      artifacts: "s3://models/deadweight",
      s3: { endpoint: "http://minio.internal:9000", region: "eu-west-1" },
      hostSettings: {
        publicURL: "https://deadweight.example.com",
        experimentLimits: { ...DEFAULT_EXPERIMENT_LIMITS, maxEpochs: 2000, maxHiddenUnits: 4096 },
      },
    });
  });

  it("names each bad variable, its value and what was expected", () => {
    expect(() => parseServerEnv({ DEADWEIGHT_DASHBOARD: "yes" })).toThrow(
      /DEADWEIGHT_DASHBOARD="yes": expected "on", "dev" or "off"/,
    );
    expect(() => parseServerEnv({ DEADWEIGHT_PORT: "eighty" })).toThrow(
      /DEADWEIGHT_PORT="eighty": expected a port number/,
    );
    expect(() => parseServerEnv({ DEADWEIGHT_PORT: "70000" })).toThrow(
      /DEADWEIGHT_PORT="70000": expected a port from 0 to 65535/,
    );
    expect(() => parseServerEnv({ DEADWEIGHT_AUTH_SECRET: "short" })).toThrow(
      /DEADWEIGHT_AUTH_SECRET=\(hidden\): expected at least 32 characters/,
    );
    expect(() => parseServerEnv({ DEADWEIGHT_HOST: "a host", DEADWEIGHT_PUBLIC_URL: "nope" })).toThrow(
      /DEADWEIGHT_PUBLIC_URL="nope": expected the URL.*\n.*DEADWEIGHT_HOST="a host": /,
    );
  });
});
