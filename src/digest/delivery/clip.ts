// Chat platforms cap message sizes in bytes; cut long digests at a line boundary with a note.

/** Cut text at a line boundary so it takes at most `maxBytes` in UTF-8. */
export function clipBytes(text: string, maxBytes: number, note = '\n……（内容过长，已截断）'): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(note);
  const lines = text.split('\n');
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (Buffer.byteLength(next) > budget) break;
    out = next;
  }
  return out + note;
}
