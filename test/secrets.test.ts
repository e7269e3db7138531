// No output may ever contain a secret: private key PEM blocks, client-key-data values, bearer tokens,
// passwords or bootstrap token secrets (token ids may show). Here secrets of every kind are planted in
// every place text enters a report, and each output of the CLI is searched for them. (Every fixture's
// report in every format is searched for the secrets its own tree holds in test/fixtures.test.ts, which
// scans the fixtures once for all their checks.)

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../src/redact.js';
import { builtinRules, cli, ROOT, scratchDir } from './helpers.js';
import { GENERIC } from './secret-patterns.js';

// ---- planted secrets: every kind, in every place text enters a report ------------------------------

const PLANTED = {
  bearer: 'eyJhbGciOiJSUzI1NiJ9.PlantedBearer0001',
  bootstrapSecret: 'q1w2e3r4t5y6u7i8',
  bootstrapSecret2: 'a1b2c3d4e5f6g7h8',
  kubeconfigToken: 'z9y8x7w6v5u4t3s2',
  staticToken: 'KcfgStaticT0ken1234567890',
  password: 'Pl4ntedPassw0rd',
  urlPassword: 'UrlPass9876',
  urlToken: 'UrlTok3n5ecret',
  accessToken: 'AccT0kenSecret',
  flagToken: 'FlagT0kenSecret99',
  tokenFile: 'planted-tokens.csv',
  envPassword: 'EnvPassw0rdX',
  keyData: 'S0VZREFUQVBMQU5URURTRUNSRVQwMDAxMjM0NTY3ODk=',
  pem: 'MIIEpQIBAAKCAQEAplantedkeymaterial',
};

const JOURNAL_SUFFIX =
  ` auth="Authorization: Bearer ${PLANTED.bearer}" join="kubeadm join --token plnt01.${PLANTED.bootstrapSecret}"` +
  ` url="https://admin:${PLANTED.urlPassword}@api.example:6443/x?token=${PLANTED.urlToken}&access_token=${PLANTED.accessToken}"` +
  ` password=${PLANTED.password} --token=${PLANTED.flagToken} --token-auth-file=/etc/kubernetes/${PLANTED.tokenFile}` +
  ` key="-----BEGIN RSA PRIVATE KEY----- ${PLANTED.pem}"`;

/** unit-missing-continuation with secrets planted in its journal, unit, kubeadm-flags.env and kubeconfig. */
function plantedNode(): string {
  const dir = join(scratchDir(), 'node');
  cpSync(join(ROOT, 'fixtures/nodes/unit-missing-continuation'), dir, { recursive: true });
  const log = join(dir, 'kubelet.short-precise.log');
  writeFileSync(
    log,
    readFileSync(log, 'utf8')
      .split('\n')
      .map((l) => (l && !l.startsWith('#') ? l + JOURNAL_SUFFIX : l))
      .join('\n'),
  );
  const unit = join(dir, 'etc/systemd/system/kubelet.service');
  writeFileSync(
    unit,
    readFileSync(unit, 'utf8')
      .replace('[Service]\n', '[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n')
      .replace('  --hostname-override', '  $KUBELET_KUBEADM_ARGS \\\n  --hostname-override')
      .replace('  --event-qps=0 \\\n', `  --event-qps=0 \\\n  --token=${PLANTED.flagToken} \\\n  --token-auth-file=/etc/kubernetes/${PLANTED.tokenFile} \\\n  --bootstrap-token plnt02.${PLANTED.bootstrapSecret2} \\\n`),
  );
  mkdirSync(join(dir, 'var/lib/kubelet'), { recursive: true });
  writeFileSync(join(dir, 'var/lib/kubelet/kubeadm-flags.env'), `KUBELET_KUBEADM_ARGS="--network-plugin=cni --password=${PLANTED.envPassword} --bootstrap-token=plnt02.${PLANTED.bootstrapSecret2}"\n`);
  const kc = join(dir, 'etc/kubernetes/kubelet-bootstrap.kubeconfig');
  writeFileSync(
    kc,
    readFileSync(kc, 'utf8').replace(/token: \S+/, `token: plnt03.${PLANTED.kubeconfigToken}\n    client-key-data: ${PLANTED.keyData}\n    password: ${PLANTED.password}`),
  );
  const kc2 = join(dir, 'etc/kubernetes/kubelet.kubeconfig');
  writeFileSync(kc2, readFileSync(kc2, 'utf8').replace(/(\n\s+user:\n)/, `$1    token: ${PLANTED.staticToken}\n`));
  return dir;
}

