// The dashboard follows the elector: its header role changes when leadership changes, and a
// running Flagger makes manual actions refuse with the reason, writing nothing.
import {describe, expect, it} from 'vitest';
import {ManualClock} from '../../source/clock.js';
import type {Canary} from '../../source/core/spec/types.js';
import {storeDashboard} from '../../source/dashboard/store-dashboard.js';
import {EventLog} from '../../source/events/event-log.js';
import {MetricSeries} from '../../source/events/metric-series.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';

async function setup(refusal?: string) {
	const clock = new ManualClock();
	const store = new MemoryStore(() => clock.now());
	await store.create({
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', threshold: 2, iterations: 1}},
	});
	let role = 'observer · leader: laptop_4242';
	const roleListeners = new Set<() => void>();
	const source = storeDashboard(
		{
			store,
			canaries: () => store.listSync('Canary', 'apps') as unknown as Canary[],
			deploymentImage: () => undefined,
			events: new EventLog(),
			series: new MetricSeries(),
			now: () => clock.now(),
			roleChanges: listener => {
				roleListeners.add(listener);
				return () => roleListeners.delete(listener);
			},
		},
		{context: 'kind', namespace: 'apps', allNamespaces: false, role: () => role, readonly: false, refusal: () => refusal, requester: 'alice', notifyEveryMs: 1},
	);
	const becomeLeader = () => {
		role = 'leader';
		for (const listener of roleListeners) listener();
	};
	return {store, source, becomeLeader};
}

describe('the dashboard and leadership', () => {
	it('repaints the header with the new role when this instance becomes the leader', async () => {
		const {source, becomeLeader} = await setup();
		expect(source.snapshot().role).toBe('observer · leader: laptop_4242');
		let repaints = 0;
		const unsubscribe = source.subscribe(() => repaints++);
		becomeLeader();
		await new Promise(resolve => setTimeout(resolve, 20));
		expect(repaints).toBeGreaterThan(0);
		expect(source.snapshot().role).toBe('leader');
		unsubscribe();
	});

	it('an observer\'s promote is a request on the Canary for the leader to carry out', async () => {
		const {source, store} = await setup();
		expect(await source.request('promote', 'podinfo.apps')).toBe('promote of podinfo.apps requested');
		expect(Object.keys(store.getSync('Canary', 'apps', 'podinfo')!.metadata.annotations ?? {})).toEqual(['canary-tui.io/request']);
	});

	it('with Flagger driving, a promote is refused with the reason and nothing is written', async () => {
		const reason = 'Flagger flagger-system/flagger drives these canaries; read-only';
		const {source, store} = await setup(reason);
		const before = store.getSync('Canary', 'apps', 'podinfo')!.metadata.resourceVersion;
		expect(await source.request('promote', 'podinfo.apps')).toBe(`promote refused: ${reason}`);
		expect(store.getSync('Canary', 'apps', 'podinfo')!.metadata.resourceVersion).toBe(before);
	});
});
