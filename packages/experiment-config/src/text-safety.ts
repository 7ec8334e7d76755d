/**
 * The Unicode bidirectional controls: they reorder how the text around them is displayed (U+202E
 * before "fdp.exe" makes it display as "exe.pdf") and scramble tables such as `deadweight status`.
 */
const BIDI_CONTROLS = new Map<number, string>([
  [0x061c, "ARABIC LETTER MARK"],
  [0x200e, "LEFT-TO-RIGHT MARK"],
  [0x200f, "RIGHT-TO-LEFT MARK"],
  [0x202a, "LEFT-TO-RIGHT EMBEDDING"],
  [0x202b, "RIGHT-TO-LEFT EMBEDDING"],
  [0x202c, "POP DIRECTIONAL FORMATTING"],
  [0x202d, "LEFT-TO-RIGHT OVERRIDE"],
  [0x202e, "RIGHT-TO-LEFT OVERRIDE"],
  [0x2066, "LEFT-TO-RIGHT ISOLATE"],
  [0x2067, "RIGHT-TO-LEFT ISOLATE"],
  [0x2068, "FIRST STRONG ISOLATE"],
  [0x2069, "POP DIRECTIONAL ISOLATE"],
]);

/** C0 and C1 control characters: NUL, and the escape sequences that repaint a terminal. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** The line breaks and tabs a multi-line text (a description) may hold. */
const LINE_BREAKS = new Set([0x0a, 0x0d, 0x09]);

/**
 * The first control or bidirectional-control character in `text`, described for an error message
 * ("U+202E (RIGHT-TO-LEFT OVERRIDE) at position 4"), or null when there is none: names and paths
 * people see must not hold them. `allowLineBreaks`: a multi-line text, where line feeds, carriage
 * returns and tabs are fine.
 */
export function unsafeCharacterIn(text: string, options: { readonly allowLineBreaks?: boolean } = {}): string | null {
  let position = 0;
  for (const character of text) {
    position++;
    const code = character.codePointAt(0) as number;
    const bidi = BIDI_CONTROLS.get(code);
    if (bidi === undefined && !isControl(code)) continue;
    if (options.allowLineBreaks === true && LINE_BREAKS.has(code)) continue;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    return `${hex} (${bidi ?? "a control character"}) at position ${position}`;
  }
  return null;
}
