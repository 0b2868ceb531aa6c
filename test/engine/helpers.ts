// Shared helpers for the engine scenario tests: build canaries (from the podinfo fixtures or
// from scratch), traces and webhook scripts, run the simulator and group its events by tick.
// Expected messages in the tests are written from ../../shared/reference/flagger-semantics.md,
// never copied from a run.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {validateCanary} from '../../source/core/spec/canary-validate.js';
import {loadCanaries} from '../../source/core/spec/load-canaries.js';
import type {Canary, CanaryAnalysis, CanarySpec} from '../../source/core/spec/types.js';
import {simulate, type SimulationResult} from '../../source/simulate/simulate.js';
import {parseTrace, type Trace} from '../../source/simulate/trace.js';
import {parseWebhookFlags} from '../../source/simulate/webhook-script.js';

export const second = 1_000_000_000;
export const podinfoDir = fileURLToPath(new URL('../fixtures/podinfo/', import.meta.url));
export const engineFixturesDir = fileURLToPath(new URL('../fixtures/engine/', import.meta.url));

/** The seed's failing-webhook error text (semantics §5.2) for a hook without retries. */
export const http500 = (url = 'http://flagger-loadtester.apps/', attempts = 1) =>
	`POST ${url} giving up after ${attempts} attempt(s): unexpected HTTP status 500 Internal Server Error`;

export function readFixture(name: string): string {
	return readFileSync(join(podinfoDir, name), 'utf8');
}

/** A podinfo fixture (canary.yaml / abtest.yaml) loaded in namespace `apps`, as the seed does. */
export function podinfo(name: 'canary.yaml' | 'abtest.yaml' = 'canary.yaml'): Canary {
	const {canaries, errors} = loadCanaries(readFixture(name), name, {namespace: 'apps'});
	if (errors.length > 0 || canaries.length !== 1) throw new Error(`fixture ${name}: ${JSON.stringify(errors)}`);
	return canaries[0]!;
}

function clone<T>(value: T): T {
	return structuredClone(value);
}

/**
 * A copy of `base` with analysis fields changed: `undefined` deletes a field. Throws when the
 * result is not a valid Canary, so a test cannot silently rely on an invalid object.
 */
export function patch(base: Canary, analysis: Partial<Record<keyof CanaryAnalysis, unknown>>, spec: Partial<CanarySpec> = {}): Canary {
	const canary = clone(base);
	const target = canary.spec.analysis as Record<string, unknown>;
	for (const [key, value] of Object.entries(analysis)) {
		if (value === undefined) delete target[key];
		else target[key] = value;
	}
	Object.assign(canary.spec, spec);
	assertValid(canary);
	return canary;
}

export function assertValid(canary: Canary): void {
	const problems = validateCanary(canary);
	if (problems.length > 0) throw new Error(`test canary is invalid: ${JSON.stringify(problems)}`);
}

/** A minimal App Mesh canary `podinfo.apps` with the given analysis (interval 1m unless set). */
export function makeCanary(analysis: CanaryAnalysis, spec: Partial<CanarySpec> = {}): Canary {
	const canary: Canary = {
		apiVersion: 'flagger.app/v1beta1',
		kind: 'Canary',
		metadata: {name: 'podinfo', namespace: 'apps'},
		spec: {
			provider: 'appmesh:v1beta2',
			targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'},
			service: {port: 9898},
			analysis: {interval: '1m', ...analysis},
			...spec,
		},
	};
	assertValid(canary);
	return canary;
}

export function trace(csv: string): Trace {
	const parsed = parseTrace(csv, 'trace.csv');
	if (parsed.errors.length > 0 || !parsed.trace) throw new Error(`bad test trace: ${JSON.stringify(parsed.errors)}`);
	return parsed.trace;
}

export type RunOptions = {trace?: string; webhooks?: string[]; limit?: number; meshProvider?: string};

export function run(canary: Canary, options: RunOptions = {}): SimulationResult {
	const hooks = canary.spec.analysis?.webhooks ?? [];
	const script = parseWebhookFlags(options.webhooks ?? [], hooks);
	if (script.errors.length > 0) throw new Error(`bad test webhook flags: ${script.errors.join('; ')}`);
	return simulate(canary, {
		trace: options.trace === undefined ? undefined : trace(options.trace),
		webhooks: script.script,
		limit: options.limit,
		meshProvider: options.meshProvider,
	});
}

export function messages(result: SimulationResult): string[] {
	return result.records.map(record => record.message);
}

/**
 * Messages grouped by tick: entry i holds the messages of the tick at i × interval. Ticks with
 * no event give an empty array, so the timing of every message is part of the expectation.
 */
export function byTick(result: SimulationResult, intervalSeconds: number): string[][] {
	const interval = intervalSeconds * second;
	const ticks: string[][] = Array.from({length: result.ticks}, () => []);
	for (const record of result.records) {
		const index = record.time / interval;
		if (!Number.isInteger(index) || index < 0 || index >= ticks.length) {
			throw new Error(`record at ${record.time}ns is not on a tick of ${intervalSeconds}s (${result.ticks} ticks): ${record.message}`);
		}
		ticks[index]!.push(record.message);
	}
	return ticks;
}

/** The records carrying `message`, in order. */
export function recordsOf(result: SimulationResult, message: string) {
	return result.records.filter(record => record.message === message);
}

export const newRevision = 'New revision detected! Scaling up podinfo.apps';
export const starting = 'Starting canary analysis for podinfo.apps';
export const acceptancePassed = 'Pre-rollout check acceptance-test passed';
export const copying = 'Copying podinfo.apps template spec to podinfo-primary.apps';
export const routingToPrimary = 'Routing all traffic to primary';
export const completed = 'Promotion completed! Scaling down podinfo.apps';
export const canaryFailed = 'Canary failed! Scaling down podinfo.apps';
export const weight = (w: number) => `Advance podinfo.apps canary weight ${w}`;
export const iteration = (i: number, n: number) => `Advance podinfo.apps canary iteration ${i}/${n}`;
export const primaryWeight = (w: number) => `Advance podinfo.apps primary weight ${w}`;
export const thresholdReached = (n: number) => `Rolling back podinfo.apps failed checks threshold reached ${n}`;
