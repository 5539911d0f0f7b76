// Clients on other loopback addresses: a test's stand-in for another network's machines.
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent } from 'undici';

/** An agent whose connections leave from another loopback address (127.0.0.2…), as another network's
 *  clients would — over TLS trusting `tls.ca` when given; close it when the test ends. */
export function agentFrom(address: string, tls?: { ca: string | Buffer }): Agent {
  return new Agent({
    connect: (options, callback) => {
      const tcp = connect({ host: options.hostname, port: Number(options.port), localAddress: address });
      const socket = tls ? tlsConnect({ socket: tcp, host: options.hostname, ca: tls.ca }) : tcp;
      socket.once(tls ? 'secureConnect' : 'connect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
}
