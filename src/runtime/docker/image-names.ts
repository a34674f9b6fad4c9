// The names of polytrace's own images: the chain's (polytrace/<component>:dev) and the
// stand-in base images (polytrace-base/<kind>:<tag>). POLYTRACE_IMAGE_NAMESPACE puts both under
// another name (<namespace>/… and <namespace>-base/…), so one engine can hold a second set that
// can be removed and loaded again while the usual set stays as it is: what a test of a machine
// that has never had the images needs on an engine that other runs share.
import { UsageError } from '../../common/errors.js';
import { standInImages } from '../../topology/base-images.js';
import type { BaseImageKind } from '../../topology/types.js';

const variable = 'POLYTRACE_IMAGE_NAMESPACE';
/** One path component of an image reference, as the distribution grammar allows; bounded. */
const namespacePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function namespace(): string | undefined {
  const value = process.env[variable];
  if (value === undefined || value === '' || value === 'polytrace') return undefined;
  if (value.length > 64 || !namespacePattern.test(value)) {
    throw new UsageError(`Expected ${variable} to be a lower-case image path component of at most 64 characters, got "${value.slice(0, 80)}"`);
  }
  return value;
}

/** One of polytrace's own images, under the namespace in force. */
export function ownImage(image: string): string {
  const ns = namespace();
  if (!ns) return image;
  return image.replace(/^polytrace-base\//, `${ns}-base/`).replace(/^polytrace\//, `${ns}/`);
}

/** The stand-in base image of this kind, under the namespace in force. */
export const standInImage = (kind: BaseImageKind): string => ownImage(standInImages[kind]);
