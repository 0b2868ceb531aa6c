// Untrusted text (names and annotations from the cluster, event messages, webhook bodies)
// with ANSI escapes and control characters never reaches the terminal raw: not through the
// dashboard (renderOnce, what `--once` and the live frames draw), not through event lines
// (`-o text` strips, `-o json` escapes), not through `get` or `simulate`.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {canaryRow} from '../../source/commands/printers/canary-columns.js';
import {formatObjects} from '../../source/commands/printers/objects.js';
import {simulateCommand} from '../../source/commands/simulate-command.js';
import {formatEventLine} from '../../source/events/event-line.js';
import {renderOnce} from '../../source/ui/run-tui.js';
import {event, fakeSource, view} from '../ui/fake-source.js';
import {caseCounter, check, fuzzTimeout, runs} from './fuzz-budget.js';

/** Any C0 control but the newline, DEL and C1 controls: what must never be printed raw. */
const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const counted = caseCounter('hostile strings printed');

const attacks = [
	'\u001b[2J\u001b[H', // clear the screen
	'\u001b]0;owned\u0007', // set the window title
	'\u001b]8;;http://evil/\u001b\\link\u001b]8;;\u001b\\', // hyperlink
	'\u009b31m', // C1 CSI
	'\u001bP+q\u001b\\', // DCS query
	'\r\u001b[K', // overwrite the line
	'\u0007\u0008\u007f\u0000',
	'\u001b[?1049l', // leave the alternate screen
];
const hostile = fc.oneof(
	fc.constantFrom(...attacks),
	fc.array(fc.oneof(fc.constantFrom(...attacks), fc.string({maxLength: 8, unit: 'binary'}), fc.string({maxLength: 8})), {minLength: 1, maxLength: 5}).map(parts => parts.join('')),
);

describe('hostile text', () => {
	it('never reaches the dashboard frame raw', () => {
		fc.assert(
			fc.property(fc.record({name: hostile, namespace: hostile, image: hostile, message: hostile, context: hostile, phase: hostile}), s => {
				counted();
				const canary = view({name: s.name, namespace: s.namespace, canaryImage: `podinfo:${s.image}`, phase: s.phase as never, events: [event(s.message), event(`Halt advancement ${s.message}`, {type: 'Warning'})]});
				const frame = renderOnce(fakeSource([canary], {context: s.context, namespace: s.namespace, allNamespaces: true}), {color: false, ascii: false, columns: 80, rows: 24});
				check(!raw.test(frame), `raw control in the frame: ${JSON.stringify(frame.match(raw))} from ${JSON.stringify(s)}`);
			}),
			{numRuns: runs(100)},
		);
	}, fuzzTimeout);

	it('is stripped from text event lines and escaped in JSON ones, which still carry it', () => {
		fc.assert(
			fc.property(hostile, hostile, (message, canary) => {
				counted();
				const line = {time: 0, type: 'Warning' as const, error: true, message, canary, phase: 'Progressing' as const, weight: 5, failedChecks: 1, iterations: 0};
				const text = formatEventLine(line, 'text');
				check(!raw.test(text) && !text.includes('\n'), `raw control in a text line: ${JSON.stringify(text)}`);
				const json = formatEventLine(line, 'json');
				check(!raw.test(json) && !json.includes('\n'), `raw control in a JSON line: ${JSON.stringify(json)}`);
				const parsed = JSON.parse(json) as {msg: string; canary: string};
				check(parsed.msg === message && parsed.canary === canary, 'the JSON line does not carry the message as it was');
			}),
			{numRuns: runs(1000)},
		);
	}, fuzzTimeout);

	it('never reaches the terminal raw through get: table cells stripped, JSON escaped', () => {
		fc.assert(
			fc.property(hostile, hostile, (phase, suspend) => {
				counted();
				const canary = {apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: {name: 'podinfo', namespace: 'apps'}, spec: {suspend, analysis: {stepWeights: [phase]}}, status: {phase, canaryWeight: 5}};
				const row = canaryRow(canary, {wide: true, allNamespaces: true}).join(' ');
				check(!raw.test(row), `raw control in a get row: ${JSON.stringify(row)}`);
				const json = formatObjects(canary, 'json');
				check(!raw.test(json.replace(/\n/g, '')), `raw control in get -o json: ${JSON.stringify(json)}`);
				check((JSON.parse(json) as {status: {phase: string}}).status.phase === phase, 'get -o json does not carry the phase as it was');
			}),
			{numRuns: runs(500)},
		);
	}, fuzzTimeout);

	it('never reaches the terminal raw through simulate, in text or JSON', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'canary-tui-hostile-'));
		const file = join(dir, 'canary.yaml');
		const name = 'gate\u001b[2J\u009b31m\u0007';
		writeFileSync(
			file,
			JSON.stringify({
				apiVersion: 'flagger.app/v1beta1',
				kind: 'Canary',
				metadata: {name: 'podinfo', namespace: 'apps'},
				spec: {provider: 'kubernetes', targetRef: {apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo'}, service: {port: 9898}, analysis: {interval: '10s', iterations: 2, threshold: 1, webhooks: [{name, type: 'pre-rollout', url: 'http://gate.apps/'}]}},
			}),
		);
		for (const output of ['text', 'json']) {
			const out: string[] = [];
			const err: string[] = [];
			const code = await simulateCommand([file], {webhook: [`${name}=fail`], output}, {stdout: line => out.push(line), stderr: line => err.push(line)});
			expect(code, err.join('\n')).toBe(1);
			const halt = out.find(line => line.includes('pre-rollout check'));
			if (output === 'text') expect(halt).toContain('pre-rollout check gate31m failed'); // escapes stripped
			else expect((JSON.parse(halt!) as {msg: string}).msg).toContain(`pre-rollout check ${name} failed`); // escaped, intact
			for (const line of out) expect(line).not.toMatch(raw);
		}
		// A bad flag or spec quoting hostile text: the stderr line is what processIO prints.
		const err: string[] = [];
		writeFileSync(file, 'apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo}\nspec: {"\u009b2J\u001b]0;x\u0007": 1}\n');
		expect(await simulateCommand([file], {webhook: [], output: 'text'}, {stdout: () => {}, stderr: line => err.push(line)})).toBe(2);
		expect(err.join('\n')).toContain(`${file}: spec`);
		for (const line of err) expect(line).not.toMatch(raw);
		rmSync(dir, {recursive: true, force: true});
	});
});
