/** The status-class label values, in index order: `1xx`..`5xx`, then `other` (HAProxy's `code` label). */
export const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;

/** One of {@link CODE_CLASSES}. */
export type CodeClass = (typeof CODE_CLASSES)[number];

/**
 * The index into {@link CODE_CLASSES} for an HTTP status: integer maths only, because it runs once per
 * response on the data path. Statuses outside 100..599 (0 for a request nginx would log as 499 with no
 * reply) count as `other`.
 */
export function codeClassIndex(status: number): number {
  const c = (status / 100) | 0;
  return c >= 1 && c <= 5 ? c - 1 : 5;
}
