// The run's secrets (the Collector's OTLP token, the broker's password, the
// live page's token): each its own, 192 random bits as hex, so that knowing one
// tells nothing of another.
import { randomBytes } from 'node:crypto';

export const newSecret = (): string => randomBytes(24).toString('hex');
