// Who asked, for events that record manual actions: $USER@host on this machine.
import {hostname, userInfo} from 'node:os';

export function requester(): string {
	let user = process.env['USER'] || process.env['LOGNAME'];
	if (!user) {
		try {
			user = userInfo().username;
		} catch {
			user = 'unknown';
		}
	}
	return `${user}@${hostname()}`;
}
