// Readiness of a broker by a real AMQP 0-9-1 connection with the run's
// credentials (amqplib, the client notification-service uses too). A broker
// opens one only once its listener, its user store and the virtual host are
// up, which is when the services can use it; an open TCP port alone says
// less, and a broker of someone else's on the port does not know the run's
// password.
import { connect } from 'amqplib';
import { retryUntilReady, type RetryOptions } from './retry-probe.js';

export interface AmqpCredentials {
  user: string;
  password: string;
}

/** One AMQP connection opened and closed on 127.0.0.1:port; rejects with the reason when it cannot be. */
async function openAmqpConnection(port: number, credentials: AmqpCredentials, timeoutMs = 3000): Promise<void> {
  const connection = await connect(
    {
      protocol: 'amqp',
      hostname: '127.0.0.1',
      port,
      username: credentials.user,
      password: credentials.password,
      vhost: '/',
    },
    { timeout: timeoutMs },
  );
  await connection.close();
}

export interface WaitForAmqpOptions extends RetryOptions {
  port: number;
  credentials: AmqpCredentials;
}

/** Tries an AMQP connection, with backoff, until one opens or the time is up: then the last try's failure. */
export const waitForAmqp = ({ port, credentials, ...options }: WaitForAmqpOptions) =>
  retryUntilReady(() => openAmqpConnection(port, credentials), options);
