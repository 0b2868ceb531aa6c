import {describe, it, expect} from 'vitest';
import {validateSchema, type JsonSchema} from '../../source/core/spec/schema-validate.js';

const paths = (value: unknown, schema: JsonSchema) => validateSchema(value, schema).map(error => error.path);

describe('validateSchema', () => {
	it('checks types, with integers accepted as numbers', () => {
		const schema: JsonSchema = {
			type: 'object',
			properties: {n: {type: 'number'}, i: {type: 'integer'}, s: {type: 'string'}, b: {type: 'boolean'}, a: {type: 'array'}},
		};
		expect(validateSchema({n: 3, i: 3, s: 'x', b: false, a: []}, schema)).toEqual([]);
		const errors = validateSchema({n: '3', i: 1.5, s: 3, b: 'yes', a: {}}, schema);
		expect(errors).toEqual([
			{path: 'n', message: 'expected a number, got a string "3"'},
			{path: 'i', message: 'expected an integer, got a number 1.5'},
			{path: 's', message: 'expected a string, got an integer 3'},
			{path: 'b', message: 'expected a boolean, got a string "yes"'},
			{path: 'a', message: 'expected an array, got an object'},
		]);
	});

	it('rejects null unless nullable', () => {
		const schema: JsonSchema = {type: 'object', properties: {a: {type: 'string'}, b: {type: 'string', nullable: true}}};
		expect(validateSchema({a: null, b: null}, schema)).toEqual([{path: 'a', message: 'expected a string, got null'}]);
	});

	it('accepts an integer or a string for x-kubernetes-int-or-string', () => {
		const schema: JsonSchema = {type: 'object', properties: {p: {'x-kubernetes-int-or-string': true}}};
		expect(paths({p: 8080}, schema)).toEqual([]);
		expect(paths({p: 'http'}, schema)).toEqual([]);
		expect(validateSchema({p: 1.5}, schema)[0]?.message).toBe('expected an integer or a string, got a number 1.5');
	});

	it('reports unknown fields only where properties are closed', () => {
		const schema: JsonSchema = {
			type: 'object',
			properties: {
				closed: {type: 'object', properties: {a: {type: 'string'}}},
				map: {type: 'object', additionalProperties: {type: 'string'}},
				open: {type: 'object'},
				preserved: {type: 'object', properties: {a: {type: 'string'}}, 'x-kubernetes-preserve-unknown-fields': true},
				anything: {'x-kubernetes-preserve-unknown-fields': true},
				strict: {type: 'object', additionalProperties: false},
			},
		};
		const value = {
			closed: {a: 'x', b: 1},
			map: {'prometheus.io/port': 'x', k: 2},
			open: {z: 1},
			preserved: {a: 1, z: 1},
			anything: [1, {x: null}],
			strict: {z: 1},
		};
		expect(validateSchema(value, schema)).toEqual([
			{path: 'closed.b', message: 'unknown field "closed.b"'},
			{path: 'map.k', message: 'expected a string, got an integer 2'},
			{path: 'preserved.a', message: 'expected a string, got an integer 1'},
			{path: 'strict.z', message: 'unknown field "strict.z"'},
		]);
		expect(paths({map: {'a b': 1}}, schema)).toEqual(['map["a b"]']);
	});

	it('checks enum, pattern, lengths, bounds and item counts', () => {
		const schema: JsonSchema = {
			type: 'object',
			properties: {
				e: {type: 'string', enum: ['Strict', 'Lax']},
				p: {type: 'string', pattern: '^[0-9]+(m|s)'},
				l: {type: 'string', minLength: 2, maxLength: 3},
				n: {type: 'integer', minimum: 1, maximum: 5},
				a: {type: 'array', items: {type: 'string'}, minItems: 1, maxItems: 2},
			},
		};
		expect(paths({e: 'Lax', p: '10ms', l: 'ab', n: 5, a: ['x']}, schema)).toEqual([]);
		const errors = validateSchema({e: 'strict', p: '1h', l: 'abcd', n: 0, a: ['x', 2, 'z']}, schema);
		expect(errors.map(error => error.path)).toEqual(['e', 'p', 'l', 'n', 'a', 'a[1]']);
		expect(errors[0]?.message).toBe('expected one of "Strict", "Lax", got "strict" (did you mean "Strict"?)');
		expect(errors[1]?.message).toBe('expected a string matching ^[0-9]+(m|s), got "1h"');
	});

	it('uses pattern hints when given', () => {
		const schema: JsonSchema = {type: 'string', pattern: '^a'};
		expect(validateSchema('b', schema, 'x', {patternHints: {'^a': 'a word starting with a'}})).toEqual([
			{path: 'x', message: 'expected a word starting with a, got "b"'},
		]);
	});

	it('explains key-choice oneOf rules in words', () => {
		const schema: JsonSchema = {
			type: 'object',
			oneOf: [{required: ['exact']}, {required: ['prefix']}],
			properties: {exact: {type: 'string'}, prefix: {type: 'string'}},
		};
		expect(validateSchema({exact: 'a', prefix: 'b'}, schema, 'm')).toEqual([
			{path: 'm', message: 'exactly one of exact or prefix must be set, found exact and prefix'},
		]);
		expect(validateSchema({}, schema, 'm')[0]?.message).toBe('exactly one of exact or prefix must be set, found none of them');
	});

	it('reports nested failures of the chosen oneOf branch', () => {
		const schema: JsonSchema = {
			type: 'object',
			oneOf: [
				{required: ['simple']},
				{required: ['hash'], properties: {hash: {oneOf: [{required: ['header']}, {required: ['cookie']}]}}},
			],
			properties: {simple: {type: 'string'}, hash: {type: 'object', properties: {header: {type: 'string'}, cookie: {type: 'string'}}}},
		};
		expect(validateSchema({hash: {}}, schema, 'lb')).toEqual([
			{path: 'lb.hash', message: 'exactly one of header or cookie must be set, found none of them'},
		]);
	});

	it('supports anyOf, allOf and not', () => {
		const schema: JsonSchema = {
			type: 'object',
			anyOf: [{required: ['a']}, {required: ['b']}],
			allOf: [{properties: {a: {maxLength: 1}}}],
			not: {required: ['c']},
		};
		expect(paths({a: 'x'}, schema)).toEqual([]);
		expect(validateSchema({a: 'xy', c: 1}, schema).map(error => error.message)).toEqual([
			'expected at most 1 character, got 2',
			'expected none of c to be set',
		]);
		expect(validateSchema({}, schema)[0]?.message).toBe('expected at least one of a or b to be set, found none');
	});

	it('reports every error, not just the first', () => {
		const schema: JsonSchema = {type: 'object', required: ['a', 'b'], properties: {a: {type: 'string'}, b: {type: 'string'}, c: {type: 'string'}}};
		expect(paths({c: 1, d: 1}, schema)).toEqual(['a', 'b', 'c', 'd']);
	});
});
