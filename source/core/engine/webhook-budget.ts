// The webhook time budget of one tick (issue 7): hooks run synchronously inside a tick, so the
// slowest possible tick — every hook that can run in it taking its full timeout on every attempt,
// plus go-retryablehttp's backoff between attempts — should fit in the analysis interval (Flagger's
// docs ask the same, §5.2). Pure: the caller decides when to say so (once per spec generation).
import {formatGoDuration} from '../format/go-duration.js';
import {analysisInterval, getAnalysis, webhookTimeout} from '../spec/defaults.js';
import type {Canary, CanaryWebhook, HookType} from '../spec/types.js';

const ms = 1_000_000;

/** go-retryablehttp's default backoff before retry `n` (0-based): 1s doubling, at most 30s. In ns. */
export function retryBackoff(retry: number): number {
	return Math.min(30_000, 1000 * 2 ** retry) * ms;
}

export type HookCost = {name: string; attempts: number; timeout: number; backoff: number; total: number};

/** The longest one hook can hold a tick: every attempt times out, with the backoff in between. */
export function hookCost(hook: CanaryWebhook): HookCost {
	const retries = Math.max(0, Math.trunc(hook.retries ?? 0));
	const timeout = webhookTimeout(hook);
	let backoff = 0;
	for (let retry = 0; retry < retries; retry++) backoff += retryBackoff(retry);
	return {name: hook.name, attempts: retries + 1, timeout, backoff, total: (retries + 1) * timeout + backoff};
}

/**
 * The hook types one tick can call together (tick.ts, hooks.ts, strategies.ts, rollback.ts):
 * a Waiting canary asks rollback then confirm-rollout hooks; an analysis tick asks rollback hooks,
 * pre-rollout (first tick) or rollout hooks, confirm-traffic-increase and — at the promotion point,
 * in the same tick — confirm-promotion; a rollback asks rollback then post-rollout hooks.
 * Event hooks are sent in the background and never hold a tick.
 */
const tickPaths: HookType[][] = [
	['rollback', 'confirm-rollout'],
	['rollback', 'pre-rollout', 'confirm-traffic-increase', 'confirm-promotion'],
	['rollback', '', 'rollout', 'confirm-traffic-increase', 'confirm-promotion'],
	['rollback', 'post-rollout'],
];

export type WebhookBudget = {
	/** Nanoseconds. */
	interval: number;
	/** Nanoseconds: the slowest tick's webhook time. */
	worst: number;
	/** The hooks of the slowest tick, in call order. */
	hooks: HookCost[];
};

export function webhookBudget(canary: Canary): WebhookBudget {
	const webhooks = getAnalysis(canary).webhooks ?? [];
	let slowest: HookCost[] = [];
	let worst = 0;
	for (const path of tickPaths) {
		const costs = path.flatMap(type => webhooks.filter(hook => (hook.type ?? '') === type)).map(hookCost);
		const total = costs.reduce((sum, cost) => sum + cost.total, 0);
		if (total > worst) {
			worst = total;
			slowest = costs;
		}
	}
	return {interval: analysisInterval(canary), worst, hooks: slowest};
}

/** The Warning event text when the slowest tick's webhooks can outlast the analysis interval. */
export function webhookBudgetWarning(canary: Canary): string | undefined {
	const budget = webhookBudget(canary);
	if (budget.worst <= budget.interval) return undefined;
	const parts = budget.hooks.map(cost => {
		const detail = cost.attempts > 1 ? ` (${cost.attempts} attempts of ${formatGoDuration(cost.timeout)} + ${formatGoDuration(cost.backoff)} backoff)` : '';
		return `${cost.name} ${formatGoDuration(cost.total)}${detail}`;
	});
	const name = `${canary.metadata.name}.${canary.metadata.namespace ?? 'default'}`;
	return `Webhooks of ${name} can take ${formatGoDuration(budget.worst)} in one tick, more than the analysis interval ${formatGoDuration(budget.interval)}: ${parts.join(' + ')}`;
}
