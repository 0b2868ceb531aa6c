// The tick as a pure function: what it asks, in which order, and the status it ends with.
import {describe, expect, it} from 'vitest';
import {driveSync} from '../../source/core/engine/drive.js';
import type {Answer, Op} from '../../source/core/engine/ops.js';
import {emptyStatus} from '../../source/core/engine/status.js';
import {tick} from '../../source/core/engine/tick.js';
import type {Canary, CanaryAnalysis, CanaryStatus} from '../../source/core/spec/types.js';

const now = '2020-11-14T12:03:39Z';

function makeCanary(analysis: CanaryAnalysis = {interval: '15s', threshold: 5, maxWeight: 50, stepWeight: 5}, provider = 'appmesh:v1beta2'): Canary {
	return {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {provider, targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis},
	};
}

type Answers = Partial<Record<Op['op'], (op: Op) => Answer>>;

function run(canary: Canary, status: CanaryStatus, hash: string, answers: Answers = {}, routes = {primary: 100, canary: 0, mirrored: false}) {
	const ops: Op[] = [];
	const end = driveSync(tick({canary: {...canary, status}, revision: {hash}, now}), op => {
		ops.push(op);
		const answer = answers[op.op];
		if (answer) return answer(op);
		if (op.op === 'primaryReady' || op.op === 'canaryReady') return {ready: true};
		if (op.op === 'getRoutes') return {ok: true, ...routes};
		if (op.op === 'metric') return {ok: true, value: op.kind === 'request-success-rate' ? 100 : 10};
		if (op.op === 'event' || op.op === 'log' || op.op === 'alert') return;
		return {ok: true};
	});
	const events = ops.flatMap(op => (op.op === 'event' ? [op.message] : []));
	return {ops, end, events, names: ops.map(op => op.op)};
}

const progressing = (extra: Partial<CanaryStatus> = {}): CanaryStatus => ({
	...emptyStatus(),
	phase: 'Progressing',
	lastAppliedSpec: 'new',
	lastPromotedSpec: 'old',
	lastTransitionTime: now,
	...extra,
});

describe('initialization', () => {
	it('bootstraps an App Mesh canary in Flagger order and ends the tick Initialized', () => {
		const {names, end, events, ops} = run(makeCanary(), emptyStatus(), 'v1');
		expect(names).toEqual([
			'initializeServices', 'checkMetricProviders', 'event', 'reconcileMeshRouter', 'initializePrimary', 'primaryReady',
			'reconcileApexService', 'log', 'scaleToZero', 'writeStatus', 'event', 'alert',
		]);
		expect(events).toEqual(['all the metrics providers are available!', 'Initialization done! podinfo.apps']);
		expect(end).toMatchObject({phase: 'Initialized', lastAppliedSpec: 'v1', lastPromotedSpec: 'v1'});
		expect(ops.find(op => op.op === 'alert')).toEqual({op: 'alert', message: 'New Deployment detected, initialization completed.', severity: 'info', metadata: true});
	});

	it('waits for the primary with a Warning while it is not ready, changing nothing', () => {
		const error = 'podinfo-primary.apps not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available';
		const {events, end} = run(makeCanary(), emptyStatus(), 'v1', {primaryReady: () => ({ready: false, retriable: true, error})});
		expect(events).toEqual(['all the metrics providers are available!', error]);
		expect(end).toEqual(emptyStatus());
	});

	it('reports an unreachable metrics provider as an error event and carries on', () => {
		const {ops} = run(makeCanary(), emptyStatus(), 'v1', {checkMetricProviders: () => ({ok: false, error: 'prometheus not avaiable: connection refused'})});
		expect(ops[2]).toMatchObject({op: 'event', type: 'Warning', error: true, message: 'Error checking metric providers: prometheus not avaiable: connection refused'});
		expect(ops.some(op => op.op === 'writeStatus')).toBe(true);
	});

	it('other meshes reconcile routing only after the primary is up', () => {
		const {names} = run(makeCanary(undefined, 'gatewayapi:v1'), emptyStatus(), 'v1');
		expect(names.indexOf('reconcileMeshRouter')).toBeGreaterThan(names.indexOf('scaleToZero'));
	});
});

describe('between runs', () => {
	it('does nothing while the template is unchanged', () => {
		const status = {...emptyStatus(), phase: 'Succeeded' as const, lastAppliedSpec: 'v1', lastPromotedSpec: 'v1'};
		const {events, end} = run(makeCanary(), status, 'v1');
		expect(events).toEqual([]);
		expect(end).toBe(status);
	});

	it('a Failed canary is re-synced every tick and a new revision still starts a run', () => {
		const failed = {...emptyStatus(), phase: 'Failed' as const, lastAppliedSpec: 'bad', lastPromotedSpec: 'v1'};
		const {events, end, ops} = run(makeCanary(), failed, 'fix');
		expect(ops.filter(op => op.op === 'writeStatus').map(op => (op as {status: CanaryStatus}).status.phase)).toEqual(['Failed', 'Progressing']);
		expect(events).toEqual(['New revision detected! Scaling up podinfo.apps']);
		expect(end).toMatchObject({phase: 'Progressing', lastAppliedSpec: 'fix'});
	});
});

