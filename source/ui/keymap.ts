// Every key the dashboard answers, in one place: the help screen and the footer read it.
import {refusalOf} from '../core/engine/manual-actions.js';
import type {Phase} from '../core/spec/types.js';

export type Focus = 'list' | 'detail' | 'log';

export type KeyHelp = {keys: string; does: string; demoOnly?: boolean; writes?: boolean};

export const keyHelp: KeyHelp[] = [
	{keys: 'j/k ↑/↓', does: 'select a canary (scroll the log when it has focus)'},
	{keys: 'g/G', does: 'first / last'},
	{keys: 'enter tab', does: 'move focus: list, detail, log'},
	{keys: '/', does: 'filter canaries by name'},
	{keys: 'esc', does: 'back out (close, clear the filter, focus the list)'},
	{keys: 'p', does: 'promote now: skip the rest of the analysis', writes: true},
	{keys: 'r', does: 'roll back now: traffic to primary, ends Failed', writes: true},
	{keys: 'space', does: 'pause / resume (the canary’s suspend)', writes: true},
	{keys: 'n', does: 'ship the next podinfo version', demoOnly: true},
	{keys: 'a', does: 'switch between the canary and A/B policies', demoOnly: true},
	{keys: 'e', does: 'toggle a stream of HTTP 500s at the canary', demoOnly: true},
	{keys: 'l', does: 'toggle slow responses from the canary', demoOnly: true},
	{keys: '?', does: 'this help'},
	{keys: 'q ctrl-c', does: 'quit'},
];

/** The short list for the footer: what works right now. */
export function footerKeys(options: {demo: boolean; readonly: boolean; focus: Focus; canary?: {phase: Phase; suspended: boolean}; wide: boolean}): string[] {
	const keys: string[] = [];
	const {canary} = options;
	if (canary && !options.readonly) {
		if (!refusalOf('promote', canary)) keys.push('p promote');
		if (!refusalOf('rollback', canary)) keys.push('r rollback');
		keys.push(canary.suspended ? 'space resume' : 'space pause');
	}
	if (options.demo) keys.push(options.wide ? 'demo: n next' : 'n next', 'a A/B', 'e 500s', 'l slow');
	if (options.wide || !options.demo) keys.push(options.focus === 'log' ? 'j/k scroll' : '/ filter', 'tab focus');
	// `? help` is in the header; at 80 columns the footer keeps to what acts.
	if (options.wide) keys.push('? help');
	keys.push('q quit');
	return keys;
}
