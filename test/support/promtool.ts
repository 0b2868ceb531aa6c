// Prometheus' own checker (Debian package prometheus: /usr/bin/promtool) on an exposition.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';

export const promtoolPath = process.env['PROMTOOL'] ?? '/usr/bin/promtool';

/**
 * `promtool check metrics` on `text`: the lint problems it printed (one per line), or throws
 * when the text does not parse (exit 1) or promtool is missing.
 */
export function promtoolProblems(text: string): string[] {
	if (!fs.existsSync(promtoolPath)) throw new Error(`${promtoolPath} not found: install Debian's prometheus package or set PROMTOOL`);
	const checked = spawnSync(promtoolPath, ['check', 'metrics'], {input: text, encoding: 'utf8'});
	const output = `${checked.stdout}${checked.stderr}`.trim();
	// Exit 0: clean; 3: lint problems only; anything else: a parse error.
	if (checked.status !== 0 && checked.status !== 3) throw new Error(`promtool check metrics failed (exit ${checked.status}): ${output}`);
	return output ? output.split('\n') : [];
}

/** The one problem a Flagger-compatible exposition has: Flagger's own gauge named flagger_canary_total. */
export const flaggerTotalLint = 'flagger_canary_total non-counter metrics should not have "_total" suffix';
