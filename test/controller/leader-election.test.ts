// Leader election: the pure decision on a Lease, and two electors sharing one in-memory API
// server on a ManualClock (the real API server is in test/cluster/leader-election.test.ts).
import {describe, expect, it} from 'vitest';
import {ManualClock} from '../../source/clock.js';
import {decideLease, holderIdentity, LeaderElector, microTime, type Leadership} from '../../source/kube/leader-election.js';
import {MemoryStore} from '../../source/local/cluster/memory-store.js';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lease = (holder: string, renewedAt: number, transitions = 3) => ({
	holderIdentity: holder,
	leaseDurationSeconds: 15,
	acquireTime: microTime(t0 - 60_000),
	renewTime: microTime(renewedAt),
	leaseTransitions: transitions,
});

describe('decideLease', () => {
	it('creates a missing lease, held by us, with no transitions', () => {
		expect(decideLease(undefined, t0, 'me', 15_000)).toEqual({
			action: 'create',
			spec: {holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2026-01-01T12:00:00.000000Z', renewTime: '2026-01-01T12:00:00.000000Z', leaseTransitions: 0},
		});
	});

	it('renews our own lease: only renewTime moves', () => {
		const decision = decideLease(lease('me', t0 - 5_000), t0, 'me', 15_000);
		expect(decision).toEqual({action: 'renew', spec: {...lease('me', t0 - 5_000), renewTime: microTime(t0)}});
	});

	it('waits while another holder renewed less than leaseDurationSeconds ago', () => {
		expect(decideLease(lease('other', t0 - 14_999), t0, 'me', 15_000)).toEqual({action: 'wait', holder: 'other', expiresAt: t0 + 1});
	});

	it('acquires an expired lease (renewTime + duration <= now) and counts the transition', () => {
		const decision = decideLease(lease('other', t0 - 15_000), t0, 'me', 15_000);
		expect(decision).toEqual({action: 'acquire', spec: {holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 4}});
	});

	it('acquires a released lease (empty holder) at once', () => {
		expect(decideLease({...lease('', t0), leaseDurationSeconds: 1}, t0, 'me', 15_000)).toMatchObject({action: 'acquire', spec: {holderIdentity: 'me', leaseTransitions: 4}});
	});

	it('treats a lease without renewTime as expired', () => {
		expect(decideLease({holderIdentity: 'other', leaseDurationSeconds: 15}, t0, 'me', 15_000)).toMatchObject({action: 'acquire', spec: {leaseTransitions: 1}});
	});
});

describe('holderIdentity', () => {
	it('is host_pid_unique', () => {
		expect(holderIdentity('build-7', 4242, 'ab12')).toBe('build-7_4242_ab12');
		expect(holderIdentity()).toMatch(new RegExp(`_${process.pid}_[0-9a-f]{4}$`));
	});
});

describe('LeaderElector on one API server', () => {
	const setUp = () => {
		const clock = new ManualClock(t0);
		const store = new MemoryStore(() => clock.now());
		const changes: Record<string, Leadership[]> = {a: [], b: []};
		const elector = (id: 'a' | 'b') =>
			new LeaderElector({store, clock, namespace: 'apps', name: 'canary-tui-leader-election', identity: id, onChange: state => changes[id]!.push(state)});
		return {clock, store, changes, a: elector('a'), b: elector('b')};
	};

	it('one leader; the other observes and names it', async () => {
		const {a, b, store} = setUp();
		await a.tryOnce();
		await b.tryOnce();
		expect(a.state()).toEqual({leader: true, holder: 'a'});
		expect(b.state()).toEqual({leader: false, holder: 'a'});
		expect((await store.get('Lease', 'apps', 'canary-tui-leader-election'))?.spec).toMatchObject({holderIdentity: 'a', leaseTransitions: 0});
	});

	it('two candidates reading the same expired lease: the second write is a conflict and loses', async () => {
		const {a, b, store, clock} = setUp();
		await store.create({apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: {name: 'canary-tui-leader-election', namespace: 'apps'}, spec: lease('gone', clock.now() - 60_000)});
		// Both read before either writes.
		const realGet = store.get.bind(store);
		const reads: Array<() => void> = [];
		store.get = async (...args) => {
			const value = await realGet(...args);
			await new Promise<void>(resolve => reads.push(resolve));
			return value;
		};
		const attempts = [a.tryOnce(), b.tryOnce()];
		await new Promise(resolve => setTimeout(resolve, 0));
		for (const resume of reads) resume();
		await Promise.all(attempts);
		store.get = realGet;
		expect([a.state().leader, b.state().leader].sort()).toEqual([false, true]);
		expect((await store.get('Lease', 'apps', 'canary-tui-leader-election'))?.spec.leaseTransitions).toBe(4);
	});

	it('takes over only once the leader stopped renewing for the lease duration', async () => {
		const {a, b, clock} = setUp();
		await a.tryOnce();
		// a dies (no more renewals); b retries every 2s.
		clock.advance(14_000);
		await b.tryOnce();
		expect(b.state().leader).toBe(false);
		clock.advance(1_000);
		await b.tryOnce();
		expect(b.state()).toEqual({leader: true, holder: 'b'});
	});

	it('renews on its own timer and keeps the lease while running; stop() hands it over at once', async () => {
		const {a, b, clock, changes, store} = setUp();
		a.start();
		b.start();
		const settle = async () => {
			for (let i = 0; i < 5; i++) await new Promise(resolve => setTimeout(resolve, 0));
		};
		clock.advance(0);
		await settle();
		const first = a.state().leader ? a : b;
		const second = first === a ? b : a;
		for (let step = 0; step < 30; step++) {
			clock.advance(1_000);
			await settle();
		}
		expect(first.state().leader).toBe(true);
		expect(second.state()).toMatchObject({leader: false, holder: first.identity});
		await first.stop();
		expect((await store.get('Lease', 'apps', 'canary-tui-leader-election'))?.spec.holderIdentity).toBe('');
		clock.advance(2_000);
		await settle();
		expect(second.state()).toEqual({leader: true, holder: second.identity});
		expect(changes[first.identity]!.at(-1)).toEqual({leader: false});
		await second.stop();
	});

	it('a leader that cannot reach the server steps down after the renew deadline, not before', async () => {
		const {a, store, clock} = setUp();
		await a.tryOnce();
		store.get = async () => {
			throw new Error('connection refused');
		};
		clock.advance(9_000);
		await a.tryOnce();
		expect(a.state().leader).toBe(true);
		clock.advance(1_000);
		await a.tryOnce();
		expect(a.state()).toEqual({leader: false, error: 'connection refused'});
	});
});
