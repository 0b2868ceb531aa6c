// Event webhooks (semantics §5.3) against a local receiver: the canary's `type: event` hooks,
// else the global --event-webhook as hook `events`; payload §5.1 with the event in `metadata`
// (the hook's own keys cannot override it); failures reported, never holding the recorder.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {realClock} from '../../source/clock.js';
import type {Canary, CanaryWebhook} from '../../source/core/spec/types.js';
import type {RecordedEvent} from '../../source/controller/ports.js';
import {EventLog, recordedEvent} from '../../source/events/event-log.js';
import {EventWebhooks} from '../../source/webhooks/event-webhooks.js';
import {WebhookClient} from '../../source/webhooks/webhook-client.js';
import {startReceiver, type Receiver} from '../alerts/receiver.js';

let receiver: Receiver;
beforeAll(async () => {
	receiver = await startReceiver((request, response) => {
		if (request.url.startsWith('/hang')) return; // never answers; closed with the receiver
		if (request.url.startsWith('/reject')) return void response.writeHead(403).end('events not accepted here');
		response.writeHead(202).end();
	});
});
afterAll(() => receiver.close());

const client = new WebhookClient({clock: realClock(100)});

function canary(webhooks: CanaryWebhook[] = []): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps', generation: 1},
		spec: {targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '1m', stepWeight: 10, webhooks}},
		status: {phase: 'Progressing', failedChecks: 0, canaryWeight: 10, iterations: 0, lastAppliedSpec: 'abc', lastPromotedSpec: 'def', lastTransitionTime: ''},
	} as Canary;
}

const event = (subject: Canary, message: string, type: 'Normal' | 'Warning' = 'Normal', time = 1_605_355_419_000): RecordedEvent =>
	recordedEvent(subject, {op: 'event', type, error: false, message, phase: subject.status!.phase}, time);

function setup(globalUrl?: string) {
	const log = new EventLog();
	const errors: string[] = [];
	const sink = new EventWebhooks(log, {client, globalUrl, onError: (_c, message) => errors.push(message)});
	return {log, errors, sink};
}

describe('event webhooks', () => {
	it("POSTs each event to the canary's event hooks with the event in sorted metadata", async () => {
		const {sink, log, errors} = setup(`${receiver.base}/global-unused`);
		const subject = canary([
			{name: 'chat', type: 'event', url: `${receiver.base}/own/chat`, metadata: {channel: 'deploys', eventMessage: 'cannot override', zone: 'eu'}},
			{name: 'audit', type: 'event', url: `${receiver.base}/own/audit`},
			{name: 'load-test', type: 'rollout', url: `${receiver.base}/own/not-an-event-hook`},
		]);
		sink.record(subject, event(subject, 'Advance podinfo.apps canary weight 10'));
		sink.record(subject, event(subject, 'Halt podinfo.apps advancement success rate 98.82% < 99%', 'Warning', 1_605_355_434_000));
		expect(log.events('podinfo.apps').map(e => e.message)).toHaveLength(2);
		await sink.settled();

		const chat = receiver.at('/own/chat');
		expect(chat.map(r => r.body.metadata.eventMessage)).toEqual(['Advance podinfo.apps canary weight 10', 'Halt podinfo.apps advancement success rate 98.82% < 99%']);
		expect(Object.keys(chat[0]!.body)).toEqual(['name', 'namespace', 'phase', 'checksum', 'metadata']);
		expect(chat[0]!.body).toMatchObject({name: 'podinfo', namespace: 'apps', phase: 'Progressing'});
		expect(chat[0]!.raw).toContain('"metadata":{"channel":"deploys","eventMessage":"Advance podinfo.apps canary weight 10","eventType":"Normal","timestamp":"1605355419000","zone":"eu"}');
		expect(chat[1]!.body.metadata).toMatchObject({eventType: 'Warning', timestamp: '1605355434000'});
		expect(receiver.at('/own/audit')[0]!.body.metadata).toEqual({eventMessage: 'Advance podinfo.apps canary weight 10', eventType: 'Normal', timestamp: '1605355419000'});
		expect(receiver.at('/own/not-an-event-hook')).toHaveLength(0);
		expect(receiver.at('/global-unused')).toHaveLength(0);
		expect(errors).toEqual([]);
	});

	it('without event hooks, POSTs to the global --event-webhook; without either, nowhere', async () => {
		const {sink} = setup(`${receiver.base}/global`);
		const subject = canary([{name: 'gate', type: 'confirm-rollout', url: `${receiver.base}/gate`}]);
		sink.record(subject, event(subject, 'New revision detected! Scaling up podinfo.apps'));
		await sink.settled();
		expect(receiver.at('/global').map(r => r.body.metadata.eventMessage)).toEqual(['New revision detected! Scaling up podinfo.apps']);

		const quiet = setup();
		const before = receiver.received.length;
		quiet.sink.record(subject, event(subject, 'Starting canary analysis for podinfo.apps'));
		await quiet.sink.settled();
		expect(receiver.received.length).toBe(before);
	});

	it('sends the phase of the canary object the event is attached to', async () => {
		const {sink} = setup(`${receiver.base}/phase`);
		const subject = canary();
		sink.record(subject, recordedEvent(subject, {op: 'event', type: 'Warning', error: false, message: 'Canary failed! Scaling down podinfo.apps', phase: 'Failed'}, 0));
		await sink.settled();
		expect(receiver.at('/phase')[0]!.body.phase).toBe('Failed');
	});

	it("reports failures as Flagger logs them, and keeps going", async () => {
		const {sink, errors} = setup();
		const subject = canary([
			{name: 'picky', type: 'event', url: `${receiver.base}/reject`},
			{name: 'fine', type: 'event', url: `${receiver.base}/after-reject`},
		]);
		sink.record(subject, event(subject, 'Promotion completed! Scaling down podinfo.apps'));
		await sink.settled();
		expect(errors).toEqual(['error sending event to webhook: events not accepted here']);
		expect(receiver.at('/after-reject')).toHaveLength(1);
	});

	it('a receiver that never answers holds neither the recorder nor other canaries', async () => {
		const {sink, log, errors} = setup();
		const hanging = canary([{name: 'slow', type: 'event', url: `${receiver.base}/hang`, timeout: '1s'}]);
		const other = {...canary([{name: 'fast', type: 'event', url: `${receiver.base}/other`}]), metadata: {name: 'checkout', namespace: 'apps', generation: 1}} as Canary;
		const started = Date.now();
		for (let i = 1; i <= 3; i++) sink.record(hanging, event(hanging, `Advance podinfo.apps canary weight ${i * 10}`));
		sink.record(other, event(other, 'Advance checkout.apps canary weight 10'));
		expect(Date.now() - started).toBeLessThan(50);
		expect(log.events('podinfo.apps')).toHaveLength(3);
		await receiver.waitFor('/other');
		expect(receiver.at('/hang')).toHaveLength(1);
		await sink.settled();
		// One at a time, in order: each waited for its 1 s timeout.
		expect(receiver.at('/hang').map(r => r.body.metadata.eventMessage)).toEqual([10, 20, 30].map(w => `Advance podinfo.apps canary weight ${w}`));
		expect(errors).toHaveLength(3);
		expect(errors[0]).toMatch(/^error sending event to webhook: POST http:\/\/127\.0\.0\.1:\d+\/hang giving up after 1 attempt\(s\): Post ".*": context deadline exceeded/);
	}, 10_000);
});
