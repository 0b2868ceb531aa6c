// Flagger's global notifier (cmd/flagger/main.go initNotifier): Slack from --slack-url (or
// SLACK_URL) with --slack-token, --slack-proxy-url, --slack-user (default flagger) and
// --slack-channel (default general here; Flagger refuses an empty one), or MS Teams from
// --msteams-url (or MSTEAMS_URL) with --msteams-proxy-url, which wins when both are set.
// A flag wins over its environment variable. Values are credentials: messages never echo them.
import {isHttpUrl, type NotifierConfig} from './notifier.js';

export type NotifierFlags = {
	slackUrl?: string;
	slackToken?: string;
	slackProxyUrl?: string;
	slackUser?: string;
	slackChannel?: string;
	msteamsUrl?: string;
	msteamsProxyUrl?: string;
};

export type GlobalNotifier = {ok: true; config?: NotifierConfig} | {ok: false; error: string};

export function globalNotifier(flags: NotifierFlags, env: NodeJS.ProcessEnv = process.env): GlobalNotifier {
	const pick = (flag: string | undefined, variable: string) => flag || env[variable] || undefined;
	const urls: Array<[string, string, string | undefined]> = [
		['--slack-url', 'SLACK_URL', pick(flags.slackUrl, 'SLACK_URL')],
		['--slack-proxy-url', 'SLACK_PROXY_URL', pick(flags.slackProxyUrl, 'SLACK_PROXY_URL')],
		['--msteams-url', 'MSTEAMS_URL', pick(flags.msteamsUrl, 'MSTEAMS_URL')],
		['--msteams-proxy-url', 'MSTEAMS_PROXY_URL', pick(flags.msteamsProxyUrl, 'MSTEAMS_PROXY_URL')],
	];
	for (const [flag, variable, value] of urls) {
		if (value !== undefined && !isHttpUrl(value)) return {ok: false, error: `${flag} (or ${variable}): expected an http:// or https:// URL; the value given is not one (not shown: it may hold a credential)`};
	}
	const [slack, slackProxy, teams, teamsProxy] = urls.map(([, , value]) => value);
	if (teams) return {ok: true, config: {type: 'msteams', address: teams, proxy: teamsProxy}};
	if (slack) {
		return {
			ok: true,
			config: {type: 'slack', address: slack, proxy: slackProxy, token: pick(flags.slackToken, 'SLACK_TOKEN'), username: flags.slackUser || 'flagger', channel: flags.slackChannel || 'general'},
		};
	}
	return {ok: true};
}
