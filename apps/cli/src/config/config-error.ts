import type { z } from "zod";

/** A configuration the CLI refuses, with one line per problem naming the field and the source. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }

  /** Turns zod's issues into "source: field.path: what was wrong" lines. */
  static fromZod(source: string, error: z.ZodError): ConfigError {
    const lines = error.issues.map((issue) => {
      const path = issue.path.length === 0 ? "(top level)" : formatPath(issue.path);
      return `  ${path}: ${issue.message}`;
    });
    return new ConfigError(`invalid configuration (${source}):\n${lines.join("\n")}`);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`))
    .join("");
}
