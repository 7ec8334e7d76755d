import { describe, expect, it } from "vitest";
import { parseArtifactLocation } from "../src/artifacts/artifact-location.js";
import { s3SettingsFromEnv } from "../src/artifacts/s3-env.js";

describe("parseArtifactLocation", () => {
  it("reads a bucket and its prefix from s3://", () => {
    expect(parseArtifactLocation("s3://deadweight-artifacts/team/a/")).toEqual({
      kind: "s3",
      bucket: "deadweight-artifacts",
      prefix: "team/a",
    });
    expect(parseArtifactLocation("s3://my.bucket")).toEqual({ kind: "s3", bucket: "my.bucket", prefix: "" });
  });

  it("takes anything without a scheme, or a file:// URL, as a folder", () => {
    expect(parseArtifactLocation("/srv/deadweight/artifacts")).toEqual({
      kind: "folder",
      path: "/srv/deadweight/artifacts",
    });
    expect(parseArtifactLocation("relative/bytes")).toEqual({ kind: "folder", path: "relative/bytes" });
    expect(parseArtifactLocation("file:///srv/bytes")).toEqual({ kind: "folder", path: "/srv/bytes" });
  });

  it("names what is wrong with a location it cannot use", () => {
    expect(() => parseArtifactLocation("")).toThrow('artifact location "": it is empty');
    expect(() => parseArtifactLocation("s3://")).toThrow('"" is not a bucket name');
    expect(() => parseArtifactLocation("s3://My_Bucket/x")).toThrow('"My_Bucket" is not a bucket name');
    expect(() => parseArtifactLocation("s3://bucket/a//b")).toThrow('the prefix "a//b" has an empty');
    expect(() => parseArtifactLocation("s3://bucket/../b")).toThrow('the prefix "../b" has an empty, "." or ".."');
    expect(() => parseArtifactLocation("https://bucket.example/x")).toThrow(
      '"https://" is not supported; give a folder or s3://<bucket>/<prefix>',
    );
  });
});

describe("s3SettingsFromEnv", () => {
  it("reads the usual AWS variables, the S3-specific endpoint and AWS_REGION first", () => {
    expect(
      s3SettingsFromEnv({
        AWS_ENDPOINT_URL: "http://general:9000",
        AWS_ENDPOINT_URL_S3: "http://s3-only:9000",
        AWS_REGION: "eu-west-1",
        AWS_DEFAULT_REGION: "us-west-2",
        AWS_ACCESS_KEY_ID: "key",
        AWS_SECRET_ACCESS_KEY: "secret",
      }),
    ).toEqual({
      endpoint: "http://s3-only:9000",
      region: "eu-west-1",
      accessKeyId: "key",
      secretAccessKey: "secret",
    });
    expect(s3SettingsFromEnv({ AWS_ENDPOINT_URL: "http://general:9000", AWS_DEFAULT_REGION: "us-west-2" })).toEqual({
      endpoint: "http://general:9000",
      region: "us-west-2",
    });
  });

  it("treats an empty variable as unset", () => {
    expect(
      s3SettingsFromEnv({ AWS_ENDPOINT_URL_S3: "", AWS_ENDPOINT_URL: "http://general:9000", AWS_REGION: " " }),
    ).toEqual({
      endpoint: "http://general:9000",
    });
  });
});
