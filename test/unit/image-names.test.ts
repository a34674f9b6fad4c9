// POLYTRACE_IMAGE_NAMESPACE: polytrace's own images under another name, and only those.
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/common/errors.js';
import { ownImage, standInImage } from '../../src/runtime/docker/image-names.js';

const variable = 'POLYTRACE_IMAGE_NAMESPACE';
afterEach(() => {
  delete process.env[variable];
});

describe("polytrace's own image names", () => {
  it('are as they are without the variable', () => {
    expect(ownImage('polytrace/api-gateway:dev')).toBe('polytrace/api-gateway:dev');
    expect(standInImage('golang')).toBe('polytrace-base/golang:bookworm');
  });

  it('move, chain and stand-ins alike, under a namespace; an official image never does', () => {
    process.env[variable] = 'polytrace-offline-e2e';
    expect(ownImage('polytrace/api-gateway:dev')).toBe('polytrace-offline-e2e/api-gateway:dev');
    expect(standInImage('maven')).toBe('polytrace-offline-e2e-base/maven:25-bookworm');
    expect(ownImage('golang:1.26-bookworm')).toBe('golang:1.26-bookworm');
  });

  it('refuse a namespace that is no image path component: UsageError', () => {
    for (const value of ['Upper', '../x', 'a/b', 'x'.repeat(65), 'a b']) {
      process.env[variable] = value;
      expect(() => ownImage('polytrace/api-gateway:dev'), value).toThrow(UsageError);
    }
  });
});
