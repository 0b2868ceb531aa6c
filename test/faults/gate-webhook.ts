// A webhook receiver on 127.0.0.1 whose answer may be decided asynchronously (e.g. by reading
// the Canary from the API server) or never come (a hanging hook).
import http from 'node:http';
import type {AddressInfo} from 'node:net';

export type GateAnswer = {status: number; body: string} | 'hang';

export class GateWebhook {
	calls = 0;
	private server?: http.Server;
	private readonly hanging = new Set<http.ServerResponse>();
	url = '';

	constructor(private readonly answer: (body: unknown) => GateAnswer | Promise<GateAnswer>) {}

	async start(): Promise<this> {
		this.server = http.createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', chunk => chunks.push(chunk as Buffer));
			request.on('end', async () => {
				this.calls++;
				let body: unknown;
				try {
					body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				} catch {
					body = undefined;
				}
				const answer = await Promise.resolve(this.answer(body)).catch(error => ({status: 500, body: String(error)}));
				if (answer === 'hang') {
					this.hanging.add(response);
					response.on('close', () => this.hanging.delete(response));
					return;
				}
				response.writeHead(answer.status, {'Content-Type': 'text/plain'}).end(answer.body);
			});
		});
		await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
		return this;
	}

	async stop(): Promise<void> {
		for (const response of this.hanging) response.destroy();
		this.server?.closeAllConnections();
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
