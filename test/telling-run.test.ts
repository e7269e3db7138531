// A journal that ends right after systemd started the unit again (no kubelet line yet): the run before is the
// one that tells what is wrong now, for what counts as current and for the exit finding alike.
import { describe, expect, it } from 'vitest';
import { scanText } from './helpers.js';

const crash = (t: string, pid: number) => [
  `Aug 15 14:52:${t}.126549 node1 systemd[1]: Started Kubernetes Kubelet Server.`,
  `Aug 15 14:52:${t}.130852 node1 systemd[1]: kubelet.service: Changing to the requested working directory failed: No such file or directory`,
  `Aug 15 14:52:${t}.132947 node1 systemd[1]: kubelet.service: Failed at step CHDIR spawning /usr/local/bin/kubelet: No such file or directory`,
  `Aug 15 14:52:${t}.134004 node1 systemd[1]: kubelet.service: Main process exited, code=exited, status=200/CHDIR`,
  `Aug 15 14:52:${t}.139179 node1 systemd[1]: kubelet.service: Failed with result 'exit-code'.`,
  `Aug 15 14:52:${t}.${pid}000 node1 systemd[1]: kubelet.service: Scheduled restart job, restart counter is at ${pid}.`,
];

describe('the run that tells', () => {
  it('a trailing start with nothing after it does not make the last failure a past one', async () => {
    const text = [...crash('00', 1), ...crash('10', 2), 'Aug 15 14:52:20.126549 node1 systemd[1]: Started Kubernetes Kubelet Server.', ''].join('\n');
    const report = await scanText(text, { nodeState: false });
    const top = report.findings[0]!;
    expect(top.ruleId).toBe('kubelet-root-dir-missing');
    expect(top.current).toBe(true);
    const exit = report.findings.find((f) => f.ruleId === 'kubelet-exit-unexplained');
    expect(exit?.explainedBy).toBe('kubelet-root-dir-missing');
  });
});
