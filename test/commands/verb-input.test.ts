// Bad input to the scripting verbs: one line naming the flag or argument and what was expected,
// exit 2, and nothing sent anywhere (these all stop before connecting).
import {describe, expect, it} from 'vitest';
import {actionCommand} from '../../source/commands/action-command.js';
import {getCommand} from '../../source/commands/get-command.js';
import type {CommandIO} from '../../source/commands/io.js';
import {logsCommand} from '../../source/commands/logs-command.js';
import {waitCommand} from '../../source/commands/wait-command.js';

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	const io: CommandIO = {stdout: line => out.push(line), stderr: line => err.push(line)};
	return {io, out, err};
}

// A kubeconfig that cannot be read: reaching `connect` would print a different line.
const nowhere = {kubeconfig: '/nonexistent/canary-tui-kubeconfig'};

describe('bad input to get, logs, wait and the actions', () => {
	it.each([
		['get -o tsv', (io: CommandIO) => getCommand([], {...nowhere, output: 'tsv'}, io), '--output: expected table, wide, json or yaml, got "tsv"'],
		['get a b', (io: CommandIO) => getCommand(['a', 'b'], nowhere, io), 'canary-tui get: expected at most one canary NAME, got 2: a b'],
		['logs -o yaml', (io: CommandIO) => logsCommand([], {...nowhere, output: 'yaml'}, io), '--output: expected text or json, got "yaml"'],
		['wait without --for', (io: CommandIO) => waitCommand(['podinfo'], nowhere, io), '--for: expected promoted or failed, got nothing'],
		['wait --timeout 10', (io: CommandIO) => waitCommand(['podinfo'], {...nowhere, for: 'promoted', timeout: '10'}, io), '--timeout: expected a positive Go duration like 90s, 10m or 1h30m, got "10"'],
		['wait --timeout -1m', (io: CommandIO) => waitCommand(['podinfo'], {...nowhere, for: 'failed', timeout: '-1m'}, io), '--timeout: expected a positive Go duration like 90s, 10m or 1h30m, got "-1m"'],
		['wait -A', (io: CommandIO) => waitCommand(['podinfo'], {...nowhere, for: 'failed', allNamespaces: true}, io), '-A: wait follows one canary; name its namespace with -n'],
		['promote without NAME', (io: CommandIO) => actionCommand('promote', [], nowhere, io), 'canary-tui promote: expected one canary NAME (canary-tui promote NAME [-n NS]), got none'],
		['pause --readonly', (io: CommandIO) => actionCommand('pause', ['podinfo'], {...nowhere, readonly: true}, io), 'canary-tui pause: --readonly never writes; drop --readonly to send the request'],
		['rollback --timeout 1x', (io: CommandIO) => actionCommand('rollback', ['podinfo'], {...nowhere, timeout: '1x'}, io), '--timeout: expected a positive Go duration like 90s, 10m or 1h30m, got "1x"'],
	])('%s', async (_name, command, line) => {
		const {io, out, err} = capture();
		expect(await command(io)).toBe(2);
		expect(err).toEqual([line]);
		expect(out).toEqual([]);
	});

	it('a kubeconfig that does not exist is one line naming it, exit 2', async () => {
		const {io, err} = capture();
		expect(await getCommand([], nowhere, io)).toBe(2);
		expect(err).toHaveLength(1);
		expect(err[0]).toContain('/nonexistent/canary-tui-kubeconfig');
	});
});
