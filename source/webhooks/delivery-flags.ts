// The flags (and environment variables) that say where events and alerts go besides the log:
// --event-webhook / EVENT_WEBHOOK_URL, --cluster-name and the global notifier (alerts/global-notifier.ts).
// Checked once in the CLI (a bad value is exit 2 naming the flag), then read by the wiring.
import {globalNotifier, type NotifierFlags} from '../alerts/global-notifier.js';
import {isHttpUrl, type NotifierConfig} from '../alerts/notifier.js';

export type DeliveryFlags = NotifierFlags & {eventWebhook?: string; clusterName?: string};

const names = new Set<string>(['eventWebhook', 'clusterName', 'slackUrl', 'slackToken', 'slackProxyUrl', 'slackUser', 'slackChannel', 'msteamsUrl', 'msteamsProxyUrl']);

export type Delivery = {eventWebhook?: string; clusterName?: string; notifier?: NotifierConfig};

const kebab = (name: string) => name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);

export function deliveryFlags(flags: DeliveryFlags, env: NodeJS.ProcessEnv = process.env): {ok: true; delivery: Delivery} | {ok: false; error: string} {
	// The CLI parser reads a flag with nothing after it as ''; a person who typed it meant something.
	const empty = (Object.keys(flags) as Array<keyof DeliveryFlags>).find(name => names.has(name) && flags[name] === '');
	if (empty) return {ok: false, error: `--${kebab(empty)}: expected a value after the flag`};
	const eventWebhook = flags.eventWebhook || env['EVENT_WEBHOOK_URL'] || undefined;
	if (eventWebhook !== undefined && !isHttpUrl(eventWebhook)) return {ok: false, error: `--event-webhook (or EVENT_WEBHOOK_URL): expected an http:// or https:// URL, got "${eventWebhook}"`};
	const notifier = globalNotifier(flags, env);
	if (!notifier.ok) return notifier;
	return {ok: true, delivery: {eventWebhook, clusterName: flags.clusterName || undefined, notifier: notifier.config}};
}
