// systemd's own lines about the kubelet unit — in the journal (`systemd[1]: kubelet.service: …`) and in a
// pasted `systemctl status` header (`Main PID: 9982 (code=exited, status=255)`) — in every systemd
// version's wording. The unit names and binary paths come from kubelet-identity.ts.

import { KUBELET_PATH, KUBELET_UNIT, KUBELET_UNIT_DESCRIPTION } from '../kubelet-identity.js';

/** A line of PID 1 that speaks of the kubelet unit (or of spawning the kubelet binary). */
export const SYSTEMD_ABOUT_KUBELET = new RegExp(
  String.raw`${KUBELET_UNIT.source}|Kubernetes (?:Kubelet|Node Agent)|^(?:Started|Stopped|Starting|Stopping|Failed to start) ${KUBELET_UNIT_DESCRIPTION}|Service for snap application microk8s\.daemon-kubel|^Failed at step [A-Z_]+ spawning ${KUBELET_PATH.source}`,
  'i',
);

/**
 * A line without a journal prefix that is systemd's about the kubelet unit: not a structured kubelet line
 * (systemd never opens a message with a quote), and naming the unit other than inside a cgroup path (the
 * kubelet's own errors quote `/system.slice/kubelet.service`).
 */
export function bareSystemdAboutKubelet(line: string): boolean {
  return line.charCodeAt(0) !== 34 && SYSTEMD_ABOUT_KUBELET.test(line) && SYSTEMD_ABOUT_KUBELET.test(line.replace(/\/[\w@.\/-]*\.service\b/g, ''));
}

/** PID 1's identifier: `systemd`, or `init.scope` with `-o with-unit`. */
export const PID1 = /^(?:systemd|init|init\.scope)$/;

/** `systemctl status` header lines (pasted along with the journal lines that follow it). */
export const STATUS_UNIT = /^[●○×*↻] (\S+\.(?:service|scope|socket|timer))(?: - (.*)|$)/;
export const STATUS_KEY =
  /^\s+(?:Loaded|Active|Drop-In|Docs|Process|Main PID|Tasks|Memory|CPU|CGroup|TriggeredBy|Status|IP|IO|Invocation|Mem peak|Notify|Trigger|Triggers):\s/;
/** The header lines that say how the unit's process ended or runs: kept as systemd records. */
export const STATUS_TELLING = /^\s+(?:Active: |Main PID: |Process: \d+ ExecStart=)/;

/** Whether a `systemctl status` header names a kubelet unit (by unit name or description). */
export function statusUnitIsKubelet(line: string): boolean {
  const m = STATUS_UNIT.exec(line);
  if (!m) return false;
  return KUBELET_UNIT.test(m[1]!) || new RegExp(String.raw`^${KUBELET_UNIT_DESCRIPTION}`, 'i').test(m[2] ?? '');
}
