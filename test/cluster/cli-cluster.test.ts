// `canary-tui` in cluster mode as a script sees it: one line and exit 2 when it cannot connect,
// JSON event lines on a real API server, exit 0 on SIGTERM.
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {detect, fixture, until} from './controller-harness.js';

const cli = new URL('../../dist/cli.js', import.meta.url).pathname;

function run(args: string[], env: NodeJS.ProcessEnv) {
	const child = spawn(process.execPath, [cli, ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => (stdout += chunk));
	child.stderr.on('data', chunk => (stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
	return {child, exited, out: () => stdout, err: () => stderr};
}

describe('cluster mode connection errors', () => {
	it('a missing kubeconfig is one line and exit 2', async () => {
		const {exited, err, out} = run([], {KUBECONFIG: '/nonexistent/kubeconfig'});
		expect(await exited).toBe(2);
		expect(out()).toBe('');
		expect(err().trim().split('\n')).toHaveLength(1);
		expect(err()).toContain('/nonexistent/kubeconfig');
	});

	it('an unreachable server is one line naming the context and the server, and exit 2', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'canary-tui-kc-'));
		const file = join(dir, 'kubeconfig');
		writeFileSync(
			file,
			['apiVersion: v1', 'kind: Config', 'current-context: nowhere', 'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]', 'users: [{name: u, user: {token: t}}]', 'contexts: [{name: nowhere, context: {cluster: c, user: u}}]'].join('\n'),
		);
		const {exited, err} = run(['-n', 'apps'], {KUBECONFIG: file});
		expect(await exited).toBe(2);
		expect(err().trim().split('\n')).toHaveLength(1);
		expect(err()).toContain('nowhere');
		expect(err()).toContain('https://127.0.0.1:1');
	});
});

const cluster = await detect();

describe.skipIf(!cluster.connection)(`cluster mode on a real API server${cluster.reason ? ` (SKIPPED: ${cluster.reason})` : ''}`, () => {
	const namespace = `cli-${randomBytes(3).toString('hex')}`;
	let store: KubeStore;

	beforeAll(async () => {
		store = new KubeStore({kc: cluster.connection!.kc});
		await store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		const [deployment] = fixture('deployment.yaml');
		await store.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
		const canary: KubeObject = {
			apiVersion: 'flagger.app/v1beta1',
			kind: 'Canary',
			metadata: {name: 'podinfo', namespace},
			spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 1}},
		};
		await store.create(canary);
	});

	afterAll(async () => {
		await store?.delete('Namespace', '', namespace).catch(() => {});
		await store?.close();
	});

	it('prints one JSON event line per event while it drives the canary, and exits 0 on SIGTERM', async () => {
		const {child, exited, out} = run(['-n', namespace], {});
		const lines = () => out().trim().split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, unknown>);
		await until('Initialization done!', 60_000, () => lines().some(line => line['msg'] === `Initialization done! podinfo.${namespace}`), () => out());
		for (const line of lines()) expect(Object.keys(line).slice(0, 8)).toEqual(['ts', 'level', 'msg', 'canary', 'phase', 'weight', 'failedChecks', 'iterations']);
		expect(lines().every(line => line['canary'] === `podinfo.${namespace}`)).toBe(true);
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		const written = await store.get('Canary', namespace, 'podinfo');
		expect(written?.status?.phase).toBe('Initialized');
	});
});

