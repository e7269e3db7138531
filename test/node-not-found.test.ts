// node-not-found: a kubelet that looks up its Node object before its registration lands (every real start,
// see fixtures/lab) is waiting, not failing; lookups that go on after it, or with no registration, are a finding.
// Lines composed from the format strings of pkg/kubelet/kubelet_node_status.go (v1.28+).

import { describe, expect, it } from 'vitest';
import { scanText } from './helpers.js';

const PID = 4242;
let seq = 0;
/** A klog line `seconds` after 03:00:00 (a microsecond later than the line before it). */
function line(level: string, src: string, msg: string, seconds = 1): string {
  const us = String(100000 + seq++).padStart(6, '0');
  return `${level}1120 03:${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}.${us}    ${PID} ${src}] ${msg}`;
}
const lookups = (n: number, seconds = 1): string[] =>
  Array.from({ length: n }, () => line('E', 'kubelet_node_status.go:396', '"Error getting the current node from lister" err="node \\"node-a\\" not found"', seconds));
const start = [line('I', 'server.go:530', '"Kubelet version" kubeletVersion="v1.37.2"')];
const attempt = line('I', 'kubelet_node_status.go:75', '"Attempting to register node" node="node-a"');
const registered = line('I', 'kubelet_node_status.go:78', '"Successfully registered node" node="node-a"');

async function ids(lines: string[]): Promise<string[]> {
  const report = await scanText(lines.join('\n') + '\n');
  return report.findings.map((f) => f.ruleId);
}

describe('node-not-found', () => {
  it('is quiet when every lookup came before "Successfully registered node"', async () => {
    expect(await ids([...start, ...lookups(15), attempt, registered])).not.toContain('node-not-found');
  });

  it('fires when the node never registered', async () => {
    expect(await ids([...start, ...lookups(15), attempt])).toContain('node-not-found');
  });

  it('is quiet when a lookup comes in the moment after it (the kubelet\'s cache catching up, as v1.37.2 does)', async () => {
    const statusRace = line('E', 'kubelet_node_status.go:479', '"Error updating node status, will retry" err="error getting node \\"node-a\\": node \\"node-a\\" not found"', 2);
    expect(await ids([...start, ...lookups(15), attempt, registered, statusRace])).not.toContain('node-not-found');
  });

  it('fires when the lookups go on after the registration (the Node object deleted under a running kubelet)', async () => {
    expect(await ids([...start, attempt, registered, ...lookups(15, 120)])).toContain('node-not-found');
    expect(await ids([...start, ...lookups(15), attempt, registered, ...lookups(3, 300)])).toContain('node-not-found');
  });
});
