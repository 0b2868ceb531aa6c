// The reader goes away (`| head -1`, SIGPIPE/EPIPE): canary-tui stops quietly — the one line
// head printed, no stack trace, exit 0 — for simulate, demo, cluster mode, get -w and logs -f.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {KubeStore} from '../../source/kube/kube-store.js';
import {detect, fixture} from '../cluster/controller-harness.js';
import {cliPath, ensureBuilt, fixtureDir, freePort, repoRoot} from '../e2e/helpers.js';
import {ControllerProcess} from './controller-process.js';

/** `node dist/cli.js ARGS 2>stderr | head -1`: what head printed, canary-tui's exit status and stderr. */
function pipeToHead(args: string, env: NodeJS.ProcessEnv = {}) {
	const scratch = mkdtempSync(join(tmpdir(), 'canary-tui-pipe-'));
	const script = `TMPDIR='${scratch}' node '${cliPath}' ${args} 2>'${scratch}/stderr' | head -1; echo "status=\${PIPESTATUS[0]}"; cat '${scratch}/stderr'`;
	const result = spawnSync('bash', ['-c', script], {cwd: repoRoot, encoding: 'utf8', env: {...process.env, ...env}, timeout: 120_000});
	rmSync(scratch, {recursive: true, force: true}); // the demo's seed folder is kept on purpose: it goes here
	const [first, status, ...stderr] = result.stdout.split('\n');
	return {first: first!, status: status!, stderr: stderr.join('\n').trim()};
}

function expectQuiet(run: ReturnType<typeof pipeToHead>, firstLine: RegExp) {
	expect(run.first).toMatch(firstLine);
	expect(run.status).toBe('status=0');
	expect(run.stderr).not.toMatch(/Error|EPIPE|at .*\.js:\d+/);
}

describe('stdout closed by the reader', () => {
	beforeAll(async () => {
		await ensureBuilt();
	}, 120_000);

	it('simulate … | head -1, text and JSON, even with more output than a pipe holds', () => {
		const dir = mkdtempSync(join(tmpdir(), 'canary-tui-pipe-long-'));
		// stepWeight 1 to 100 at a 10% error rate: thousands of lines, far more than 64 KiB.
		writeFileSync(
			join(dir, 'long.yaml'),
			JSON.stringify({
				apiVersion: 'flagger.app/v1beta1',
				kind: 'Canary',
				metadata: {name: 'podinfo', namespace: 'apps'},
				spec: {provider: 'istio', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 1000, stepWeight: 1, maxWeight: 100, webhooks: [{name: 'flaky', type: 'rollout', url: 'http://flaky/'}]}},
			}),
		);
		for (const output of ['text', 'json']) {
			const run = pipeToHead(`simulate '${join(dir, 'long.yaml')}' --webhook flaky=fail:900 -o ${output}`);
			expectQuiet(run, output === 'text' ? /^New revision detected! Scaling up podinfo\.apps$/ : /^\{"ts":"1970-01-01T00:00:00\.000Z"/);
		}
		expectQuiet(pipeToHead(`simulate '${join(fixtureDir, 'canary.yaml')}' -n apps`), /^New revision detected! Scaling up podinfo\.apps$/);
		rmSync(dir, {recursive: true, force: true});
	});

	it('demo -o json | head -1 and demo --once | head -1', async () => {
		expectQuiet(pipeToHead(`demo --speed 20 --port ${await freePort()} -o json`), /^\{"ts":/);
		expectQuiet(pipeToHead(`demo --once --port ${await freePort()}`), /\S/);
	});
});

const cluster = await detect();

describe.skipIf(!cluster.connection)(`stdout closed in cluster mode${cluster.reason ? ` (SKIPPED: ${cluster.reason})` : ''}`, () => {
	it('canary-tui -n NS -o json | head -1, then get -w | head -1 and logs -f | head -1 while it runs', async () => {
		const store = new KubeStore({kc: cluster.connection!.kc});
		let controller: ControllerProcess | undefined;
		const namespace = `fault-pipe-${Math.floor(Math.random() * 0xffffff).toString(16)}`;
		try {
			await store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
			const [deployment] = fixture('deployment.yaml');
			await store.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
			await store.create({
				apiVersion: 'flagger.app/v1beta1',
				kind: 'Canary',
				metadata: {name: 'podinfo', namespace},
				spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 1}},
			});
			// The first line comes at once; the next (Initialization done!) finds the pipe closed.
			expectQuiet(pipeToHead(`-n ${namespace} -o json`), /^\{"ts":.*"canary":"podinfo\./);
			// A controller that keeps going (after waiting out the lease the first one held), so
			// that get -w and logs -f have a second line to write into the closed pipe.
			controller = new ControllerProcess(['-n', namespace, '-o', 'json'], {KUBECONFIG: process.env['KUBECONFIG']});
			controller.start();
			expectQuiet(pipeToHead(`get -n ${namespace} -w`), /^NAME +STATUS +WEIGHT/);
			expectQuiet(pipeToHead(`logs -n ${namespace} -f`), /podinfo/);
		} finally {
			await controller?.close();
			await store.delete('Namespace', '', namespace).catch(() => {});
			await store.close();
		}
	}, 180_000);
});
