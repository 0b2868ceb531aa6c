// `canary-tui logs`: which Kubernetes Events are the Canary's log, their order, and the lines.
import {describe, expect, it} from 'vitest';
import {formatCanaryEvent, isCanaryEvent, sortEvents} from '../../source/commands/printers/canary-events.js';
import type {KubeObject} from '../../source/kube/objects.js';

const event = (name: string, message: string, fields: Record<string, unknown> = {}): KubeObject =>
	({
		apiVersion: 'v1',
		kind: 'Event',
		metadata: {name, namespace: 'apps', resourceVersion: String(fields['rv'] ?? '1')},
		involvedObject: {kind: 'Canary', name: 'podinfo', namespace: 'apps'},
		reason: 'Synced',
		type: 'Normal',
		message,
		source: {component: 'canary-tui'},
		count: 1,
		...fields,
	}) as KubeObject;

describe('the Canary events logs prints', () => {
	it('keeps Synced events on a Canary from canary-tui or Flagger only', () => {
		expect(isCanaryEvent(event('a', 'x'))).toBe(true);
		expect(isCanaryEvent(event('a', 'x', {source: {component: 'flagger'}}))).toBe(true);
		expect(isCanaryEvent(event('a', 'x', {source: {}, reportingComponent: 'canary-tui'}))).toBe(true);
		expect(isCanaryEvent(event('a', 'x', {source: {component: 'kubectl'}}))).toBe(false);
		expect(isCanaryEvent(event('a', 'x', {reason: 'Created'}))).toBe(false);
		expect(isCanaryEvent(event('a', 'x', {involvedObject: {kind: 'Deployment', name: 'podinfo'}}))).toBe(false);
		expect(isCanaryEvent(event('a', 'x'), 'podinfo')).toBe(true);
		expect(isCanaryEvent(event('a', 'x'), 'other')).toBe(false);
	});

	it('orders by eventTime, lastTimestamp or firstTimestamp, ties by write order, repeats at their last time', () => {
		const events = [
			event('c', 'third', {lastTimestamp: '2026-11-26T17:00:02Z', rv: '30'}),
			event('b', 'second', {firstTimestamp: '2026-11-26T17:00:01Z', lastTimestamp: '2026-11-26T17:00:01Z', rv: '21'}),
			event('a', 'first', {firstTimestamp: '2026-11-26T17:00:01Z', lastTimestamp: null, rv: '20'}),
			event('r', 'repeated', {firstTimestamp: '2026-11-26T16:59:00Z', lastTimestamp: '2026-11-26T17:00:05Z', count: 4, rv: '40'}),
			event('m', 'micro', {eventTime: '2026-11-26T17:00:03.500000Z', rv: '35'}),
		];
		expect(sortEvents(events).map(e => (e as any).message)).toEqual(['first', 'second', 'third', 'micro', 'repeated']);
	});

	it('prints the message (xN for merged repeats), or Flagger-style JSON with the status when known', () => {
		const repeated = event('r', 'Halt advancement waiting for approval', {lastTimestamp: '2026-11-26T17:00:05Z', count: 4, type: 'Warning'});
		expect(formatCanaryEvent(repeated, 'text', {withName: false, repeats: 4})).toBe('Halt advancement waiting for approval (x4)');
		expect(formatCanaryEvent(repeated, 'text', {withName: true, repeats: 1})).toBe('podinfo.apps: Halt advancement waiting for approval');
		const history = JSON.parse(formatCanaryEvent(repeated, 'json', {withName: false, repeats: 4}));
		expect(Object.keys(history)).toEqual(['ts', 'level', 'msg', 'canary', 'phase', 'weight', 'failedChecks', 'iterations', 'type', 'count']);
		expect(history).toMatchObject({ts: '2026-11-26T17:00:05.000Z', level: 'info', msg: 'Halt advancement waiting for approval', canary: 'podinfo.apps', phase: null, type: 'Warning', count: 4});
		const live = JSON.parse(formatCanaryEvent(repeated, 'json', {withName: false, repeats: 1, state: {phase: 'Progressing', weight: 20, failedChecks: 1, iterations: 0}}));
		expect(live).toMatchObject({phase: 'Progressing', weight: 20, failedChecks: 1, iterations: 0, count: 1});
	});
});
