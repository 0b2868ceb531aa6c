/**
 * Leader election on the real API server: the Lease the API stores (MicroTime renewTime,
 * leaseTransitions), a race for an expired Lease decided by resourceVersion, release on stop,
 * `--readonly` never writing it, and the dashboard header of an observer naming the leader.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import {leaseName} from '../../source/commands/cluster-runtime.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import {LeaderElector, microTime} from '../../source/kube/leader-election.js';
import {detect, required, until} from './controller-harness.js';
import {CliProcess, controllerProcess, scratchNamespace} from './leader-processes.js';

const detected = await detect();
describe.runIf(required && !detected.connection)('leader election (required by CANARY_TUI_CLUSTER=1)', () => {
	it('is reachable', () => {
		throw new Error(`CANARY_TUI_CLUSTER=1 but no usable cluster: ${detected.reason}`);
	});
});

describe.skipIf(!detected.connection)(`leader election on a real API server${detected.reason ? ` (SKIPPED: ${detected.reason})` : ''}`, () => {
	let scratch: Awaited<ReturnType<typeof scratchNamespace>>;
	const stores: KubeStore[] = [];
	const store = () => {
		const made = new KubeStore({kc: detected.connection!.kc});
		stores.push(made);
		return made;
	};

	beforeAll(async () => {
		scratch = await scratchNamespace(detected.connection!, 'leader-el');
	}, 60_000);

	afterAll(async () => {
		for (const each of stores) await each.close();
		await scratch?.drop();
	}, 60_000);

	it('one leader, the API keeps the Lease as written; a race for an expired Lease has one winner; stop() releases', async () => {
		const {namespace} = scratch;
		const clock = realClock(1);
		const elector = (identity: string, name = 'el-test') => new LeaderElector({store: store(), clock, namespace, name, identity});
		const a = elector('host-a_1_aaaa');
		const b = elector('host-b_2_bbbb');
		await a.tryOnce();
		await b.tryOnce();
		expect(a.state()).toEqual({leader: true, holder: 'host-a_1_aaaa'});
		expect(b.state()).toEqual({leader: false, holder: 'host-a_1_aaaa'});
		const lease = (await scratch.get('Lease', 'el-test'))!;
		expect(lease.spec).toMatchObject({holderIdentity: 'host-a_1_aaaa', leaseDurationSeconds: 15, leaseTransitions: 0});
		expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

		// An expired lease (renewed 20s ago by someone gone), two candidates at once.
		await scratch.admin.update({...lease, spec: {...lease.spec, holderIdentity: 'gone_9_9999', renewTime: microTime(Date.now() - 20_000)}});
		const c = elector('host-c_3_cccc');
		await Promise.all([b.tryOnce(), c.tryOnce()]);
		expect([b.state().leader, c.state().leader].filter(Boolean)).toHaveLength(1);
		const winner = b.state().leader ? b : c;
		expect((await scratch.get('Lease', 'el-test'))!.spec).toMatchObject({holderIdentity: winner.identity, leaseTransitions: 1});

		await winner.stop();
		expect((await scratch.get('Lease', 'el-test'))!.spec.holderIdentity).toBe('');
		const loser = winner === b ? c : b;
		await loser.tryOnce();
		expect(loser.state().leader).toBe(true);
		expect((await scratch.get('Lease', 'el-test'))!.spec.leaseTransitions).toBe(2);
	});

	it('--readonly reads the Lease but never writes it', async () => {
		const {namespace} = scratch;
		const watcher = store();
		const elector = new LeaderElector({store: watcher, clock: realClock(1), namespace, name: 'never-written', identity: 'ro_1_0000', observeOnly: true});
		await elector.tryOnce();
		await elector.tryOnce();
		await elector.stop();
		expect(elector.state().leader).toBe(false);
		expect(await scratch.get('Lease', 'never-written')).toBeUndefined();
		expect(Object.keys(watcher.stats().byRequest)).toEqual(['get leases.coordination.k8s.io']);
	});

	it('the dashboard of a second instance says observer and names the leader; the leader\'s says leader', async () => {
		const {namespace} = scratch;
		const leader = controllerProcess(namespace);
		const frame = async (args: string[]) => {
			const once = new CliProcess(['-n', namespace, '--once', '--ascii', '--no-color', ...args], {COLUMNS: '200'});
			expect(await once.exited, once.err()).toBe(0);
			return once.out().split('\n').find(line => line.includes('canary-tui'))!;
		};
		try {
			await until('the controller leads', 20_000, () => leader.messages().some(message => message === `successfully acquired lease ${namespace}/${leaseName}`), () => leader.out() + leader.err());
			const holder = (await scratch.get('Lease', leaseName))!.spec.holderIdentity as string;
			expect(holder).toMatch(new RegExp(`_${leader.pid}_[0-9a-f]{4}$`));
			const hostPid = holder.replace(/_[0-9a-f]{4}$/, '');
			expect(await frame([])).toContain(`observer · leader: ${hostPid} `);
			expect(await frame(['--readonly'])).toContain(`observer (--readonly) · leader: ${hostPid} `);
		} finally {
			expect(await leader.stop('SIGTERM')).toBe(0);
		}
		await until('the lease is released', 5_000, async () => (await scratch.get('Lease', leaseName))?.spec?.holderIdentity === '');
		// Alone, an instance leads at once (the lease was handed back), and hands it back on exit.
		expect(await frame([])).toMatch(/ns: \S+ {2}leader /);
		expect((await scratch.get('Lease', leaseName))?.spec?.holderIdentity).toBe('');
	}, 60_000);

	it('SIGTERM of the leader hands the lease to the other controller within one retry (2s), not one lease duration', async () => {
		const {namespace} = scratch;
		const first = controllerProcess(namespace);
		const second = controllerProcess(namespace);
		try {
			await until('one leads, the other observes', 20_000, async () => {
				const holder = (await scratch.get('Lease', leaseName))?.spec?.holderIdentity as string | undefined;
				const observer = holder?.includes(`_${first.pid}_`) ? second : first;
				return holder && observer.messages().some(message => message.startsWith(`observing: ${holder}`)) ? holder : undefined;
			});
			const holder = (await scratch.get('Lease', leaseName))!.spec.holderIdentity as string;
			const [leader, observer] = holder.includes(`_${first.pid}_`) ? [first, second] : [second, first];
			const stoppedAt = Date.now();
			expect(await leader.stop('SIGTERM')).toBe(0);
			await until('the observer leads', 10_000, async () => ((await scratch.get('Lease', leaseName))?.spec?.holderIdentity as string)?.includes(`_${observer.pid}_`));
			const handoverMs = Date.now() - stoppedAt;
			expect(handoverMs).toBeLessThan(4_000);
			console.info(`handover after SIGTERM in ${(handoverMs / 1000).toFixed(1)}s`);
		} finally {
			await first.stop('SIGTERM');
			await second.stop('SIGTERM');
		}
	}, 60_000);
});
