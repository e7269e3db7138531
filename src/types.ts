// The shared vocabulary of kubelet-doctor: journal records, evidence, rules, findings and the report.
// Collectors produce evidence, rules turn evidence into findings, renderers turn a Report into output.

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** klog severity letter; JSON logs map `err` to E and everything else to I. */
export type KlogLevel = 'I' | 'W' | 'E' | 'F';

/** The journal formats the reader recognises (auto-detected per source). */
export type JournalFormat =
  | 'short'
  | 'short-precise'
  | 'short-iso'
  | 'short-iso-precise'
  | 'short-full'
  | 'short-monotonic'
  | 'short-unix'
  | 'syslog'
  | 'cat'
  | 'json'
  | 'export'
  | 'json-pretty'
  | 'verbose'
  | 'kubelet-json';

/** One normalised log entry, whatever format it came in. */
export interface LogRecord {
  /** Source name as given by the user (a path, or "stdin", or "journalctl"). */
  source: string;
  /** 1-based physical line of the record's first line in the source. */
  line: number;
  /** Last physical line when continuation lines (stack dumps, indented lines) were attached. */
  endLine?: number;
  /** Time as printed (for display); absent in `cat` format without a klog header. */
  timeText?: string;
  /** Milliseconds since the epoch when the year/zone could be determined or inferred. */
  time?: number;
  host?: string;
  /** Process identifier as printed (kubelet, kubenswrapper, systemd, k3s, ...). */
  process?: string;
  pid?: number;
  /** Severity from the klog header (never from journal PRIORITY). */
  level?: KlogLevel;
  /** Go source location from the klog header or JSON `caller`, e.g. `kubelet.go:1347`. */
  caller?: string;
  /** The message after the journal prefix and the klog header. */
  message: string;
  /** Structured key/values (klog InfoS/ErrorS, kubelet JSON logging), `msg` and `err` included. */
  fields?: Record<string, string>;
  /** Attached continuation lines (goroutine dumps, multi-line values). */
  continuation?: string[];
  /** The line looked cut short (journalctl/systemctl ellipsis or a truncated JSON line). */
  truncated?: boolean;
  /** Whether this record was written by a kubelet-family process (see journal/processes.ts). */
  fromKubelet: boolean;
  /** Whether this is a systemd line about the kubelet unit. */
  fromSystemd: boolean;
}

/** A kubelet process lifetime inside the journal. */
export interface KubeletRun {
  index: number;
  pid?: number;
  source: string;
  startLine: number;
  endLine: number;
  firstTime?: string;
  lastTime?: string;
  kubeletVersion?: string;
  /** How the run ended, when systemd said so. */
  exit?: { code: string; status: string; line: number; text: string };
  /** systemd's restart counter seen after this run. */
  restartCounter?: number;
  /** Rule id of the last fatal signature seen before the process exited. */
  exitCause?: string;
  /** Number of kubelet records in the run. */
  records: number;
  /**
   * The kubelet's own last words in this run: a fatal klog line, `"command failed" err=`, `failed to run
   * Kubelet:`, cobra's `Error:`, a panic (the last one; the first one when the journal was printed newest first).
   */
  lastWords?: RunWords;
  /** Its first such line (a reversed journal's last words). */
  firstWords?: RunWords;
  /** The kernel's OOM killer (or systemd reporting it) ended the process. */
  oom?: { line: number; text: string };
}

/** A line the kubelet printed as it died (journal/runs.ts). */
export interface RunWords {
  source: string;
  line: number;
  endLine?: number;
  text: string;
  /** fatal (F), command-failed, run-failed, error (cobra/stderr `Error:`), panic */
  how: 'fatal' | 'command-failed' | 'run-failed' | 'error' | 'panic';
  time?: string;
}

/** A citation: where a finding's evidence lives. */
export interface Citation {
  kind: 'journal' | 'file' | 'certificate' | 'config' | 'node' | 'api' | 'process' | 'absent';
  /** File path (relative to --root where applicable), `stdin`, or an API path. */
  source: string;
  line?: number;
  endLine?: number;
  /** The cited text (a log line, a config line, a certificate subject). Never a secret. */
  text: string;
  /** Config field or certificate attribute the citation is about. */
  field?: string;
  value?: string;
  /** Character range of `text` that matched, for highlighting. */
  highlight?: [number, number];
  /** For journal citations: how many records matched this signature. */
  count?: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Kubelet run index (journal citations). */
  run?: number;
  note?: string;
}

export interface RemediationStep {
  text: string;
  /** A command a person can paste. */
  command?: string;
}

export interface Remediation {
  summary: string;
  steps: RemediationStep[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  category: string;
  message: string;
  why: string;
  evidence: Citation[];
  remediation: Remediation;
  references: string[];
  /** Ids of findings this one explains (folded under it). */
  explains: string[];
  /** Id of the finding that explains this one, when folded. */
  explainedBy?: string;
  /** Kubelet runs in which the signature was seen. */
  runs: number[];
  /** Seen in the latest kubelet run (or established by current node state). */
  current: boolean;
  /** This signature is what made the kubelet exit in the latest run. */
  causedExit: boolean;
  /** Benign known noise (reported as info with an explanation). */
  benign: boolean;
  /** Total matching journal records. */
  count: number;
  /** Time of the first and last matching journal record, as printed. */
  firstSeen?: string;
  lastSeen?: string;
}

export interface Skipped {
  ruleId: string;
  /** Why, in one line (several missing kinds of evidence joined with "; "). */
  reason: string;
  /** Each missing kind's reason on its own, when there were several (human outputs list each once). */
  reasons?: string[];
}

export interface SourceInfo {
  name: string;
  kind: 'journal' | 'root' | 'file' | 'api' | 'collector';
  format?: JournalFormat | string;
  lines?: number;
  records?: number;
  bytes?: number;
  /** Problems reading this source (truncated, binary garbage, parse errors), said plainly. */
  problems: string[];
}

export interface Report {
  /** Schema version of this JSON document. */
  version: 1;
  tool: { name: 'kubelet-doctor'; version: string };
  generatedAt: string;
  verdict: string;
  node?: { name?: string; kubeletVersion?: string };
  sources: SourceInfo[];
  runs: KubeletRun[];
  /** Set when the journal held more runs than `runs` lists (a bounded summary: the first and the latest few). */
  runsTotal?: number;
  crashLoop?: { runs: number; restartCounter?: number; exitStatus?: string };
  findings: Finding[];
  skipped: Skipped[];
  /** Rule ids that ran (passed or fired) — for JUnit/SARIF. */
  rulesRun: string[];
  stats?: ScanStats;
}

export interface ScanStats {
  bytes: number;
  lines: number;
  records: number;
  /**
   * journal: wall time of the journal pass; read/parse/match: where its thread time went (summed over the
   * threads when a large file was split; parse and match are estimated from one line in eight).
   */
  ms: { journal: number; read: number; parse: number; match: number; collect: number; diagnose: number; total: number };
  /** Threads that scanned the journal (2 when a large file was split and both halves were used). */
  threads: number;
}
