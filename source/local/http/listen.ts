// Binding a server to loopback, with the port-in-use message the CLI prints before exiting 2.
import type {Server} from 'node:http';
import type {Address} from './types.js';

export const loopback = '127.0.0.1';

export function listenLocal(server: Server, port: number): Promise<Address> {
	return new Promise((resolve, reject) => {
		const onError = (error: NodeJS.ErrnoException) => {
			server.off('listening', onListening);
			if (error.code === 'EADDRINUSE') {
				const inUse: NodeJS.ErrnoException = new Error(`port ${port} on ${loopback} is already in use`);
				inUse.code = 'EADDRINUSE';
				reject(inUse);
				return;
			}
			reject(error);
		};
		const onListening = () => {
			server.off('error', onError);
			const address = server.address();
			if (address === null || typeof address === 'string') {
				reject(new Error('server has no TCP address'));
				return;
			}
			resolve({host: loopback, port: address.port});
		};
		server.once('error', onError);
		server.once('listening', onListening);
		server.listen(port, loopback);
	});
}

/** Stops accepting, drops idle and active connections, and waits for the listener to close. */
export function closeServer(server: Server): Promise<void> {
	return new Promise(resolve => {
		if (!server.listening) {
			resolve();
			return;
		}
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
