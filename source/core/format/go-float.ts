// Go's fmt float formatting, reproduced byte for byte so event strings match Flagger.

/** Go's `fmt.Sprintf("%v", x)` for a float64, i.e. `strconv.FormatFloat(x, 'g', -1, 64)`. */
export function formatFloatV(x: number): string {
	const special = formatNonFinite(x);
	if (special !== undefined) {
		return special;
	}

	if (x === 0) {
		return Object.is(x, -0) ? '-0' : '0';
	}

	// toExponential() with no argument yields the shortest round-trip digits, as Go's shortest mode does.
	const [mantissa = '', exponentText = '0'] = Math.abs(x).toExponential().split('e');
	const digits = mantissa.replace('.', '');
	const exponent = Number(exponentText);
	const sign = x < 0 ? '-' : '';

	// Go switches to %e when exp < -4 || exp >= eprec, and eprec is always 6 in shortest mode.
	if (exponent < -4 || exponent >= 6) {
		return sign + formatExponentForm(digits, exponent);
	}

	return sign + formatPlainForm(digits, exponent + 1);
}

/** Go's `fmt.Sprintf("%.<decimals>f", x)`: the exact binary value rounded half-to-even. */
export function formatFixed(x: number, decimals: number): string {
	if (!Number.isInteger(decimals) || decimals < 0) {
		throw new RangeError(`decimals must be a non-negative integer, got ${decimals}`);
	}

	const special = formatNonFinite(x);
	if (special !== undefined) {
		return special;
	}

	const {negative, mantissa, exponent} = decomposeFloat64(x);
	const scaled = mantissa * 10n ** BigInt(decimals);
	let units: bigint;
	if (exponent >= 0) {
		units = scaled << BigInt(exponent);
	} else {
		const divisor = 1n << BigInt(-exponent);
		units = scaled / divisor;
		const twiceRemainder = (scaled % divisor) * 2n;
		if (twiceRemainder > divisor || (twiceRemainder === divisor && units % 2n === 1n)) {
			units += 1n;
		}
	}

	const text = units.toString().padStart(decimals + 1, '0');
	const integerPart = text.slice(0, text.length - decimals);
	const fractionPart = text.slice(text.length - decimals);
	// Go keeps the sign bit, so -0.001 prints as "-0.00".
	return (negative ? '-' : '') + integerPart + (decimals > 0 ? '.' + fractionPart : '');
}

function formatNonFinite(x: number): string | undefined {
	if (Number.isNaN(x)) {
		return 'NaN';
	}

	if (x === Number.POSITIVE_INFINITY) {
		return '+Inf';
	}

	if (x === Number.NEGATIVE_INFINITY) {
		return '-Inf';
	}

	return undefined;
}

function formatExponentForm(digits: string, exponent: number): string {
	const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
	const exponentSign = exponent < 0 ? '-' : '+';
	return `${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function formatPlainForm(digits: string, pointPosition: number): string {
	if (pointPosition <= 0) {
		return '0.' + '0'.repeat(-pointPosition) + digits;
	}

	if (pointPosition >= digits.length) {
		return digits + '0'.repeat(pointPosition - digits.length);
	}

	return digits.slice(0, pointPosition) + '.' + digits.slice(pointPosition);
}

/** Splits a finite double into sign, integer mantissa and binary exponent: |x| = mantissa * 2^exponent. */
function decomposeFloat64(x: number): {negative: boolean; mantissa: bigint; exponent: number} {
	const view = new DataView(new ArrayBuffer(8));
	view.setFloat64(0, x);
	const bits = view.getBigUint64(0);
	const negative = bits >> 63n === 1n;
	const biasedExponent = Number((bits >> 52n) & 0x7ffn);
	const fraction = bits & ((1n << 52n) - 1n);
	if (biasedExponent === 0) {
		return {negative, mantissa: fraction, exponent: -1074};
	}

	return {negative, mantissa: fraction | (1n << 52n), exponent: biasedExponent - 1075};
}
