/** An IDX file's bytes: big-endian 32-bit header words (magic, then dimensions) followed by the body. */
export function idxFileBytes(header: readonly number[], body: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(header.length * 4 + body.length);
  const view = new DataView(bytes.buffer);
  header.forEach((word, index) => {
    view.setUint32(index * 4, word);
  });
  bytes.set(body, header.length * 4);
  return bytes;
}
