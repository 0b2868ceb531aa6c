// Garbage in a manifest file: random bytes, YAML token soup, deep nesting and alias bombs
// ("billion laughs"). Loading never throws, never blows up in memory, and every problem is
// an error naming where it is and what was wrong.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {formatSpecError, loadCanaries} from '../../source/core/spec/load-canaries.js';
import {caseCounter, check, fuzzTimeout, runs} from './fuzz-budget.js';

const counted = caseCounter('garbage manifests loaded');
const canaryHead = 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo}\n';

function expectNamedErrors(text: string): ReturnType<typeof loadCanaries> {
	const loaded = loadCanaries(text, 'garbage.yaml');
	for (const error of loaded.errors) {
		check(error.file === 'garbage.yaml' && error.path.length > 0 && error.message.length > 0, `an error without a place or a reason: ${JSON.stringify(error)}`);
		check(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(formatSpecError(error)), `raw control characters in ${JSON.stringify(formatSpecError(error))}`);
	}
	return loaded;
}

const tokens = fc.constantFrom(
	'\n', '  ', '- ', ': ', '? ', '[', ']', '{', '}', ',', '&a ', '*a', '&b ', '*b', '<<: *a', '!!binary ', '!!python/object:os.system ', '!<tag:x> ',
	'%YAML 1.1\n', '%YAML 2.0\n', '---\n', '...\n', '|\n', '>-\n', '"', "'", '\\u', '\\x1b', '#', '\t', 'yes', 'no', '~', 'null', '0x1F', '1e400', '.nan', '-.inf',
	'apiVersion: flagger.app/v1beta1\n', 'kind: Canary\n', 'spec:\n', '  analysis:\n', '    interval: ', '\u0000', '\u001b[2J', '\u009b', '\uFEFF', '\uD800',
);

describe('loading garbage manifests', () => {
	it('never throws on YAML token soup or random bytes, and names every problem', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.array(tokens, {maxLength: 60}).map(parts => parts.join('')),
					fc.array(tokens, {maxLength: 40}).map(parts => canaryHead + parts.join('')),
					fc.uint8Array({maxLength: 400}).map(bytes => Buffer.from(bytes).toString('utf8')),
					fc.string({maxLength: 200, unit: 'binary'}),
				),
				text => {
					counted();
					expectNamedErrors(text);
				},
			),
			{numRuns: runs(1500)},
		);
	}, fuzzTimeout);

	it('refuses alias bombs without expanding them', () => {
		const laughs = (levels: number, fanOut: number, mergeKeys: boolean) => {
			const lines = ['a0: &a0 ["lol"]'];
			for (let i = 1; i <= levels; i++) {
				const refs = Array.from({length: fanOut}, () => `*a${i - 1}`);
				lines.push(mergeKeys ? `a${i}: &a${i} {${refs.map((ref, k) => `k${k}: ${ref}`).join(', ')}}` : `a${i}: &a${i} [${refs.join(', ')}]`);
			}
			return `${canaryHead}spec:\n${lines.map(line => `  ${line}`).join('\n')}\n`;
		};
		for (const bomb of [laughs(9, 9, false), laughs(30, 10, false), laughs(12, 10, true), `${canaryHead}spec: &x\n  y: *x\n`]) {
			const before = process.memoryUsage().heapUsed;
			const {canaries, errors} = expectNamedErrors(bomb);
			counted();
			expect(canaries).toEqual([]);
			expect(errors.length).toBeGreaterThan(0);
			expect(errors.map(e => e.message).join(' ')).toMatch(/alias|unknown field|expected/i);
			expect(process.memoryUsage().heapUsed - before, 'heap growth (bytes) loading the bomb').toBeLessThan(64 * 1024 * 1024);
		}
	});

	it('refuses deep nesting with a message that says so', () => {
		for (const depth of [2_000, 20_000]) {
			for (const text of ['['.repeat(depth) + ']'.repeat(depth), '{a: '.repeat(depth) + '1' + '}'.repeat(depth), `${canaryHead}spec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`]) {
				counted();
				const {canaries, errors} = expectNamedErrors(text);
				expect(canaries).toEqual([]);
				expect(errors[0]!.message).toMatch(/nested too deeply/);
				expect(errors[0]!.message).toMatch(/at line \d+, column \d+/);
			}
		}
	});
});
