// The manifest inside every node bundle (`kubelet-doctor collect`): what was taken, what was redacted,
// what could not be read and why. Node paths are absolute on the node; the bundle holds them relative.

/** Where the bundle keeps its own files (beside the node's tree, which has no such folder). */
export const BUNDLE_DIR = 'kubelet-doctor';
export const MANIFEST_PATH = `${BUNDLE_DIR}/manifest.json`;
export const JOURNAL_DIR = `${BUNDLE_DIR}/journal`;

export interface BundleManifest {
  kind: 'kubelet-doctor-bundle';
  version: 1;
  tool: { name: string; version: string };
  createdAt: string;
  /** `live`: collected on the node; `capture`: from a --root tree. */
  source: 'live' | 'capture';
  node?: string;
  /** What the kubelet said of itself on the node (`kubelet --version`, the package database). */
  kubeletVersion?: string;
  taken: { path: string; type: 'file' | 'dir' | 'symlink' | 'placeholder'; bytes?: number; target?: string; note?: string }[];
  redacted: { path: string; what: string; line: number }[];
  unreadable: { path: string; reason: string }[];
  journals: { path: string; units: string[]; from: string; lines: number; bytes: number; since?: string; note?: string }[];
  api: { taken: string[]; reason?: string };
}

/** A manifest read back from a bundle (hostile input): the fields a scan uses, checked; undefined if unusable. */
export function parseManifest(text: string): BundleManifest | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = m as Partial<BundleManifest>;
  if (!o || typeof o !== 'object' || o.kind !== 'kubelet-doctor-bundle' || !Array.isArray(o.journals)) return undefined;
  const journals = o.journals.filter((j) => j && typeof j.path === 'string' && Array.isArray(j.units));
  return {
    ...(o as BundleManifest),
    node: typeof o.node === 'string' ? o.node : undefined,
    kubeletVersion: typeof o.kubeletVersion === 'string' && /^v?\d+\.\d+\.\d+[\w.+-]*$/.test(o.kubeletVersion) ? o.kubeletVersion : undefined,
    journals,
  };
}
