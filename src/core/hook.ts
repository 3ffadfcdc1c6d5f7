import { TandemError, messageOf } from './errors.js';

/**
 * Runs one plugin lifecycle hook with a deadline (avvio's per-plugin timeout). A hook that throws
 * or overruns becomes a {@link TandemError} naming the plugin and the hook; the abort signal tells
 * a `stop` hook its deadline has passed.
 */
export async function runHook(
  pluginId: string,
  hook: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => unknown,
): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new TandemError(
          'TANDEM_ERR_HOOK_TIMEOUT',
          `plugin "${pluginId}" ${hook} did not finish within ${timeoutMs} ms`,
          {
            pluginId,
          },
        ),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => fn(controller.signal)), deadline]);
  } catch (err) {
    if (err instanceof TandemError) throw err;
    throw new TandemError(
      'TANDEM_ERR_HOOK_FAILED',
      `plugin "${pluginId}" ${hook} failed: ${messageOf(err)}`,
      {
        pluginId,
        cause: err,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}
