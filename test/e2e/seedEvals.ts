// Two tasks of inspect-style sandboxes for the demo and the e2e session, installed with the flags
// inspect_k8s_sandbox uses (random 8-character release names, --labels inspectSandbox=true,
// --set annotations.inspectTaskName, --set labels.inspectSampleUUID, helm --wait): most are healthy, some fail as
// real evals do: a RuntimeClass no node can run (FailedScheduling), an image that cannot be pulled
// (ErrImagePull/ImagePullBackOff), a runtime handler the nodes lack (FailedCreatePodSandBox) and an OOM loop.
// Kept apart from seed.ts so the two seeds change independently.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RuntimeClassSpec } from '../sim/controllers/seed';
import { DEFAULT_RUNTIME_CLASSES, type SimCluster } from '../sim/cluster';
import { SANDBOX_LABEL } from '../../src/core/names/labels';
import { helmBinary } from '../support/tools';
import { repoRoot } from './harness/paths';

export type EvalFault = 'unschedulable' | 'bad-image' | 'no-runtime-handler' | 'oom-loop';

export interface EvalSample {
  task: string;
  release: string;
  sampleUuid: string;
  fault?: EvalFault;
}

/** RuntimeClasses of the eval cluster: the defaults, one whose nodes do not exist, one whose handler is not installed. */
export const evalRuntimeClasses: RuntimeClassSpec[] = [
  ...DEFAULT_RUNTIME_CLASSES,
  { name: 'gvisor-gpu', handler: 'runsc', nodeSelector: { 'sandbox.example/gpu': 'true' } },
  { name: 'kata', handler: 'kata-qemu' },
];

export const evalTasks = ['swe_bench_verified', 'cybench'];

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** inspect names a release by 8 characters of a short UUID (here: starting with a letter, as Helm requires). */
function releaseName(): string {
  const b = randomBytes(8);
  return [...b].map((x, i) => (i === 0 ? alphabet[x % 26] : alphabet[x % alphabet.length])).join('');
}

/** Sample UUIDs as inspect's shortuuid prints them (22 characters). */
function sampleUuid(): string {
  const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randomBytes(22)].map((x) => chars[x % chars.length]).join('');
}

/** Healthy samples per task, then one sample per fault (spread over the two tasks). */
export function planEvalSamples(perTask = 3): EvalSample[] {
  const out: EvalSample[] = [];
  for (const task of evalTasks)
    for (let i = 0; i < perTask; i++) out.push({ task, release: releaseName(), sampleUuid: sampleUuid() });
  const faults: EvalFault[] = ['unschedulable', 'bad-image', 'oom-loop', 'no-runtime-handler'];
  faults.forEach((fault, i) =>
    out.push({ task: evalTasks[i % evalTasks.length], release: releaseName(), sampleUuid: sampleUuid(), fault }),
  );
  return out;
}

const guaranteed = { limits: { memory: '128Mi', cpu: '100m' }, requests: { memory: '128Mi', cpu: '100m' } };

function valuesFor(s: EvalSample): Record<string, unknown> {
  const agent: Record<string, unknown> = {
    image: 'python:3.12-bookworm',
    command: ['tail', '-f', '/dev/null'],
    runtimeClassName: 'gvisor',
    resources: guaranteed,
  };
  if (s.fault === 'unschedulable') agent.runtimeClassName = 'gvisor-gpu';
  if (s.fault === 'no-runtime-handler') agent.runtimeClassName = 'kata';
  if (s.fault === 'bad-image') agent.image = 'registry.invalid/evals/agent:latest';
  return {
    services: { default: agent, victim: { image: 'nginx:1.27', runtimeClassName: 'gvisor', resources: guaranteed } },
  };
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', (e) => resolve({ code: -1, out: String(e) }));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** The flags inspect_k8s_sandbox passes (see ../shared/docs/agent-env-facts.md). */
export function inspectInstallArgs(
  kubeconfig: string,
  namespace: string,
  s: EvalSample,
  valuesFile: string,
  timeoutSeconds: number,
): string[] {
  return [
    'install',
    s.release,
    join(repoRoot, 'chart'),
    `--namespace=${namespace}`,
    '--wait',
    `--timeout=${timeoutSeconds}s`,
    `--set=annotations.inspectTaskName=${s.task}`,
    `--labels=${SANDBOX_LABEL}=true`,
    `--set=labels.inspectSampleUUID=${s.sampleUuid}`,
    '--values',
    valuesFile,
    '--kubeconfig',
    kubeconfig,
  ];
}

/**
 * Installs the samples side by side with the real helm. Failing samples never get ready, so their install times out
 * (quickly here) and Helm records them failed, as inspect's would be. The OOM loop starts once its pod runs.
 */
export async function seedEvalSamples(
  sim: SimCluster,
  kubeconfig: string,
  namespace: string,
  scratch: string,
  samples = planEvalSamples(),
): Promise<EvalSample[]> {
  const helm = helmBinary('3.18.0');
  await Promise.all(
    samples.map(async (s) => {
      const file = join(scratch, `eval-${s.release}.yaml`);
      writeFileSync(file, stringify(valuesFor(s)));
      const failing = s.fault !== undefined && s.fault !== 'oom-loop';
      const r = await run(helm, inspectInstallArgs(kubeconfig, namespace, s, file, failing ? 3 : 120));
      if (r.code !== 0 && !failing) throw new Error(`helm install ${s.release} (${s.task}) failed:\n${r.out}`);
    }),
  );
  for (const s of samples.filter((x) => x.fault === 'oom-loop')) {
    sim.kubelet.faults.crashLoop(namespace, `${s.release}-default-0`, undefined, 'OOMKilled');
  }
  return samples;
}
