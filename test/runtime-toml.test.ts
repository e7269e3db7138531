import { describe, expect, it } from 'vitest';
import { parseToml, tomlGet } from '../src/collectors/runtime-toml.js';

const RUNC = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]';

describe('containerd TOML: what containerd refuses is an error with its line', () => {
  it('a duplicated runc options table', () => {
    const doc = parseToml(`version = 2\n${RUNC}\n  SystemdCgroup = true\n\n${RUNC}\n  SystemdCgroup = false\n`);
    expect(doc.errors).toEqual([{ line: 5, message: expect.stringMatching(/runc\.options\] is defined twice \(first on line 2\)/) }]);
  });
  it('a key defined twice in one table', () => {
    const doc = parseToml(`${RUNC}\n  SystemdCgroup = true\n  SystemdCgroup = false\n`);
    expect(doc.errors).toEqual([{ line: 3, message: expect.stringMatching(/multiple times/) }]);
  });
  it('a healthy file has no errors and keeps its lines; arrays of tables may repeat', () => {
    const doc = parseToml(`version = 2\n${RUNC}\n  SystemdCgroup = true\n[[a]]\nx = 1\n[[a]]\nx = 2\n`);
    expect(doc.errors).toEqual([]);
    expect(tomlGet(doc, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'])).toMatchObject({ value: true, line: 3 });
  });
});