describe('during a run', () => {
	it('restarts the analysis when a new revision arrives mid-run', () => {
		const {events, end, ops} = run(makeCanary(), progressing({canaryWeight: 25, failedChecks: 2}), 'newer', {}, {primary: 75, canary: 25, mirrored: false});
		expect(events).toEqual(['New revision detected! Restarting analysis for podinfo.apps']);
		expect(ops).toContainEqual({op: 'setRoutes', primary: 100, canary: 0, mirrored: false});
		expect(end).toMatchObject({phase: 'Progressing', canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'newer'});
	});

	it('a canary that will never be ready is rolled back without a threshold message', () => {
		const error = 'canary deployment podinfo.apps not ready: deployment "podinfo" exceeded its progress deadline';
		const {events, end} = run(makeCanary(), progressing({canaryWeight: 10}), 'new', {canaryReady: () => ({ready: false, retriable: false, error})}, {primary: 90, canary: 10, mirrored: false});
		expect(events).toEqual([error, 'Canary failed! Scaling down podinfo.apps']);
		expect(end).toMatchObject({phase: 'Failed', canaryWeight: 0});
	});

	it('the Canary failed! event carries phase Failed for event webhooks', () => {
		const {ops} = run(makeCanary(), progressing({failedChecks: 5}), 'new', {}, {primary: 75, canary: 25, mirrored: false});
		const failed = ops.find(op => op.op === 'event' && op.message.startsWith('Canary failed!'));
		expect(failed).toMatchObject({type: 'Warning', phase: 'Failed'});
		const threshold = ops.find(op => op.op === 'event' && op.message.startsWith('Rolling back'));
		expect(threshold).toMatchObject({phase: 'Progressing', message: 'Rolling back podinfo.apps failed checks threshold reached 5'});
	});

	it('a status write that fails is a Warning and leaves the status as it was', () => {
		const start = progressing({canaryWeight: 10});
		const {events, end} = run(makeCanary(), start, 'new', {writeStatus: () => ({ok: false, error: 'the object has been modified; please apply your changes to the latest version and try again'})}, {primary: 90, canary: 10, mirrored: false});
		expect(events).toEqual(['the object has been modified; please apply your changes to the latest version and try again']);
		expect(end).toBe(start);
	});
});

describe('promotion', () => {
	it('a primary that never becomes ready after promotion fails the promotion and keeps traffic on the canary', () => {
		const error = 'podinfo-primary.apps not ready: deployment "podinfo-primary" exceeded its progress deadline';
		const {events, end, ops} = run(makeCanary(), progressing({phase: 'Promoting', canaryWeight: 50}), 'new', {primaryReady: () => ({ready: false, retriable: false, error})}, {primary: 50, canary: 50, mirrored: false});
		expect(events).toEqual([error, `Promotion of podinfo.apps failed, primary not ready: ${error}`]);
		expect(ops).toContainEqual({op: 'setRoutes', primary: 0, canary: 100, mirrored: false});
		expect(ops).toContainEqual({op: 'alert', message: `Promotion failed, primary not ready: ${error}`, severity: 'error', metadata: false});
		expect(end).toMatchObject({phase: 'Failed', canaryWeight: 100});
	});

	it('waits for the primary rollout while Promoting', () => {
		const error = 'podinfo-primary.apps not ready: waiting for rollout to finish: 1 old replicas are pending termination';
		const {events, end} = run(makeCanary(), progressing({phase: 'Promoting'}), 'new', {primaryReady: () => ({ready: false, retriable: true, error})});
		expect(events).toEqual([error]);
		expect(end.phase).toBe('Promoting');
	});
});

describe('deliberate fix: rollback requests while Waiting (quirk Q3)', () => {
	it('a rollback hook that passes while Waiting rolls the revision back', () => {
		const canary = makeCanary({
			interval: '15s', threshold: 5, stepWeight: 5,
			webhooks: [
				{name: 'approve', type: 'confirm-rollout', url: 'http://gate/'},
				{name: 'abort', type: 'rollback', url: 'http://abort/'},
			],
		});
		const waiting = {...emptyStatus(), phase: 'Waiting' as const, lastAppliedSpec: 'v1', lastPromotedSpec: 'v1'};
		const {events, end} = run(canary, waiting, 'v2', {webhook: op => ((op as {hook: {name: string}}).hook.name === 'abort' ? {ok: true} : {ok: false, error: 'Forbidden'})});
		expect(events).toEqual(['Rollback check abort passed', 'Rolling back podinfo.apps manual webhook invoked', 'Canary failed! Scaling down podinfo.apps']);
		expect(end).toMatchObject({phase: 'Failed', lastAppliedSpec: 'v2'});
	});
});
