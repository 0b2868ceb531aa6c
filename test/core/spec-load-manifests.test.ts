import {describe, it, expect} from 'vitest';
import {loadManifests, MAX_MANIFEST_BYTES} from '../../source/core/spec/load-manifests.js';

describe('loadManifests', () => {
	it('splits multi-document YAML and skips empty documents', () => {
		const loaded = loadManifests('---\na: 1\n---\n# only a comment\n---\nb: [2]\n---\n');
		expect(loaded.errors).toEqual([]);
		expect(loaded.documents).toEqual([
			{index: 1, value: {a: 1}},
			{index: 3, value: {b: [2]}},
		]);
		expect(loaded.count).toBe(4);
	});

	it('reads JSON and strips a byte order mark', () => {
		expect(loadManifests('\uFEFF{"kind": "Canary", "spec": {"x": [1, 2]}}').documents).toEqual([
			{index: 1, value: {kind: 'Canary', spec: {x: [1, 2]}}},
		]);
	});

	it('returns nothing for an empty file', () => {
		expect(loadManifests('')).toEqual({documents: [], errors: [], count: 0});
	});

	it('names the line and column of syntax errors and keeps the valid documents', () => {
		const loaded = loadManifests('a: 1\n---\nb: 1\nb: 2\n');
		expect(loaded.documents).toEqual([{index: 1, value: {a: 1}}]);
		expect(loaded.errors).toEqual([
			{document: 2, line: 4, column: 1, message: 'YAML syntax error at line 4, column 1: Map keys must be unique'},
		]);
	});

	it('reports aliases that cannot be resolved', () => {
		const loaded = loadManifests('a: *missing\n');
		expect(loaded.documents).toEqual([]);
		expect(loaded.errors[0]?.message).toMatch(/alias/i);
	});

	it('refuses input over the limit before parsing', () => {
		expect(MAX_MANIFEST_BYTES).toBe(8 * 1024 * 1024);
		const loaded = loadManifests(`a: "${'x'.repeat(9 * 1024 * 1024)}"\n`);
		expect(loaded.documents).toEqual([]);
		expect(loaded.errors).toEqual([{message: 'file is 9.0 MiB, larger than the 8 MiB limit; refusing to parse it'}]);
	});
});
