// One configured chat notifier (an AlertProvider, or the global --slack-url/--msteams-url), ready
// to post: Flagger's notifier factory (pkg/notifier/factory.go) with its URL checks and defaults.
import type {Clock} from '../clock.js';
import type {Result} from '../core/engine/ops.js';
import {postMessage} from './post-message.js';
import {alertPayload, discordUrl, goJson, type Alert, type ProviderType} from './payloads.js';
import {redact} from './redact.js';

export type NotifierConfig = {
	type: ProviderType;
	address: string;
	proxy?: string;
	/** Slack only: sent as `Authorization: Bearer <token>`. */
	token?: string;
	username?: string;
	channel?: string;
};

const names: Record<ProviderType, string> = {slack: 'Slack hook', discord: 'Discord hook', rocket: 'Rocket hook', msteams: 'MS Teams webhook', gchat: 'Google Chat webhook'};

export async function notify(config: NotifierConfig, alert: Alert, clock: Clock): Promise<Result> {
	const result = await post(config, alert, clock);
	return result.ok ? result : {ok: false, error: redact(result.error, [config.address, config.proxy, config.token])};
}

async function post(config: NotifierConfig, alert: Alert, clock: Clock): Promise<Result> {
	if (!isHttpUrl(config.address)) return {ok: false, error: `invalid ${names[config.type]} URL ${config.address}`};
	const url = config.type === 'discord' ? discordUrl(config.address) : config.address;
	const body = goJson(alertPayload(config.type, alert, config.username || 'flagger', config.channel || 'general'));
	const headers = config.type === 'slack' && config.token ? {Authorization: `Bearer ${config.token}`} : undefined;
	const result = await postMessage({url, proxy: config.proxy || undefined, headers}, body, clock);
	return result.ok ? result : {ok: false, error: `postMessage failed: ${result.error}`};
}

export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
	} catch {
		return false;
	}
}
