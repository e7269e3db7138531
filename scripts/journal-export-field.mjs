// One field of systemd's journal export format (what systemd-journal-remote reads): `KEY=value` on one line,
// or, when the value holds a newline, `KEY`, its length as a little-endian 64-bit integer, the bytes and a
// newline. Shared by the composed fixtures (journal-fixture.mjs) and the lab's recordings (lab/journal.mjs).
export function exportField(k, v) {
  const b = Buffer.from(v, 'utf8');
  if (b.includes(10)) {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([Buffer.from(`${k}\n`), len, b, Buffer.from('\n')]);
  }
  return Buffer.from(`${k}=${v}\n`);
}
