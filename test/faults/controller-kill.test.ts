/**
 * kill -9 of the controller (`canary-tui -n NS -o json`, a real process) at random moments of
 * releases on the real API server, restarted each time, then checked on what the API showed:
 * each release ends as it would have without the kills, no weight step repeated or skipped,
 * never promoted after failedChecks reached the threshold, traffic back on the primary.
 *
 * Releases alternate: one that succeeds (weights 20, 40, 60, promoted) and one whose rollout
 * webhook fails from weight 40 on (failedChecks 1, 2, rolled back). FAULT_KILLS sets the
 * number of kills (default 8; `npm run test:soak` sets 100), FAULT_KILLS_PER_RELEASE how many
 * fall in one release (default 4), FAULT_SEED replays a run. With leader election, each
 * restarted instance first waits out the killed one's Lease (15 s): the release pauses meanwhile.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {detect, sleep, until} from '../cluster/controller-harness.js';
import {ensureBuilt} from '../e2e/helpers.js';
import {seeded as seededRandom} from '../local/http/helpers.js';
import {ControllerProcess} from './controller-process.js';
import {failsAt40, ReleaseFixture, succeeds} from './release-fixture.js';

const cluster = await detect();
const kills = Number(process.env['FAULT_KILLS'] ?? 8);
const perRelease = Number(process.env['FAULT_KILLS_PER_RELEASE'] ?? 4);
const seed = Number(process.env['FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

describe.skipIf(!cluster.connection)(`kill -9 of the controller during releases${cluster.reason ? ` (SKIPPED: ${cluster.reason})` : ''}`, () => {
	const random = seededRandom(seed);
	const fixture = new ReleaseFixture(cluster.connection!, 'fault-kill');
	let controller: ControllerProcess;

	beforeAll(async () => {
		await ensureBuilt();
		await fixture.start();
		controller = new ControllerProcess(['-n', fixture.namespace, '-o', 'json'], {KUBECONFIG: process.env['KUBECONFIG']});
		controller.start();
		await until('Initialized', 120_000, () => fixture.phase() === 'Initialized', () => controller.stderr());
	}, 180_000);

	afterAll(async () => {
		await controller?.close();
		await fixture.stop();
	}, 60_000);

	it(`ends every release as it would have, with ${kills} kills at random moments`, async () => {
		const started = Date.now();
		const moments: string[] = [];
		const problems: string[] = [];
		let done = 0;
		let releases = 0;
		// Releases alternate between the two kinds until every kill is done: each gets up to
		// `perRelease` kills at random offsets within its first minute (a release takes about one);
		// kills whose moment comes after the release ended move to the next one.
		for (; releases < 2 || done < kills; releases++) {
			const expected = releases % 2 === 1 ? failsAt40 : succeeds;
			const releaseStart = Date.now();
			const offsets = Array.from({length: Math.min(perRelease, kills - done)}, () => random() * 60_000).sort((a, b) => a - b);
			const found = await fixture.release(expected, async ended => {
				for (const offset of offsets) {
					// Never sooner than 1 s after the instance took the Lease, so each kill meets a driving controller.
					const at = Math.max(releaseStart + offset, (await controller.drivingSince()) + 1000);
					while (Date.now() < at && !ended()) await sleep(50);
					if (ended()) return;
					const s = fixture.statuses.at(-1);
					await controller.kill9();
					done++;
					moments.push(`${s?.phase}@${s?.canaryWeight}/${s?.failedChecks}`);
					await sleep(random() * 1500);
					controller.start();
				}
			});
			problems.push(...found.map(problem => `release ${releases} (${expected.outcome}): ${problem}`));
			const {child, stderr} = controller.current!;
			if (child.exitCode !== null || child.signalCode !== null) problems.push(`release ${releases}: the controller exited by itself (${child.exitCode ?? child.signalCode}): ${stderr}`);
		}
		const advances = controller.events().filter(event => String(event['msg']).startsWith('Advance '));
		console.info(
			[
				`seed ${seed}: ${done} kills in ${((Date.now() - started) / 1000).toFixed(0)}s over ${releases} releases, ${controller.instances.length} controller processes`,
				`killed at (phase@weight/failedChecks): ${moments.join(' ')}`,
				`"Advance" events printed: ${advances.length} (a kill between the route change and the status write repeats one)`,
			].join('\n'),
		);
		expect(problems, `seed ${seed}\n${controller.stderr()}`).toEqual([]);
		expect(done).toBe(kills);
		const last = controller.current!;
		await controller.stop();
		expect((await last.exited).code, 'exit code on SIGTERM').toBe(0);
	}, 3_600_000);
});
