// The spec validator on mutated podinfo canaries and on arbitrary documents: it never throws,
// every rejection names a field path under the object and says what was wrong, and whatever it
// accepts the engine can run (a short simulated release, no exception).
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, it} from 'vitest';
import {parse} from 'yaml';
import {validateCanary} from '../../source/core/spec/canary-validate.js';
import {formatSpecError} from '../../source/core/spec/load-canaries.js';
import type {Canary} from '../../source/core/spec/types.js';
import {simulate} from '../../source/simulate/simulate.js';
import {caseCounter, check, fuzzTimeout, runs} from './fuzz-budget.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => parse(readFileSync(new URL(`../fixtures/podinfo/${name}`, import.meta.url), 'utf8'));
const bases = [fixture('canary.yaml'), fixture('abtest.yaml')];
const counted = caseCounter('specs validated');
// A path names a field: non-empty and not the root of an object; the printed error is printable.
const controls = /[\u0000-\u001f\u007f-\u009f]/;

/** Every path to a value inside `value`, as key/index lists. */
function leavesOf(value: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []) {
	if (path.length) out.push(path);
	if (Array.isArray(value)) value.forEach((item, index) => leavesOf(item, [...path, index], out));
	else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) leavesOf(item, [...path, key], out);
	return out;
}
const leaves = bases.map(base => leavesOf(base));

// Keys a Canary really has (so an "add" often makes a valid but unusual spec), and hostile ones.
const keys = fc.oneof(
	fc.constantFrom('interval', 'iterations', 'threshold', 'maxWeight', 'stepWeight', 'stepWeights', 'stepWeightPromotion', 'mirror', 'mirrorWeight', 'primaryReadyThreshold', 'canaryReadyThreshold', 'match', 'suspend', 'skipAnalysis', 'progressDeadlineSeconds', 'name', 'namespace', 'timeout', 'retries', 'type'),
	fc.constantFrom('__proto__', 'constructor', 'toString', '', '\u001b[2J', '\u009b2J', 'spec.analysis'),
	fc.string({maxLength: 6, unit: 'binary'}),
	fc.string({maxLength: 8}),
);
const values = fc.oneof(
	fc.jsonValue({maxDepth: 2}),
	fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 1.5, 1e308, 2 ** 53, '', '0s', '1h', '10s', '-5m', '9999999h', 'yes', '\u001b[31mred', 'a'.repeat(300), [], {}, [[[]]], null),
	fc.integer({min: -5, max: 200}),
);
type Mutation = {target: number; op: 'delete' | 'set' | 'add'; key: string; value: unknown};
const mutation: fc.Arbitrary<Mutation> = fc.record({target: fc.nat(), op: fc.constantFrom('delete', 'set', 'add'), key: keys, value: values});

function mutate(base: number, mutations: Mutation[]): Json {
	const canary = structuredClone(bases[base]!);
	for (const {target, op, key, value} of mutations) {
		const path = leaves[base]![target % leaves[base]!.length]!;
		let parent: any = canary;
		for (const step of path.slice(0, -1)) {
			if (parent === null || typeof parent !== 'object') break;
			parent = parent[step];
		}
		if (parent === null || typeof parent !== 'object') continue;
		const last = path.at(-1)!;
		const define = (into: object, name: string | number) => Object.defineProperty(into, name, {value, enumerable: true, writable: true, configurable: true});
		if (op === 'delete' && Array.isArray(parent)) parent.splice(Number(last), 1); // YAML has no sparse arrays
		else if (op === 'delete') delete parent[last];
		else if (op === 'set') define(parent, last);
		else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) define(parent[last], key);
	}
	return canary;
}

function expectNamedRejections(document: unknown): ReturnType<typeof validateCanary> {
	const errors = validateCanary(document);
	for (const error of errors) {
		const notAnObject = document === null || typeof document !== 'object' || Array.isArray(document);
		check(error.path.length > 0 && (error.path !== '(root)' || notAnObject), `rejection without a field path: ${JSON.stringify(error)}`);
		const printed = formatSpecError({file: 'canary.yaml', ...error});
		check(!controls.test(printed), `raw control characters in the printed error ${JSON.stringify(printed)}`);
		check(error.message.length > 0, `rejection without a message at ${error.path}`);
	}
	return errors;
}

describe('validateCanary over generated specs', () => {
	it('names a field for every rejection of a mutated canary, and the engine runs whatever it accepts', () => {
		fc.assert(
			fc.property(fc.nat({max: bases.length - 1}), fc.array(mutation, {minLength: 1, maxLength: 4}), (base, mutations) => {
				counted();
				const canary = mutate(base, mutations);
				if (expectNamedRejections(canary).length > 0) return;
				const result = simulate({...(canary as Canary), metadata: {...canary['metadata'], namespace: 'apps'}}, {limit: 30 * 60 * 1_000_000_000});
				check(['Succeeded', 'Failed', 'timeout'].includes(result.outcome), `outcome ${result.outcome}`);
			}),
			{numRuns: runs(5000)},
		);
	}, fuzzTimeout);

	it('never throws on arbitrary documents and names a field for every rejection', () => {
		const canaryLike = fc.record({
			apiVersion: fc.oneof(fc.constant('flagger.app/v1beta1'), fc.jsonValue({maxDepth: 1})),
			kind: fc.oneof(fc.constant('Canary'), fc.jsonValue({maxDepth: 1})),
			metadata: fc.oneof(fc.constant({name: 'podinfo'}), fc.jsonValue({maxDepth: 2})),
			spec: fc.oneof(fc.jsonValue({maxDepth: 4}), fc.dictionary(keys, fc.jsonValue({maxDepth: 3}))),
		}, {requiredKeys: []});
		fc.assert(
			fc.property(fc.oneof(canaryLike, fc.jsonValue({maxDepth: 4}), fc.anything({maxDepth: 3})), document => {
				counted();
				expectNamedRejections(document);
			}),
			{numRuns: runs(2500)},
		);
	}, fuzzTimeout);
});
