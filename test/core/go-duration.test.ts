import {describe, it, expect} from 'vitest';
import fc from 'fast-check';
import {formatGoDuration, millisecondsToDuration, parseGoDuration} from '../../source/core/format/go-duration.js';

const microsecond = 1000;
const millisecond = 1_000_000;
const second = 1_000_000_000;
const minute = 60 * second;
const hour = 60 * minute;

describe('parseGoDuration', () => {
	const valid: Array<[string, number]> = [
		['0', 0],
		['+0', 0],
		['-0', 0],
		['0s', 0],
		['5s', 5 * second],
		['30s', 30 * second],
		['1478s', 1478 * second],
		['-5s', -5 * second],
		['+5s', 5 * second],
		['-0s', 0],
		['1m', minute],
		['1h', hour],
		['1.5h', 1.5 * hour],
		['.5s', 500 * millisecond],
		['1.s', second],
		['1.0s', second],
		['1.004s', 1004 * millisecond],
		['1.0040s', 1004 * millisecond],
		['100.00100s', 100 * second + millisecond],
		['10ns', 10],
		['11us', 11 * microsecond],
		['12\u00B5s', 12 * microsecond],
		['12\u03BCs', 12 * microsecond],
		['13ms', 13 * millisecond],
		['14s', 14 * second],
		['15m', 15 * minute],
		['16h', 16 * hour],
		['3h30m', 3 * hour + 30 * minute],
		['10.5s4m', 4 * minute + 10.5 * second],
		['-2m3.4s', -(2 * minute + 3.4 * second)],
		['1h2m3s4ms5us6ns', hour + 2 * minute + 3 * second + 4 * millisecond + 5 * microsecond + 6],
		['39h9m14.425s', 39 * hour + 9 * minute + 14.425 * second],
		['52763797000ns', 52_763_797_000],
		['0.3333333333333333333h', 20 * minute],
		['0.100000000000000000000h', 6 * minute],
		['0.830103483285477580700h', 49 * minute + 48 * second + 372_539_827],
	];

	it.each(valid)('parses %s', (input, expected) => {
		expect(parseGoDuration(input)).toBe(expected);
	});

	it('never returns negative zero', () => {
		expect(Object.is(parseGoDuration('-0'), 0)).toBe(true);
		expect(Object.is(parseGoDuration('-0s'), 0)).toBe(true);
	});

	const invalid = ['', '3', '-', '+', 's', '.', '-.', '.s', '+.s', '1d', '1.5', '3000000h', '9223372036854775808ns', '1\u00B5', '5 s', ' 5s'];

	it.each(invalid)('rejects %j', (input) => {
		expect(parseGoDuration(input)).toBeUndefined();
	});

	it('accepts the int64 extremes as Go does', () => {
		expect(parseGoDuration('9223372036854775807ns')).toBe(9_223_372_036_854_775_807);
		expect(parseGoDuration('-9223372036854775808ns')).toBe(-9_223_372_036_854_775_808);
		expect(parseGoDuration('2562047h')).toBe(2_562_047 * hour);
	});
});

describe('formatGoDuration', () => {
	const cases: Array<[number, string]> = [
		[0, '0s'],
		[1, '1ns'],
		[999, '999ns'],
		[1000, '1\u00B5s'],
		[1500, '1.5\u00B5s'],
		[1100, '1.1\u00B5s'],
		[2200 * microsecond, '2.2ms'],
		[millisecond, '1ms'],
		[500 * millisecond, '500ms'],
		[999_999_999, '999.999999ms'],
		[second, '1s'],
		[1_515_000_000, '1.515s'],
		[1.5 * second, '1.5s'],
		[3.3 * second, '3.3s'],
		[90 * second, '1m30s'],
		[120 * second, '2m0s'],
		[4 * minute + 5 * second, '4m5s'],
		[4 * minute + 5001 * millisecond, '4m5.001s'],
		[3600 * second, '1h0m0s'],
		[3723.5 * second, '1h2m3.5s'],
		[5 * hour + 6 * minute + 7001 * millisecond, '5h6m7.001s'],
		[8 * hour + minute + 1, '8h1m0.000000001s'],
		[48 * hour, '48h0m0s'],
		[-1, '-1ns'],
		[-1500, '-1.5\u00B5s'],
		[-90 * second, '-1m30s'],
		[-3723.5 * second, '-1h2m3.5s'],
		[-0, '0s'],
		[12.9, '12ns'],
		[2 ** 53 - 1, '2501h59m59.254740991s'],
	];

	it.each(cases)('formats %s as %s', (input, expected) => {
		expect(formatGoDuration(input)).toBe(expected);
	});

	it('rejects non-finite input', () => {
		expect(() => formatGoDuration(Number.NaN)).toThrow(RangeError);
		expect(() => formatGoDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
	});

	it('round-trips through parseGoDuration', () => {
		fc.assert(
			fc.property(fc.integer({min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER}), (ns) => {
				expect(parseGoDuration(formatGoDuration(ns))).toBe(ns);
			}),
			{numRuns: 2000},
		);
	});

	it('round-trips short durations, where each unit branch applies', () => {
		fc.assert(
			fc.property(fc.integer({min: -2 * hour, max: 2 * hour}), (ns) => {
				expect(parseGoDuration(formatGoDuration(ns))).toBe(ns);
			}),
			{numRuns: 2000},
		);
	});
});

describe('millisecondsToDuration', () => {
	const cases: Array<[number, number]> = [
		[0, 0],
		[1, millisecond],
		[212.9, 212 * millisecond],
		[999.999, 999 * millisecond],
		[-212.9, -212 * millisecond],
		[-0.5, 0],
		[60_000, minute],
	];

	it.each(cases)('converts %s ms', (input, expected) => {
		expect(millisecondsToDuration(input)).toBe(expected);
	});

	it('never returns negative zero', () => {
		expect(Object.is(millisecondsToDuration(-0.5), 0)).toBe(true);
	});

	it('reads NaN, ±Inf (a Prometheus p99 of +Inf) and overflows as Go on amd64 does, without throwing', () => {
		for (const ms of [Infinity, -Infinity, NaN, 1e300, -(2 ** 63)]) expect(millisecondsToDuration(ms)).toBe(0);
		expect(millisecondsToDuration(9_223_372_036_855)).toBe(Number(-9_223_372_036_854_551_616n));
		expect(formatGoDuration(millisecondsToDuration(Infinity))).toBe('0s');
	});
});
