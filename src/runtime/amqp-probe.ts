// Readiness of a broker by a real AMQP 0-9-1 connection: the protocol header,
// Connection.Start → StartOk (PLAIN, the run's credentials) → Tune → TuneOk →
// Open("/") → OpenOk, then Close. A broker answers OpenOk only once its
// listener, its user store and the virtual host are up, which is when the
// services can use it; an open TCP port alone says less. Written against the
// AMQP 0-9-1 specification's frame and method layout (section 4.2 and the
// connection class), so the CLI needs no AMQP client library.
import { connect, type Socket } from 'node:net';
import { backoff } from '../common/abort.js';

const protocolHeader = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]); // "AMQP" 0-9-1
const frameEnd = 0xce;
const methodFrame = 1;
const connectionClass = 10;
const methods = { start: 10, startOk: 11, tune: 30, tuneOk: 31, open: 40, openOk: 41, close: 50, closeOk: 51 };

const shortString = (value: string) => {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
};
const longString = (value: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return Buffer.concat([length, value]);
};

function method(id: number, args: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from([0, connectionClass, 0, id]), args]);
  const header = Buffer.alloc(7);
  header.writeUInt8(methodFrame, 0);
  header.writeUInt16BE(0, 1);
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([frameEnd])]);
}

interface Method {
  classId: number;
  methodId: number;
  args: Buffer;
}

/** Reads whole frames off a socket, one method at a time (the connection class needs no other frame). */
class FrameReader {
  private buffer = Buffer.alloc(0);
  private waiting?: { resolve: (m: Method) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.waiting?.reject(this.failure);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the broker closed the connection')));
  }

  private deliver(): void {
    while (this.waiting && this.buffer.length >= 7) {
      const size = this.buffer.readUInt32BE(3);
      if (this.buffer.length < 7 + size + 1) return;
      const type = this.buffer.readUInt8(0);
      const payload = this.buffer.subarray(7, 7 + size);
      this.buffer = this.buffer.subarray(7 + size + 1);
      // Heartbeat and other frames: the connection class is all this probe reads.
      if (type !== methodFrame) continue;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve({ classId: payload.readUInt16BE(0), methodId: payload.readUInt16BE(2), args: payload.subarray(4) });
    }
  }

  next(): Promise<Method> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }
}

/** The reply text of a Connection.Close: reply-code (short), reply-text (short string). */
function closeReason(args: Buffer): string {
  const code = args.readUInt16BE(0);
  return `${code} ${args.subarray(3, 3 + args.readUInt8(2)).toString('utf8')}`;
}

async function expect(reader: FrameReader, id: number, step: string): Promise<Method> {
  const received = await reader.next();
  if (received.classId === connectionClass && received.methodId === methods.close) {
    throw new Error(`the broker refused the connection at ${step}: ${closeReason(received.args)}`);
  }
  if (received.classId !== connectionClass || received.methodId !== id) {
    throw new Error(`expected connection method ${id} at ${step}, got ${received.classId}.${received.methodId}`);
  }
  return received;
}

export interface AmqpCredentials {
  user: string;
  password: string;
}

/** One AMQP connection opened and closed on 127.0.0.1:port; rejects with the reason when it cannot be. */
async function openAmqpConnection(port: number, credentials: AmqpCredentials, timeoutMs = 3000): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port });
  const reader = new FrameReader(socket);
  const timer = setTimeout(() => socket.destroy(new Error(`no AMQP handshake within ${timeoutMs} ms`)), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(protocolHeader);
    await expect(reader, methods.start, 'Connection.Start');
    const response = Buffer.from(`\0${credentials.user}\0${credentials.password}`, 'utf8');
    // client-properties: an empty field table; mechanism PLAIN; locale en_US.
    socket.write(
      method(methods.startOk, Buffer.concat([Buffer.alloc(4), shortString('PLAIN'), longString(response), shortString('en_US')])),
    );
    const tune = await expect(reader, methods.tune, 'Connection.Tune (is the user known?)');
    // Take the broker's channel-max and frame-max; no heartbeats on a connection this short.
    const tuneOk = Buffer.alloc(8);
    tuneOk.writeUInt16BE(tune.args.readUInt16BE(0), 0);
    tuneOk.writeUInt32BE(tune.args.readUInt32BE(2), 2);
    tuneOk.writeUInt16BE(0, 6);
    socket.write(method(methods.tuneOk, tuneOk));
    // virtual-host "/", two reserved fields.
    socket.write(method(methods.open, Buffer.concat([shortString('/'), shortString(''), Buffer.from([0])])));
    await expect(reader, methods.openOk, 'Connection.Open');
    const close = Buffer.concat([Buffer.from([0, 200]), shortString('polytrace readiness'), Buffer.alloc(4)]);
    socket.write(method(methods.close, close));
    await expect(reader, methods.closeOk, 'Connection.Close');
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

export interface WaitForAmqpOptions {
  port: number;
  credentials: AmqpCredentials;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called between tries; throw from it to stop waiting (e.g. the process or container died). */
  stillAlive?: () => void | Promise<void>;
}

/** Tries an AMQP connection every 250 ms until one opens, or the time is up: then the last try's failure. */
export async function waitForAmqp({
  port,
  credentials,
  timeoutMs,
  signal,
  stillAlive,
}: WaitForAmqpOptions): Promise<{ opened: true } | { opened: false; lastError: string }> {
  const deadline = Date.now() + timeoutMs;
  const pause = backoff();
  let lastError = 'no try was made';
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    await stillAlive?.();
    try {
      await openAmqpConnection(port, credentials);
      return { opened: true };
    } catch (error) {
      signal.throwIfAborted();
      lastError = (error as Error).message;
    }
    await pause(signal);
  }
  return { opened: false, lastError };
}
