// The message each chat service receives, shaped as Flagger 1.44's pkg/notifier/*.go builds it
// (slack.go, discord.go and rocket.go share the Slack attachment format; teams.go a MessageCard;
// gchat.go a card), and serialised as Go's encoding/json does (struct order, HTML escaping).
import type {AlertSeverity} from '../core/engine/ops.js';
import type {Field} from './alert-fields.js';

export type ProviderType = 'slack' | 'msteams' | 'discord' | 'rocket' | 'gchat';
export const providerTypes: readonly ProviderType[] = ['slack', 'msteams', 'discord', 'rocket', 'gchat'];

export type Alert = {workload: string; namespace: string; message: string; fields: Field[]; severity: AlertSeverity};

function slackShaped(alert: Alert, username: string, channel: string, colors: {normal: string; error: string}) {
	return {
		channel,
		username,
		icon_url: '',
		icon_emoji: ':rocket:',
		attachments: [
			{
				color: alert.severity === 'error' ? colors.error : colors.normal,
				author_name: `${alert.workload}.${alert.namespace}`,
				text: alert.message,
				mrkdwn_in: ['text'],
				fields: alert.fields.map(field => ({title: field.name, value: field.value, short: false})),
			},
		],
	};
}

function teams(alert: Alert) {
	const subject = `${alert.workload}.${alert.namespace}`;
	return {
		'@type': 'MessageCard',
		'@context': 'http://schema.org/extensions',
		themeColor: alert.severity === 'error' ? 'FF0000' : '0076D7',
		summary: subject,
		sections: [{activityTitle: alert.message, activitySubtitle: subject, facts: alert.fields.map(field => ({name: field.name, value: field.value}))}],
	};
}

function googleChat(alert: Alert) {
	const paragraph = (text: string) => ({widgets: [{textParagraph: {text}}]});
	return {
		cards: [
			{
				header: {title: 'Flagger', subtitle: `${alert.workload}.${alert.namespace}`, imageUrl: 'https://flagger.app/favicon.png'},
				sections: [
					paragraph(`<font color=#848484><strong>${alert.message}</strong></font>`),
					...alert.fields.map(field => paragraph(`${field.name}<br><font color=#848484><strong>${field.value}</strong></font>`)),
				],
			},
		],
	};
}

export function alertPayload(type: ProviderType, alert: Alert, username: string, channel: string): unknown {
	switch (type) {
		case 'slack':
		case 'discord':
			return slackShaped(alert, username, channel, {normal: 'good', error: 'danger'});
		case 'rocket':
			return slackShaped(alert, username, channel, {normal: '#0076D7', error: '#FF0000'});
		case 'msteams':
			return teams(alert);
		case 'gchat':
			return googleChat(alert);
	}
}

/** JSON as Go's json.Marshal writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
	return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Discord takes Slack's format at `<hook>/slack` (Flagger appends it unless already there). */
export function discordUrl(address: string): string {
	if (address.endsWith('/slack')) return address;
	const url = new URL(address);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/slack`;
	return url.toString();
}
