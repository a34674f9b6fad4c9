// The OpenTelemetry versions a run builds the chain with: the languages
// `--sdk` names, the default set (read from each component's own manifest,
// the one place those numbers live), the oldest version polytrace supports,
// and the shape of a set once its companions are resolved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { repoRoot } from '../common/paths.js';
import { collector, serviceNamed } from './chain.js';
import type { CollectorName, ServiceName } from './names.js';

/** What `--sdk` names: each service's language, and the Collector. */
export const sdkLanguages = ['go', 'java', 'python', 'nodejs', 'collector'] as const;
export type SdkLanguage = (typeof sdkLanguages)[number];

/** The versions the user asked for, by language; a language not named keeps its default. */
export type SdkRequest = Partial<Record<SdkLanguage, string>>;

/**
 * Where each language's version lives: the component built with it, its manifest, the package
 * that names the line (`--sdk go=1.41.0` is go.opentelemetry.io/otel v1.41.0), and how the version
 * is found in the manifest. Java's is the agent's version, the Collector's its core release.
 */
interface SdkAnchor {
  component: ServiceName | CollectorName;
  manifest: string;
  lead: string;
  read(manifest: string): string | undefined;
}

const group = (pattern: RegExp) => (text: string) => pattern.exec(text)?.[1];

export const sdkAnchors: Record<SdkLanguage, SdkAnchor> = {
  go: {
    component: 'api-gateway',
    manifest: 'go.mod',
    lead: 'go.opentelemetry.io/otel',
    read: group(/^\s*go\.opentelemetry\.io\/otel v(\S+)$/m),
  },
  java: {
    component: 'auth-service',
    manifest: 'pom.xml',
    lead: 'io.opentelemetry.javaagent:opentelemetry-javaagent',
    read: group(/<opentelemetry-javaagent\.version>([^<]+)</),
  },
  python: {
    component: 'order-service',
    manifest: 'requirements.txt',
    lead: 'opentelemetry-sdk',
    read: group(/^opentelemetry-sdk==(\S+)$/m),
  },
  nodejs: {
    component: 'notification-service',
    manifest: 'package.json',
    lead: '@opentelemetry/core',
    read: (text) =>
      (JSON.parse(text) as { dependencies?: Record<string, string> }).dependencies?.['@opentelemetry/core'],
  },
  collector: {
    component: 'otel-collector',
    manifest: 'builder-config.yaml',
    lead: 'go.opentelemetry.io/collector/receiver/otlpreceiver',
    read: group(/go\.opentelemetry\.io\/collector\/receiver\/otlpreceiver v(\S+)/),
  },
};

/**
 * The oldest version of each line polytrace supports: the oldest a check has verified with the
 * services' code as it is. A language that resolves no companions yet supports its default only.
 */
export const oldestSupported: Partial<Record<SdkLanguage, string>> = {
  go: '1.41.0',
  java: '2.25.0',
  python: '1.42.0',
  nodejs: '1.30.1',
  collector: '0.155.0',
};

/** The folder of the component a language's version is built into. */
export const anchorDir = (language: SdkLanguage): string => {
  const { component } = sdkAnchors[language];
  return join(repoRoot, component === collector.name ? collector.dir : serviceNamed(component).dir);
};

/** The default set: each line's version as its component's manifest pins it. */
export function defaultSdkVersions(): Record<SdkLanguage, string> {
  const entries = sdkLanguages.map((language) => {
    const anchor = sdkAnchors[language];
    const path = join(anchorDir(language), anchor.manifest);
    const version = anchor.read(readFileSync(path, 'utf8'));
    if (!version) throw new Error(`Expected ${anchor.lead} pinned in ${path}, found none`);
    return [language, version] as const;
  });
  return Object.fromEntries(entries) as Record<SdkLanguage, string>;
}

/**
 * `--sdk go=1.41.0` (repeatable) as a request, or the usage error worded for people: a language of
 * the chain, named once, and a version of the form MAJOR.MINOR.PATCH.
 */
export function parseSdkFlags(values: readonly string[]): SdkRequest | string {
  const request: SdkRequest = {};
  for (const value of values) {
    const match = /^([a-z]+)=(.*)$/.exec(value);
    if (!match) return `Expected --sdk language=version (e.g. go=1.41.0), got "${value}"`;
    const [, language, version] = match as unknown as [string, string, string];
    if (!(sdkLanguages as readonly string[]).includes(language)) {
      return `Expected --sdk to name one of ${sdkLanguages.join(', ')}, got "${language}"`;
    }
    const lang = language as SdkLanguage;
    if (request[lang] !== undefined) return `Expected --sdk ${lang} once, got ${request[lang]} and ${version}`;
    if (semver.valid(version) !== version) {
      return `Expected --sdk ${lang}=MAJOR.MINOR.PATCH (e.g. ${lang}=${defaultSdkVersions()[lang]}), got "${version}"`;
    }
    request[lang] = version;
  }
  return request;
}

/** One line of a resolved set: its version, and the version of every companion it brings. */
export interface ResolvedSdk {
  language: SdkLanguage;
  version: string;
  /** The manifest's own pins, untouched. */
  isDefault: boolean;
  /** Companion package (module, artifact, property) → version, as the registry's metadata pairs them. */
  companions: Record<string, string>;
  /** Packages of the manifest the release has none of (JS 3.x folded sdk-trace-node into sdk-trace). */
  removed?: string[];
  /** The Node.js release the line runs on, from the npm registry, when the machine's own is too old for it. */
  node?: string;
}

/** A whole cell of the version matrix: every line resolved. */
export type SdkSet = { readonly [L in SdkLanguage]: ResolvedSdk };
