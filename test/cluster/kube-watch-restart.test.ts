/**
 * KubeStore's watch survives `scripts/local-cluster.sh restart kube-apiserver` and catches up on
 * the changes made while it was not connected (resuming from its resourceVersion, or relisting
 * when the restarted server answers 410 Gone).
 *
 * Needs the local cluster's state folder (CANARY_TUI_CLUSTER_STATE from `local-cluster.sh env`,
 * or the folder of KUBECONFIG when it holds kube-apiserver.cmd). NOTE: it restarts the shared
 * API server for ~10s; other suites running at the same moment see it go away too.
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect, type Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject, WatchEvent} from '../../source/kube/objects.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const required = process.env.CANARY_TUI_CLUSTER === '1';

async function detect(): Promise<{connection?: Connection; state?: string; reason?: string}> {
	if (!process.env.KUBECONFIG) return {reason: 'KUBECONFIG is not set'};
	const first = process.env.KUBECONFIG.split(path.delimiter).find(Boolean)!;
	const state = [process.env.CANARY_TUI_CLUSTER_STATE, path.dirname(first)].find(folder => folder && fs.existsSync(path.join(folder, 'kube-apiserver.cmd')));
	if (!state) return {reason: `no local-cluster state folder (CANARY_TUI_CLUSTER_STATE, or ${path.dirname(first)} with kube-apiserver.cmd): cannot restart the API server`};
	try {
		return {connection: await connect({timeoutMs: 5000}), state};
	} catch (error) {
		return {reason: (error as Error).message};
	}
}

const detected = await detect();
if (!detected.connection) {
	const bar = '!'.repeat(96);
	console.warn(`${bar}\n!!  SKIPPING the watch-restart test: ${detected.reason}\n!!  Start the real API server first:  eval "$(scripts/local-cluster.sh up)"\n${bar}`);
}
describe.runIf(required && !detected.connection)('watch restart cluster (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
		await sleep(100);
	}
}

describe.skipIf(!detected.connection)('watch across a kube-apiserver restart', () => {
	const namespace = `kube-restart-${randomBytes(3).toString('hex')}`;
	const connection = detected.connection!;
	let writer: KubeStore;
	let watcher: KubeStore;
	const events: WatchEvent[] = [];
	const errors: string[] = [];
	let stop: () => void;

	const canary = (name: string): KubeObject => ({
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name, namespace},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 3}},
	});

	beforeAll(async () => {
		writer = new KubeStore({kc: connection.kc, backoff: {initialMs: 200, maxMs: 1000}});
		await writer.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
		for (const name of ['change', 'remove']) await writer.create(canary(name));
		// A slowish backoff, so that the writes below land while the watcher is still away.
		watcher = new KubeStore({kc: connection.kc, namespace, kinds: ['Canary', 'ConfigMap'], backoff: {initialMs: 1500, maxMs: 3000}, onWatchError: (kind, error) => errors.push(`${kind}: ${error.message}`)});
		stop = watcher.watch(event => events.push(event));
		await watcher.synced();
		expect(events.filter(event => event.object.kind === 'Canary').map(event => `${event.type}:${event.object.metadata.name}`).sort(), 'the first list, replayed').toEqual(['ADDED:change', 'ADDED:remove']);
		events.length = 0;
	}, 30_000);

	afterAll(async () => {
		stop?.();
		await watcher?.close();
		await writer?.delete('Namespace', '', namespace).catch(() => {});
		await writer?.close();
	}, 30_000);

	it('reconnects after `local-cluster.sh restart kube-apiserver` and catches up', async () => {
		const started = Date.now();
		await promisify(execFile)('bash', [path.join(repo, 'scripts/local-cluster.sh'), 'restart', 'kube-apiserver'], {
			env: {...process.env, CANARY_TUI_STATE: detected.state},
			timeout: 180_000,
		});
		const restartedMs = Date.now() - started;
		// At once, before the watcher's next attempt: changes it has not seen.
		const change = (await writer.get('Canary', namespace, 'change'))!;
		await writer.updateStatus({...change, status: {phase: 'Progressing'}});
		await writer.create(canary('added'));
		await writer.delete('Canary', namespace, 'remove');
		await writer.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'tracked', namespace}, data: {a: '1'}});
		const mine = () => events.filter(event => event.object.kind === 'Canary').map(event => `${event.type}:${event.object.metadata.name}`);
		await until('the changes made while away', 60_000, () => mine().length >= 3 && events.some(event => event.object.metadata.name === 'tracked'));
		const caughtUpMs = Date.now() - started;
		expect([...mine()].sort()).toEqual(['ADDED:added', 'DELETED:remove', 'MODIFIED:change']);
		expect(events.find(event => event.type === 'MODIFIED')?.object.status.phase).toBe('Progressing');

		// The cache equals the server, and the watch goes on.
		const listed = (await writer.list('Canary', namespace)).map(object => `${object.metadata.name}@${object.metadata.resourceVersion}`).sort();
		expect(watcher.cached('Canary').map(object => `${object.metadata.name}@${object.metadata.resourceVersion}`).sort()).toEqual(listed);
		await writer.delete('Canary', namespace, 'added');
		await until('a deletion after the restart', 10_000, () => mine().includes('DELETED:added'));
		expect(mine().filter(name => name === 'ADDED:added'), 'no event twice').toHaveLength(1);

		const stats = watcher.stats();
		expect(stats.watchRestarts).toBeGreaterThanOrEqual(2);
		console.info(
			`kube-apiserver restart: ${(restartedMs / 1000).toFixed(1)}s, watcher caught up after ${(caughtUpMs / 1000).toFixed(1)}s; ` +
				`watch restarts ${stats.watchRestarts}, relists ${stats.relists}, errors while away: ${errors.length} (${errors.slice(0, 2).join(' | ')})`,
		);
	}, 240_000);
});
