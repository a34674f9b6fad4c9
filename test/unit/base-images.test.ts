// The base images have one list (src/topology/base-images.ts); the
// Dockerfiles' defaults, every README and `doctor` must say the same.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseImagesItem, platformItem } from '../../src/core/doctor.js';
import { repoRoot } from '../../src/common/paths.js';
import { chainComponents, resolveBaseImages } from '../../src/runtime/docker/chain-images.js';
import {
  chainBaseKinds,
  officialImages,
  parseBaseImageOverrides,
  standInImages,
} from '../../src/topology/base-images.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

const readmes = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
  'services/README.md',
  ...readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((dir) => `services/${dir.name}/README.md`),
  'docker/collector/README.md',
  'docker/base-images/README.md',
];

// Any mention of an official repository with a tag, e.g. `golang:1.26.8-bookworm` or `node:20-bookworm-slim`
// (and not a module such as `node:http`).
const officialMention =
  /(?<![\w/.-])(?:golang|python|maven|eclipse-temurin|node|debian|rabbitmq|gcr\.io\/distroless\/[a-z0-9-]+):(?=[\w.-]*\d|bookworm|trixie|latest|slim|lts|nonroot)[\w.-]*\w/g;

describe('base images', () => {
  it.each(chainComponents.map((c) => [c.name, c] as const))(
    "%s's Dockerfile defaults to the official images of the list",
    (_, component) => {
      const dockerfile = readFileSync(join(component.contextDir, 'Dockerfile'), 'utf8');
      for (const [arg, kind] of Object.entries(component.docker.baseImages)) {
        expect(new RegExp(`^ARG ${arg}=(\\S+)$`, 'm').exec(dockerfile)?.[1], `${component.name} ${arg}`).toBe(
          officialImages[kind],
        );
      }
    },
  );

  it('defaults to tags the official repositories keep rebuilding: no patch versions', () => {
    for (const image of Object.values(officialImages)) {
      expect(image, image).not.toMatch(/:\d+\.\d+\.\d+/);
      expect(image, image).not.toMatch(/:\d+\.\d+\.\d+_\d+/);
    }
    expect(officialImages.node, 'a Node.js LTS line that is still supported').toMatch(/^node:(22|24)-/);
    expect(officialImages['distroless-static']).toMatch(/static-debian1[23]:nonroot$/);
  });

  it.each(readmes)('%s names only the base images of the list', (path) => {
    const allowed = new Set(Object.values(officialImages));
    const mentions = read(path).match(officialMention) ?? [];
    expect(mentions.filter((m) => !allowed.has(m))).toEqual([]);
  });

  it.each([
    ...chainComponents.map((c) => c.contextDir),
    ...readdirSync(join(repoRoot, 'docker', 'base-images'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(repoRoot, 'docker', 'base-images', e.name)),
  ])('%s/Dockerfile names no architecture (arm64 hosts build it too)', (dir) => {
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).not.toMatch(/amd64|x86_64|aarch64|arm64|--platform|GOARCH/i);
  });

  it('doctor lists the same images', () => {
    const detail = baseImagesItem().detail;
    for (const kind of chainBaseKinds) expect(detail).toContain(officialImages[kind]);
  });

  it('doctor says what was tested and what is only expected', () => {
    expect(platformItem('linux', 'x64', undefined).detail).toMatch(/as tested/);
    expect(platformItem('darwin', 'arm64', 'unix:///Users/me/.docker/run/docker.sock').detail).toMatch(
      /darwin\/arm64, DOCKER_HOST=.*not tested there.*Docker Desktop on macOS and Windows, arm64, rootless Docker or Podman/,
    );
  });

  it('builds on the official images with no build arguments, on the stand-ins, or on what the user pinned', () => {
    const gateway = chainComponents.find((c) => c.name === 'api-gateway')!;
    expect(resolveBaseImages(gateway, { kind: 'official' }, {})).toEqual({
      images: { GO_IMAGE: officialImages.golang, RUNTIME_IMAGE: officialImages['distroless-static'] },
      buildArgs: {},
    });
    expect(resolveBaseImages(gateway, { kind: 'stand-ins' }, {}).buildArgs).toEqual({
      GO_IMAGE: standInImages.golang,
      RUNTIME_IMAGE: standInImages['distroless-static'],
    });
    const pinned = `golang:1.26-bookworm@sha256:${'a'.repeat(64)}`;
    expect(resolveBaseImages(gateway, { kind: 'official' }, { golang: pinned })).toEqual({
      images: { GO_IMAGE: pinned, RUNTIME_IMAGE: officialImages['distroless-static'] },
      buildArgs: { GO_IMAGE: pinned },
    });
  });

  it('parses --base-image and refuses what is not an image reference', () => {
    expect(parseBaseImageOverrides(['distroless-static=127.0.0.1:5000/distroless/static-debian13:nonroot'])).toEqual({
      'distroless-static': '127.0.0.1:5000/distroless/static-debian13:nonroot',
    });
    expect(parseBaseImageOverrides(['golang'])).toMatch(/Expected --base-image kind=image/);
    expect(parseBaseImageOverrides(['rust=rust:1'])).toMatch(/Expected --base-image to name one of golang, maven/);
    expect(parseBaseImageOverrides(['golang=Golang:1 ; rm -rf /'])).toMatch(/Expected an image reference for golang/);
  });
});
