/**
 * Coded errors of the kernel and runtime, in one table (fastify's `FST_ERR_*`, undici's `UND_ERR_*`).
 * These are for program state, not for config input: config problems are `Diagnostic` values.
 */
export const ErrorCodes = {
  TANDEM_ERR_PLUGIN_DUPLICATE: 'a plugin with this id is already registered',
  TANDEM_ERR_PLUGIN_API_RANGE: 'the plugin needs a host API version this Tandem does not provide',
  TANDEM_ERR_PLUGIN_MISSING_REQUIREMENT: 'the plugin requires a plugin that is not registered',
  TANDEM_ERR_PLUGIN_INVALID: 'the plugin definition is invalid',
  TANDEM_ERR_PLUGIN_DIRECTIVE_CLAIMED: 'another plugin already owns this directive',
  TANDEM_ERR_PLUGIN_CYCLE: 'plugin requirements form a cycle',
  TANDEM_ERR_HOOK_TIMEOUT: 'a plugin lifecycle hook did not finish in time',
  TANDEM_ERR_HOOK_FAILED: 'a plugin lifecycle hook failed',
  TANDEM_ERR_PLUGIN_LOAD: 'a plugin file could not be loaded',
  TANDEM_ERR_PRIVILEGE: 'a required privilege is missing',
  TANDEM_ERR_ADMIN_LISTEN: 'the admin server cannot listen where it is configured to',
  TANDEM_ERR_NO_INTERFACE: 'a configured network interface does not exist',
  TANDEM_ERR_NET_COMMAND: 'a network configuration command (iproute2, arping) failed',
  TANDEM_ERR_SOCKET: 'a raw socket could not be opened or configured',
  TANDEM_ERR_CONFIG_UNSAFE:
    'the configuration asks for behaviour Tandem cannot provide and could not safely replace',
} as const;

/** One of the codes in {@link ErrorCodes}. */
export type ErrorCode = keyof typeof ErrorCodes;

/** An error with a stable code, the plugin it concerns when there is one, and an optional cause. */
export class TandemError extends Error {
  readonly code: ErrorCode;
  readonly pluginId: string | undefined;

  constructor(code: ErrorCode, detail: string, options: { pluginId?: string; cause?: unknown } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TandemError';
    this.code = code;
    this.pluginId = options.pluginId;
  }
}

/** The message of any thrown value, without a stack: what a user is shown. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
