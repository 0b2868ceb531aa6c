// The dashboard's event log per canary: the last eventLogCapacity events, newest last, each
// with the canary's status when it was recorded; canaries do not share a ring.
import {describe, expect, it} from 'vitest';
import type {Canary} from '../../source/core/spec/types.js';
import {EventLog, eventLogCapacity, recordedEvent, toEventLine} from '../../source/events/event-log.js';

function canary(name: string, canaryWeight: number): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name, namespace: 'apps', generation: 1},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name}, service: {port: 9898}, analysis: {interval: '1m', stepWeight: 10}},
		status: {phase: 'Progressing', failedChecks: 1, canaryWeight, iterations: 0, lastAppliedSpec: 'abc', lastPromotedSpec: 'def', lastTransitionTime: ''},
	} as Canary;
}

const record = (log: EventLog, subject: Canary, message: string, time: number) =>
	log.record(subject, recordedEvent(subject, {op: 'event', type: 'Normal', error: false, message, phase: 'Progressing'}, time));

describe('EventLog', () => {
	it('keeps the last eventLogCapacity events of a canary, newest last', () => {
		const log = new EventLog();
		for (let i = 0; i < eventLogCapacity + 50; i++) record(log, canary('podinfo', 5 * (i % 10)), `Advance podinfo.apps canary weight ${5 * (i % 10)} (${i})`, 1000 * i);
		const events = log.events('podinfo.apps');
		expect(eventLogCapacity).toBe(200);
		expect(events).toHaveLength(eventLogCapacity);
		expect(events[0]!.message).toBe('Advance podinfo.apps canary weight 0 (50)');
		expect(events.at(-1)!.message).toBe(`Advance podinfo.apps canary weight 45 (${eventLogCapacity + 49})`);
		expect(events.at(-1)).toMatchObject({time: 1000 * (eventLogCapacity + 49), canary: 'podinfo.apps', namespace: 'apps', name: 'podinfo', weight: 45, failedChecks: 1, statusPhase: 'Progressing'});
	});

	it('keeps each canary in its own ring, and a line shows the status at recording time', () => {
		const log = new EventLog();
		record(log, canary('podinfo', 10), 'Advance podinfo.apps canary weight 10', 1);
		record(log, canary('checkout', 20), 'Advance podinfo.apps canary weight 10', 2);
		expect(log.events('podinfo.apps').map(e => [e.weight, e.name])).toEqual([[10, 'podinfo']]);
		expect(log.events('checkout.apps').map(e => [e.weight, e.name])).toEqual([[20, 'checkout']]);
		expect(toEventLine(log.events('checkout.apps')[0]!)).toMatchObject({phase: 'Progressing', message: 'Advance podinfo.apps canary weight 10', canary: 'checkout.apps'});
		expect(log.events('unknown.apps')).toEqual([]);
	});
});
