// The dashboard header's role text for each leadership state and a running Flagger.
import {describe, expect, it} from 'vitest';
import {roleText} from '../../source/commands/cluster-runtime.js';

describe('roleText', () => {
	const base = {readonly: false, wholeScope: true};

	it('the leader says leader; an observer names who leads (host_pid)', () => {
		expect(roleText({...base, leadership: {leader: true, holder: 'laptop_4242_ab12'}})).toBe('leader');
		expect(roleText({...base, leadership: {leader: false, holder: 'ci-runner_77_0f0f'}})).toBe('observer · leader: ci-runner_77');
		// An identity not made by canary-tui is shown whole.
		expect(roleText({...base, leadership: {leader: false, holder: 'flagger-7d9c8'}})).toBe('observer · leader: flagger-7d9c8');
		expect(roleText({...base, leadership: {leader: false}})).toBe('observer · no leader');
	});

	it('an observer that cannot read or write the lease says why', () => {
		expect(roleText({...base, leadership: {leader: false, error: 'leases.coordination.k8s.io is forbidden'}})).toBe('observer · lease: leases.coordination.k8s.io is forbidden');
	});

	it('--readonly is an observer that never campaigns', () => {
		expect(roleText({...base, readonly: true, leadership: {leader: false, holder: 'host_1_aaaa'}})).toBe('observer (--readonly) · leader: host_1');
	});

	it('a Flagger driving the whole scope replaces the role; driving part of -A is added to it', () => {
		const flagger = 'Flagger flagger-system/flagger drives these canaries; read-only';
		expect(roleText({...base, leadership: {leader: true, holder: 'me'}, flagger})).toBe(flagger);
		expect(roleText({readonly: false, wholeScope: false, leadership: {leader: true, holder: 'me'}, flagger: 'Flagger a/flagger drives the canaries in a; those are read-only'})).toBe(
			'leader · Flagger a/flagger drives the canaries in a; those are read-only',
		);
	});
});
