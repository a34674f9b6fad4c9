// The base images of the chain's Dockerfiles, in one place: the official tag
// each Dockerfile's build argument defaults to, and the stand-in that
// `polytrace images prepare` makes where no registry answers. The
// Dockerfiles, the READMEs and `doctor` agree with this table; a unit test
// (test/unit/base-images.test.ts) fails when one of them drifts.
//
// Defaults are minor-version tags (golang:1.26, python:3.11, …), never patch
// tags: the official repositories rebuild a minor tag for every patch release
// and every Debian security update, and drop a patch tag once it is
// superseded. For a reproducible build, pin a digest with `--base-image`
// (see docs/docker.md, "Pinning the base images").
import type { BaseImageKind, ChainBaseKind } from './types.js';

export const chainBaseKinds: ChainBaseKind[] = [
  'golang',
  'maven',
  'jre',
  'python',
  'node',
  'distroless-static',
  'rabbitmq',
];

/**
 * The official image each kind defaults to. Node: 24 is the Active LTS line (supported to
 * April 2028); distroless static for Debian 13, since Debian 12's reached its end of life in
 * September 2026. RabbitMQ: 4.3, the newest minor series (the community supports only the
 * newest), without the management plugin, which the chain does not use.
 */
export const officialImages: Record<BaseImageKind, string> = {
  debian: 'debian:bookworm-slim',
  golang: 'golang:1.26-bookworm',
  maven: 'maven:3.9-eclipse-temurin-25',
  jre: 'eclipse-temurin:25-jre',
  python: 'python:3.11-slim-bookworm',
  node: 'node:24-bookworm-slim',
  'distroless-static': 'gcr.io/distroless/static-debian13:nonroot',
  rabbitmq: 'rabbitmq:4.3',
};

/**
 * The stand-ins `polytrace images prepare` makes from a Debian root filesystem and the machine's
 * own toolchains (docker/base-images/), under polytrace's own names so no official tag is ever
 * overwritten.
 */
export const standInImages: Record<BaseImageKind, string> = {
  debian: 'polytrace-base/debian:bookworm',
  golang: 'polytrace-base/golang:bookworm',
  // The JDK's two carry its version: a machine that made them from an older JDK makes them anew.
  maven: 'polytrace-base/maven:25-bookworm',
  jre: 'polytrace-base/jre:25-bookworm',
  python: 'polytrace-base/python:bookworm',
  // Carries the official image's Node major: a machine that made it from another Node makes it anew.
  node: 'polytrace-base/node:24-bookworm',
  'distroless-static': 'polytrace-base/distroless-static:bookworm',
  rabbitmq: 'polytrace-base/rabbitmq:bookworm',
};

/** The Node.js major of the official node image (`node:24-bookworm-slim` → 24): the stand-in stages the same. */
export const officialNodeMajor = (): number => Number(/:(\d+)/.exec(officialImages.node)?.[1]);

/** A user's choice of base image per kind (`--base-image golang=…@sha256:…`), over the defaults. */
export type BaseImageOverrides = Partial<Record<ChainBaseKind, string>>;

// A Docker image reference: [registry[:port]/]path[:tag][@sha256:digest], in the characters the
// distribution reference grammar allows; anything else is refused before it reaches the engine.
const imageReference =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Parses `--base-image kind=image` flags; returns an error sentence instead of throwing so the CLI can word it. */
export function parseBaseImageOverrides(values: string[]): BaseImageOverrides | string {
  const overrides: BaseImageOverrides = {};
  for (const value of values) {
    const match = /^([a-z-]+)=(.+)$/.exec(value);
    if (!match) return `Expected --base-image kind=image (e.g. golang=golang:1.26-bookworm@sha256:…), got "${value}"`;
    const [, kind, image] = match as unknown as [string, string, string];
    if (!(chainBaseKinds as string[]).includes(kind)) {
      return `Expected --base-image to name one of ${chainBaseKinds.join(', ')}, got "${kind}"`;
    }
    if (!imageReference.test(image)) return `Expected an image reference for ${kind}, got "${image}"`;
    overrides[kind as ChainBaseKind] = image;
  }
  return overrides;
}
