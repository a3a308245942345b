/**
 * TrustChain verification benchmark: a 3-level chain (root → intermediate → publisher) plus the
 * manifest signature, verified with `verifyPackageSignature` exactly as the registry and the
 * extension manager call it. "warm" repeats the same envelope (certificates parsed and chain
 * links checked once, as in a running node); "cold" verifies a chain never seen before.
 * Prints a table, then one JSON line. Run: `node scripts/bench-trust.ts` (npm run bench:trust).
 */
import {
  generatePostQuantumKey, generateSigningKey, issueIntermediate, issuePublisher, issueRoot, signPackage, TrustStore, verifyPackageSignature, verifyChain,
  parseCertificate
} from '../src/trust/index.ts'

/** Iterations discarded before measuring, so JIT and caches settle. */
const WARMUP = 500
/** Measured iterations of the warm path: enough for a stable p95 in about a second. */
const WARM_RUNS = 5000
/** Fresh chains for the cold path (each costs three certificate issuances to set up). */
const COLD_RUNS = 30
/** ML-DSA-65 verification costs milliseconds in JS: fewer runs keep the benchmark short. */
const HYBRID_RUNS = 300
/** The issue's target for a warm verification. */
const TARGET_MS = 1

const bytes = new TextEncoder().encode(JSON.stringify({ id: 'bench.pkg', version: '1.0.0', required_capabilities: ['NetworkAccess'], pad: 'x'.repeat(2000) }))

async function makeChain (n: number): Promise<{ store: TrustStore, envelope: ReturnType<typeof signPackage>, chainPems: string[] }> {
  const rootKey = generateSigningKey().privateKey
  const root = { certificate: await issueRoot({ subject: `Bench Root ${n}`, privateKey: rootKey }), privateKey: rootKey }
  const ik = generateSigningKey()
  const inter = { certificate: await issueIntermediate({ subject: `Bench Intermediate ${n}`, publicKey: ik.publicKey, issuer: root }), privateKey: ik.privateKey }
  const pk = generateSigningKey()
  const pub = await issuePublisher({ subject: `Bench Publisher ${n}`, publicKey: pk.publicKey, issuer: inter, scope: { namePrefixes: ['bench.'], capabilities: ['NetworkAccess'] } })
  return { store: new TrustStore({ anchors: [root.certificate] }), envelope: signPackage({ bytes, key: pk.privateKey, chain: [pub, inter.certificate] }), chainPems: [pub.pem, inter.certificate.pem] }
}

function stats (samples: number[]): { median: number, p95: number, mean: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { median: at(0.5), p95: at(0.95), mean: samples.reduce((s, x) => s + x, 0) / samples.length }
}

function time (fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

const { store, envelope, chainPems } = await makeChain(0)
const verifyOnce = (): void => { verifyPackageSignature({ bytes, name: 'bench.pkg', capabilities: ['NetworkAccess'], envelope, trustStore: store }) }
const envelopeText = JSON.stringify(envelope)
const verifyText = (): void => { verifyPackageSignature({ bytes, name: 'bench.pkg', capabilities: ['NetworkAccess'], envelope: envelopeText, trustStore: store }) }
const chainOnly = (): void => { verifyChain(chainPems.map(p => parseCertificate(p)), store, new Date()) }
for (let i = 0; i < WARMUP; i++) { verifyOnce(); verifyText(); chainOnly() }

const rows: Array<{ case: string, runs: number, median_ms: number, p95_ms: number, mean_ms: number }> = []
const measure = (name: string, runs: number, fn: () => void): void => {
  const samples = Array.from({ length: runs }, () => time(fn))
  const s = stats(samples)
  rows.push({ case: name, runs, median_ms: s.median, p95_ms: s.p95, mean_ms: s.mean })
}
measure('warm: 3-level chain + manifest signature (envelope object)', WARM_RUNS, verifyOnce)
measure('warm: same, envelope as JSON text', WARM_RUNS, verifyText)
measure('warm: 3-level chain only', WARM_RUNS, chainOnly)

// hybrid: the same chain shape, the publisher also certifying an ML-DSA-65 key
{
  const rootKey = generateSigningKey().privateKey
  const root = { certificate: await issueRoot({ subject: 'Hybrid Root', privateKey: rootKey }), privateKey: rootKey }
  const ik = generateSigningKey()
  const inter = { certificate: await issueIntermediate({ subject: 'Hybrid Intermediate', publicKey: ik.publicKey, issuer: root }), privateKey: ik.privateKey }
  const pk = generateSigningKey()
  const pq = generatePostQuantumKey()
  const pub = await issuePublisher({ subject: 'Hybrid Publisher', publicKey: pk.publicKey, issuer: inter, scope: { namePrefixes: ['bench.'], capabilities: ['NetworkAccess'] }, postQuantumKey: pq.publicKey })
  const hybridStore = new TrustStore({ anchors: [root.certificate] })
  const hybrid = signPackage({ bytes, key: pk.privateKey, chain: [pub, inter.certificate], postQuantumKey: pq })
  const verifyHybrid = (): void => { verifyPackageSignature({ bytes, name: 'bench.pkg', capabilities: ['NetworkAccess'], envelope: hybrid, trustStore: hybridStore }) }
  for (let i = 0; i < HYBRID_RUNS / 10; i++) verifyHybrid()
  measure('warm: hybrid Ed25519 + ML-DSA-65 (optional)', HYBRID_RUNS, verifyHybrid)
}

const cold: number[] = []
for (let i = 1; i <= COLD_RUNS; i++) {
  const c = await makeChain(i)
  cold.push(time(() => { verifyPackageSignature({ bytes, name: 'bench.pkg', capabilities: ['NetworkAccess'], envelope: c.envelope, trustStore: c.store }) }))
}
const cs = stats(cold)
rows.push({ case: 'cold: first verification of a new chain', runs: COLD_RUNS, median_ms: cs.median, p95_ms: cs.p95, mean_ms: cs.mean })

const fmt = (x: number): string => x.toFixed(3).padStart(8)
process.stdout.write(`${'case'.padEnd(60)} ${'runs'.padStart(6)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)}\n`)
for (const r of rows) process.stdout.write(`${r.case.padEnd(60)} ${String(r.runs).padStart(6)} ${fmt(r.median_ms).padStart(10)} ${fmt(r.p95_ms)}\n`)
process.stdout.write(JSON.stringify({ bench: 'trust', node: process.version, target_ms: TARGET_MS, meets_target: rows[0].p95_ms < TARGET_MS, rows }) + '\n')
