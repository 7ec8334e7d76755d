import type { S3Settings } from "./s3-artifact-store.js";

/**
 * The S3 settings in the usual AWS variables: AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL),
 * AWS_REGION (else AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
 * An unset variable and an empty one mean the same: not given.
 */
export function s3SettingsFromEnv(source: Readonly<Record<string, string | undefined>>): S3Settings {
  const value = (name: string) => {
    const text = source[name]?.trim();
    return text === undefined || text === "" ? undefined : text;
  };
  const settings = {
    endpoint: value("AWS_ENDPOINT_URL_S3") ?? value("AWS_ENDPOINT_URL"),
    region: value("AWS_REGION") ?? value("AWS_DEFAULT_REGION"),
    accessKeyId: value("AWS_ACCESS_KEY_ID"),
    secretAccessKey: value("AWS_SECRET_ACCESS_KEY"),
    sessionToken: value("AWS_SESSION_TOKEN"),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, text]) => text !== undefined)) as S3Settings;
}

/** The only place the API package reads process.env: the S3 settings, for openArtifactStore. */
export function readS3Env(): S3Settings {
  return s3SettingsFromEnv(process.env);
}