function assertClean(out: string, where: string) {
  for (const [kind, s] of Object.entries(PLANTED)) expect(out.includes(s), `${where} leaks the planted ${kind}`).toBe(false);
  for (const re of GENERIC) expect(out, `${where} matches ${re}`).not.toMatch(re);
}

describe('planted secrets reach no output', () => {
  it('redact() masks each kind and keeps what is not secret', () => {
    const r = redact(JOURNAL_SUFFIX);
    assertClean(r, 'redact()');
    expect(r).toContain('plnt01.[redacted]');
    expect(r).toContain('https://admin:[redacted]@api.example:6443');
    expect(redact('client-key-data: LS0tLS1CRUdJTi\n  "client-key-data": "LS0tLS1CRUdJTi"')).not.toMatch(/LS0t/);
    expect(redact('-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\nafter')).toBe('[private key [redacted]]\nafter');
    expect(redact('Authorization: Basic YWRtaW46c2VjcmV0')).toBe('Authorization: Basic [redacted]');
    // words of prose stay
    for (const s of ['failed to read token: open /var/lib/kubelet/token: no such file', 'invalid bearer token, Token has been invalidated', 'secret "abc" not found', 'Basic authentication is disabled'])
      expect(redact(s)).toBe(s);
    expect(redact(redact(JOURNAL_SUFFIX))).toBe(r);
  });

  it('scan: every format, --output files, follow NDJSON and check output', () => {
    const dir = plantedNode();
    const journal = join(dir, 'kubelet.short-precise.log');
    const out = scratchDir();
    let masked = 0;
    for (const format of ['text', 'json', 'sarif', 'junit', 'markdown']) {
      const file = join(out, `report.${format}`);
      const r = cli(['scan', '--root', dir, '--journal', journal, '--format', format, '--output-file', file, '--now', '2026-11-28T18:00:00Z', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      assertClean(r.stdout, `${format} stdout`);
      assertClean(r.stderr, `${format} stderr`);
      assertClean(readFileSync(file, 'utf8'), `${format} --output`);
      masked += r.stdout.split('[redacted]').length - 1;
    }
    // the secrets did reach the report (and were masked there): the test can fail
    expect(masked).toBeGreaterThan(5);
    const f = cli(['scan', '--follow', '--root', dir, '--format', 'json', '--now', '2026-11-28T18:00:00Z', '--fail-on', 'never'], readFileSync(journal));
    expect(f.stdout).toMatch(/"event":"finding"/);
    assertClean(f.stdout + f.stderr, 'follow NDJSON');
    const c = cli(['check', dir]);
    assertClean(c.stdout + c.stderr, 'check');
  });
});

describe('redact() details', () => {
  it('masks a kubeconfig bootstrap token once, keeping its id', () => {
    expect(redact('    token: plnt03.z9y8x7w6v5u4t3s2')).toBe('    token: plnt03.[redacted]');
    expect(redact('--bootstrap-token abcdef.0123456789abcdef')).toBe('--bootstrap-token abcdef.[redacted]');
    expect(redact('"token": "KcfgStaticT0ken1234567890"')).toBe('"token": "[redacted]"');
  });
});

describe('redact() leaves the built-in rules alone', () => {
  it('placeholders and the public CA hash in remediations stay', async () => {
    const cmd = 'kubeadm join <control-plane>:6443 --token <token> --discovery-token-ca-cert-hash sha256:<hash>';
    expect(redact(cmd)).toBe(cmd);
    expect(redact('--password $PASS --token=${TOKEN}')).toBe('--password $PASS --token=${TOKEN}');
    const walk = (v: unknown, p: string): void => {
      if (typeof v === 'string') expect(redact(v), p).toBe(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
    };
    for (const r of await builtinRules()) walk({ ...r, check: undefined }, r.id);
  });
});
