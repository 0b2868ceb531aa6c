import {describe, it, expect} from 'vitest';
import fc from 'fast-check';
import {formatFixed, formatFloatV} from '../../source/core/format/go-float.js';

describe('formatFloatV', () => {
	const cases: Array<[number, string]> = [
		[99, '99'],
		[99.5, '99.5'],
		[0.5, '0.5'],
		[123456, '123456'],
		[1e6, '1e+06'],
		[1234567, '1.234567e+06'],
		[1e-5, '1e-05'],
		[0.0001, '0.0001'],
		[0.00012345, '0.00012345'],
		[1.5e-5, '1.5e-05'],
		[1e21, '1e+21'],
		[1e20, '1e+20'],
		[100, '100'],
		[100000, '100000'],
		[999999, '999999'],
		[-2.5, '-2.5'],
		[-1e6, '-1e+06'],
		[0, '0'],
		[-0, '-0'],
		[1, '1'],
		[NaN, 'NaN'],
		[Number.POSITIVE_INFINITY, '+Inf'],
		[Number.NEGATIVE_INFINITY, '-Inf'],
		[0.1 + 0.2, '0.30000000000000004'],
		[1 / 3, '0.3333333333333333'],
		[123456.789, '123456.789'],
		[1e100, '1e+100'],
		[1.7976931348623157e308, '1.7976931348623157e+308'],
		[5e-324, '5e-324'],
		[2 ** 53, '9.007199254740992e+15'],
	];

	it.each(cases)('formats %s as %s', (input, expected) => {
		expect(formatFloatV(input)).toBe(expected);
	});

	it('round-trips every finite double through parseFloat', () => {
		fc.assert(
			fc.property(fc.double({noNaN: true, noDefaultInfinity: true}), (x) => {
				expect(Object.is(Number.parseFloat(formatFloatV(x)), x)).toBe(true);
			}),
		);
	});
});

describe('formatFixed', () => {
	const cases: Array<[number, number, string]> = [
		[0.125, 2, '0.12'],
		[0.375, 2, '0.38'],
		[98.125, 2, '98.12'],
		[2.675, 2, '2.67'],
		[1.005, 2, '1.00'],
		[99.995, 2, '100.00'],
		[0.5, 0, '0'],
		[1.5, 0, '2'],
		[2.5, 0, '2'],
		[-2.5, 0, '-2'],
		[0.005, 2, '0.01'],
		[-0.001, 2, '-0.00'],
		[-0, 2, '-0.00'],
		[0, 2, '0.00'],
		[0, 0, '0'],
		[99, 2, '99.00'],
		[99.5, 1, '99.5'],
		[1e21, 2, '1000000000000000000000.00'],
		[0.1, 20, '0.10000000000000000555'],
		[123.456, 0, '123'],
		[NaN, 2, 'NaN'],
		[Number.POSITIVE_INFINITY, 2, '+Inf'],
		[Number.NEGATIVE_INFINITY, 2, '-Inf'],
	];

	it.each(cases)('formats %s with %i decimals as %s', (input, decimals, expected) => {
		expect(formatFixed(input, decimals)).toBe(expected);
	});

	it('rejects a negative or fractional decimal count', () => {
		expect(() => formatFixed(1, -1)).toThrow(RangeError);
		expect(() => formatFixed(1, 1.5)).toThrow(RangeError);
	});

	it('agrees with an exact-decimal round-half-even oracle', () => {
		fc.assert(
			fc.property(fc.double({min: -1e20, max: 1e20, noNaN: true}), fc.integer({min: 0, max: 20}), (x, decimals) => {
				expect(formatFixed(x, decimals)).toBe(roundHalfEvenOracle(x, decimals));
			}),
		);
	});

	it('rounds exact ties to even', () => {
		fc.assert(
			fc.property(fc.integer({min: -1_000_000, max: 1_000_000}), (k) => {
				const x = k / 8;
				expect(formatFixed(x, 2)).toBe(roundHalfEvenOracle(x, 2));
			}),
		);
	});

	it('matches toFixed whenever the value is not an exact tie', () => {
		fc.assert(
			fc.property(fc.double({min: -1e20, max: 1e20, noNaN: true}), fc.integer({min: 0, max: 20}), (x, decimals) => {
				fc.pre(!Object.is(x, -0) && !isExactTie(x, decimals));
				expect(formatFixed(x, decimals)).toBe(x.toFixed(decimals));
			}),
		);
	});
});

// toFixed(100) is specified as exact real-number rounding, so it spells out the exact binary value of
// any double whose expansion ends within 100 decimals, which includes every possible tie at <= 20 decimals.
function splitExactDecimal(x: number, decimals: number): {sign: string; kept: string; dropped: string} {
	const raw = Math.abs(x).toFixed(100);
	const pointIndex = raw.indexOf('.');
	return {
		sign: x < 0 || Object.is(x, -0) ? '-' : '',
		kept: raw.slice(0, pointIndex) + raw.slice(pointIndex + 1, pointIndex + 1 + decimals),
		dropped: raw.slice(pointIndex + 1 + decimals),
	};
}

function isExactTie(x: number, decimals: number): boolean {
	return /^50*$/.test(splitExactDecimal(x, decimals).dropped);
}

function roundHalfEvenOracle(x: number, decimals: number): string {
	const {sign, kept, dropped} = splitExactDecimal(x, decimals);
	let units = BigInt(kept);
	const tie = /^50*$/.test(dropped);
	const aboveHalf = !tie && (dropped[0] ?? '0') >= '5';
	if (aboveHalf || (tie && units % 2n === 1n)) {
		units += 1n;
	}

	const text = units.toString().padStart(decimals + 1, '0');
	const whole = text.slice(0, text.length - decimals);
	return sign + whole + (decimals > 0 ? '.' + text.slice(text.length - decimals) : '');
}
