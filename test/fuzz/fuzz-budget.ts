// How many generated cases each fuzz property runs: the CI figure times FUZZ_SCALE
// (`npm run test:soak` sets 10). Each file counts the cases it really ran and prints the count.
import {afterAll} from 'vitest';

const scale = Number(process.env['FUZZ_SCALE'] ?? 1);
if (!(scale > 0)) throw new Error(`FUZZ_SCALE: expected a positive number, got "${process.env['FUZZ_SCALE']}"`);

/** A test timeout that grows with the scale (the machine may be busy). */
export const fuzzTimeout = 60_000 * scale;

/** A fast-check numRuns for `ciRuns` cases per CI run, scaled. */
export const runs = (ciRuns: number): number => Math.max(1, Math.round(ciRuns * scale));

/** A counter of the cases one file ran, printed when the file ends. */
export function caseCounter(what: string): () => void {
	let cases = 0;
	afterAll(() => console.info(`fuzz: ${cases} ${what} (FUZZ_SCALE=${scale})`));
	return () => {
		cases++;
	};
}

/** A cheap assertion for hot loops. */
export function check(condition: boolean, message: string): asserts condition {
	if (!condition) throw new Error(message);
}
