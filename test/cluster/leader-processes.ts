/**
 * Helpers for the leader-election, handover, adoption and Flagger-coexistence suites: a fresh
 * namespace, and `canary-tui controller` processes (dist/cli.js) whose Flagger-style JSON log
 * lines are collected.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import type {Connection} from '../../source/kube/connection.js';
import {KubeStore} from '../../source/kube/kube-store.js';
import type {KubeObject} from '../../source/kube/objects.js';
import {fixture} from './controller-harness.js';

const cli = new URL('../../dist/cli.js', import.meta.url).pathname;

export type LogLine = {level: string; ts: string; caller: string; msg: string; canary?: string};

export class CliProcess {
	readonly child: ChildProcess;
	readonly exited: Promise<number | null>;
	private stdout = '';
	private stderr = '';

	constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
		this.child = spawn(process.execPath, [cli, ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		this.child.stdout!.on('data', chunk => (this.stdout += chunk));
		this.child.stderr!.on('data', chunk => (this.stderr += chunk));
		this.exited = new Promise(resolve => this.child.on('exit', code => resolve(code)));
	}

	get pid(): number {
		return this.child.pid!;
	}

	out(): string {
		return this.stdout;
	}

	err(): string {
		return this.stderr;
	}

	/** stdout as JSON log lines (other lines are kept as msg). */
	lines(): LogLine[] {
		return this.stdout
			.split('\n')
			.filter(Boolean)
			.map(line => {
				try {
					return JSON.parse(line) as LogLine;
				} catch {
					return {level: 'raw', ts: '', caller: '', msg: line};
				}
			});
	}

	messages(): string[] {
		return this.lines().map(line => line.msg);
	}

	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
		return this.exited;
	}
}

/** `canary-tui controller -n NS` on a free port. */
export const controllerProcess = (namespace: string, extra: string[] = []) => new CliProcess(['controller', '-n', namespace, '--port', '0', '--mesh-provider', 'kubernetes', ...extra]);

/** A fresh namespace with the seed's podinfo Deployment; `drop()` deletes it. */
export async function scratchNamespace(connection: Connection, prefix: string) {
	const admin = new KubeStore({kc: connection.kc});
	const namespace = `${prefix}-${randomBytes(3).toString('hex')}`;
	await admin.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}});
	const [deployment] = fixture('deployment.yaml');
	await admin.create({...deployment!, metadata: {...deployment!.metadata, namespace}});
	return {
		admin,
		namespace,
		get: (kind: string, name: string) => admin.get(kind, namespace, name),
		create: (object: KubeObject) => admin.create({...object, metadata: {...object.metadata, namespace}}),
		async drop() {
			if (process.env.CANARY_TUI_KEEP !== '1') await admin.delete('Namespace', '', namespace).catch(() => {});
			await admin.close();
		},
	};
}

/** Kubernetes Events on the Canary with this message, counted across Event objects (the correlator's `count`). */
export function eventCount(events: KubeObject[], message: string | RegExp): number {
	return events
		.filter(event => (event as any).involvedObject?.kind === 'Canary' && (typeof message === 'string' ? event.message === message : message.test(String(event.message))))
		.reduce((sum, event) => sum + ((event as any).count ?? 1), 0);
}
