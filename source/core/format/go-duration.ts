// Go's time.Duration parsing and printing, reproduced so durations round-trip with Flagger specs and events.

/**
 * A Go `time.Duration`: integer nanoseconds.
 * Exact only up to Number.MAX_SAFE_INTEGER (about 104 days); Go's int64 range goes further.
 */
export type Duration = number;

const nanosecond = 1n;
const microsecond = 1000n * nanosecond;
const millisecond = 1000n * microsecond;
const second = 1000n * millisecond;
const minute = 60n * second;
const hour = 60n * minute;

const unitNanoseconds = new Map<string, bigint>([
	['ns', nanosecond],
	['us', microsecond],
	['\u00B5s', microsecond],
	['\u03BCs', microsecond],
	['ms', millisecond],
	['s', second],
	['m', minute],
	['h', hour],
]);

const int64Limit = 1n << 63n;

/** Go's `time.ParseDuration`; undefined where Go returns an error. */
export function parseGoDuration(s: string): Duration | undefined {
	let rest = s;
	let negative = false;
	if (rest.startsWith('-') || rest.startsWith('+')) {
		negative = rest.startsWith('-');
		rest = rest.slice(1);
	}

	if (rest === '0') {
		return 0;
	}

	if (rest === '') {
		return undefined;
	}

	let total = 0n;
	while (rest !== '') {
		const match = /^(\d*)(?:\.(\d*))?/.exec(rest);
		const wholeDigits = match?.[1] ?? '';
		const fractionDigits = match?.[2];
		if (wholeDigits === '' && !fractionDigits) {
			return undefined;
		}

		rest = rest.slice(match?.[0].length ?? 0);
		const unitMatch = /^[^.\d]+/.exec(rest);
		if (!unitMatch) {
			return undefined;
		}

		const unit = unitNanoseconds.get(unitMatch[0]);
		if (unit === undefined) {
			return undefined;
		}

		rest = rest.slice(unitMatch[0].length);

		const whole = BigInt(wholeDigits === '' ? '0' : wholeDigits);
		if (whole > int64Limit / unit) {
			return undefined;
		}

		let value = whole * unit;
		const {fraction, scale} = leadingFraction(fractionDigits ?? '');
		if (fraction > 0n) {
			// Go adds the fraction through float64, truncating: uint64(float64(f) * (float64(unit) / scale)).
			value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
			if (value > int64Limit) {
				return undefined;
			}
		}

		total += value;
		if (total > int64Limit) {
			return undefined;
		}
	}

	if (negative) {
		return total === 0n ? 0 : -Number(total);
	}

	return total > int64Limit - 1n ? undefined : Number(total);
}

/** Go's leadingFraction: digits past uint64 precision are ignored rather than rejected. */
function leadingFraction(digits: string): {fraction: bigint; scale: number} {
	let fraction = 0n;
	let scale = 1;
	for (const digit of digits) {
		if (fraction > (int64Limit - 1n) / 10n) {
			break;
		}

		const next = fraction * 10n + BigInt(digit);
		if (next > int64Limit) {
			break;
		}

		fraction = next;
		scale *= 10;
	}

	return {fraction, scale};
}

/** Go's `time.Duration.String()`, e.g. "1h2m3.5s", "1.5µs", "0s". Non-integers are truncated toward zero. */
export function formatGoDuration(ns: Duration): string {
	if (!Number.isFinite(ns)) {
		throw new RangeError(`duration must be finite, got ${ns}`);
	}

	const value = BigInt(Math.trunc(ns));
	const sign = value < 0n ? '-' : '';
	const magnitude = value < 0n ? -value : value;

	if (magnitude === 0n) {
		return '0s';
	}

	if (magnitude < microsecond) {
		return `${sign}${magnitude}ns`;
	}

	if (magnitude < millisecond) {
		return `${sign}${formatScaled(magnitude, 3)}\u00B5s`;
	}

	if (magnitude < second) {
		return `${sign}${formatScaled(magnitude, 6)}ms`;
	}

	const seconds = formatScaled(magnitude % minute, 9);
	const totalMinutes = magnitude / minute;
	if (totalMinutes === 0n) {
		return `${sign}${seconds}s`;
	}

	const hours = totalMinutes / 60n;
	const minutes = totalMinutes % 60n;
	return hours === 0n ? `${sign}${minutes}m${seconds}s` : `${sign}${hours}h${minutes}m${seconds}s`;
}

/** Prints value / 10^decimals with trailing fractional zeros (and a bare point) removed, like Go's fmtFrac. */
function formatScaled(value: bigint, decimals: number): string {
	const divisor = 10n ** BigInt(decimals);
	const fraction = (value % divisor).toString().padStart(decimals, '0').replace(/0+$/, '');
	const whole = (value / divisor).toString();
	return fraction === '' ? whole : `${whole}.${fraction}`;
}

/**
 * Go's `time.Duration(int64(ms)) * time.Millisecond` for a float64 ms: the conversion truncates
 * toward zero; NaN, ±Inf and values outside int64 become math.MinInt64 (amd64), and the product
 * wraps around in 64 bits. So a Prometheus p99 of +Inf is 0s, as in Flagger, not a crash.
 */
export function millisecondsToDuration(ms: number): Duration {
	const whole = Math.trunc(ms);
	if (Number.isSafeInteger(whole) && Math.abs(whole) <= 9_223_372_036_854) {
		// Adding 0 turns -0 into 0, since Go integers have no negative zero.
		return whole * 1_000_000 + 0;
	}
	const int64 = Number.isFinite(whole) && Math.abs(whole) < 2 ** 63 ? BigInt(whole) : -(2n ** 63n);
	return Number(BigInt.asIntN(64, int64 * 1_000_000n));
}
