/**
 * A custom bus listener: appends every VRRP state change, tracker change and config reload as one
 * JSON line to a file, for a log shipper or a pager to pick up.
 *
 *     plugin    ../../dist/examples/custom-plugin/event-log.js;
 *     event_log /var/log/tandem/events.jsonl;           # relative paths: to this tandem.conf
 *     event_log /var/log/tandem/events.jsonl 5000;      # optional queue bound (default 1000)
 *
 * Lines look like:
 *     {"time":"2026-11-21T01:02:03.456Z","event":"vrrp.state_changed","instance":"VI_1","from":"BACKUP","to":"MASTER","priority":100}
 *     {"time":"...","event":"tracker.changed","kind":"script","name":"chk_app","up":false,"reason":"status 500"}
 *
 * A listener only observes: it returns at once (the line is queued, see json-lines-sink.ts) and it
 * cannot change what the daemon does. If it threw, the bus would log and isolate it.
 */
import { dirname, resolve } from 'node:path';
import {
  configError,
  definePlugin,
  parseNginxInt,
  type Diagnostic,
  type EventMap,
  type Model,
  type ServicePlugin,
} from '../../src/index.js';
import { DEFAULT_MAX_QUEUE, JsonLinesSink } from './json-lines-sink.js';

/** What the plugin runs from: the file and the queue bound. */
export interface EventLogConfig {
  readonly path: string;
  readonly maxQueue: number;
}

function configOf(model: Model): { config?: EventLogConfig; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const found = (model.tandem.extensions ?? []).filter((d) => d.name === 'event_log');
  const [d, second] = found;
  if (second !== undefined)
    out.push(configError('EVENT_LOG_DUPLICATE', '"event_log" directive is duplicate', second.loc));
  if (d === undefined) return { diagnostics: out };
  const [file, bound, extra] = d.args;
  const maxQueue = bound === undefined ? DEFAULT_MAX_QUEUE : parseNginxInt(bound.text);
  if (
    file === undefined ||
    extra !== undefined ||
    d.block !== undefined ||
    maxQueue === undefined ||
    maxQueue < 1
  ) {
    out.push(configError('EVENT_LOG_ARGS', 'event_log needs FILE [MAX_QUEUE]', d.loc));
    return { diagnostics: out };
  }
  // Relative to the tandem.conf that names it, as every path in tandem.conf.
  return { config: { path: resolve(dirname(file.loc.file), file.text), maxQueue }, diagnostics: out };
}

/** The events written, each flattened into one line after `time` and `event`. */
const EVENTS = ['vrrp.state_changed', 'tracker.changed', 'config.reloaded'] as const;

function flatten<K extends (typeof EVENTS)[number]>(event: K, payload: EventMap[K]): Record<string, unknown> {
  const time = new Date().toISOString();
  if (event === 'tracker.changed') {
    const p = payload as EventMap['tracker.changed'];
    return { time, event, kind: p.kind, name: p.name, ...p.state };
  }
  return { time, event, ...payload };
}

/** The plugin: service `example.event_log`, owner of tandem.conf's `event_log` directive. */
const eventLogPlugin: ServicePlugin<EventLogConfig> = definePlugin<ServicePlugin<EventLogConfig>>({
  kind: 'service',
  id: 'example.event_log',
  version: '1.0.0',
  api: '^1.0.0',
  directives: ['event_log'],
  check: (model) => configOf(model).diagnostics,
  select: (model) => configOf(model).config,
  create(ctx, config) {
    const sink = new JsonLinesSink(config.path, config.maxQueue, ctx.log);
    const off: (() => void)[] = [];
    return {
      // At init, not start: every plugin inits before any starts, so the first VRRP transition and
      // the trackers' first results (emitted during start) are already heard.
      async init() {
        await sink.open();
        for (const event of EVENTS)
          off.push(
            ctx.bus.on(event, (payload) => {
              sink.push(flatten(event, payload));
            }),
          );
      },
      // Stopped last-started-first: unsubscribe, then write what is queued within the deadline.
      async stop(signal) {
        for (const o of off.splice(0)) o();
        await sink.close(signal);
      },
    };
  },
});

export default eventLogPlugin;
