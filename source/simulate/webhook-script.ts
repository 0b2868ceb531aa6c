// `--webhook NAME=pass|fail|fail:N`: how simulated webhooks answer. fail:N fails the first
// N calls and passes afterwards; a webhook not named passes.
import type {CanaryWebhook} from '../core/spec/types.js';

export type WebhookScript = Map<string, {failFirst: number}>;

export function parseWebhookFlags(flags: string[], known: CanaryWebhook[]): {script: WebhookScript; errors: string[]} {
	const script: WebhookScript = new Map();
	const errors: string[] = [];
	const names = known.map(hook => hook.name);
	for (const flag of flags) {
		const match = /^([^=]+)=(pass|fail|fail:([0-9]+))$/.exec(flag);
		if (!match) {
			errors.push(`--webhook ${flag}: expected NAME=pass, NAME=fail or NAME=fail:N (N a whole number)`);
			continue;
		}
		const [, name, result, count] = match;
		if (!names.includes(name!)) {
			errors.push(`--webhook ${flag}: expected the name of a webhook in spec.analysis.webhooks (${names.join(', ') || 'none defined'}), got "${name}"`);
			continue;
		}
		script.set(name!, {failFirst: result === 'pass' ? 0 : result === 'fail' ? Number.POSITIVE_INFINITY : Number(count)});
	}
	return {script, errors};
}

/** Answers webhook calls the way Flagger's client reports an HTTP 500 answer. */
export class ScriptedWebhooks {
	private readonly calls = new Map<string, number>();
	constructor(private readonly script: WebhookScript) {}

	call(hook: CanaryWebhook): {ok: true} | {ok: false; error: string} {
		const count = (this.calls.get(hook.name) ?? 0) + 1;
		this.calls.set(hook.name, count);
		const failFirst = this.script.get(hook.name)?.failFirst ?? 0;
		if (count > failFirst) return {ok: true};
		const attempts = (hook.retries ?? 0) + 1;
		return {ok: false, error: `POST ${hook.url} giving up after ${attempts} attempt(s): unexpected HTTP status 500 Internal Server Error`};
	}
}
