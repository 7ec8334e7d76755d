/** What a person typed as seeds ("1, 2, 3"), read: the seeds, or what is wrong with the text. */
export type SeedListText = { readonly seeds: number[] } | { readonly error: string };

/**
 * Reads a comma-separated list of seeds, as the CLI's --seeds and the dashboard's Seeds field take
 * it. Only the text is checked here (whole numbers of 0 or more); how many and whether they repeat
 * is the schema's `seeds` rule, so both say the same thing.
 */
export function seedListFromText(text: string): SeedListText {
  const words = text.split(",").map((word) => word.trim());
  const seeds: number[] = [];
  for (const word of words) {
    if (!/^\d+$/.test(word) || !Number.isSafeInteger(Number(word))) {
      return {
        error:
          word === ""
            ? `"${text}" has an empty entry: list whole numbers separated by commas, e.g. "1, 2, 3"`
            : `"${word}" is not a seed: list whole numbers of 0 or more separated by commas, e.g. "1, 2, 3"`,
      };
    }
    seeds.push(Number(word));
  }
  return { seeds };
}
