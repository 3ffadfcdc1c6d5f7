import { configError, type Diagnostic } from '../core/diagnostic.js';
import type { KeepalivedConfig, TrackRefConfig, VrrpInstanceConfig } from './model/keepalived.js';
import type { Model } from './model/index.js';
import type { NginxConfig, NginxUpstreamConfig } from './model/nginx.js';

function withMethods(
  upstreams: readonly NginxUpstreamConfig[],
  methods: ReadonlyMap<string, string>,
): NginxUpstreamConfig[] {
  return upstreams.map((u) => {
    const pluginMethod = methods.get(u.name);
    return pluginMethod === undefined ? u : { ...u, pluginMethod };
  });
}

function attachBalancers(model: Model, out: Diagnostic[]): NginxConfig | undefined {
  const choices = model.tandem.balancers ?? [];
  const nginx = model.nginx;
  if (choices.length === 0) return nginx;
  const methods = new Map<string, string>();
  const names = new Set([
    ...(nginx?.http?.upstreams ?? []).map((u) => u.name),
    ...(nginx?.stream?.upstreams ?? []).map((u) => u.name),
  ]);
  for (const c of choices) {
    if (!names.has(c.upstream)) {
      const where =
        nginx === undefined ? 'no nginx.conf is configured' : `no upstream "${c.upstream}" in ${nginx.file}`;
      out.push(configError('TANDEM_CONFIG_REFERENCE', `balancer ${c.upstream}: ${where}`, c.loc));
      continue;
    }
    methods.set(c.upstream, c.method);
  }
  if (nginx === undefined) return undefined;
  // Both flavours: nginx keeps http and stream upstream names apart, and the choice names either.
  return {
    ...nginx,
    ...(nginx.http === undefined
      ? {}
      : { http: { ...nginx.http, upstreams: withMethods(nginx.http.upstreams, methods) } }),
    ...(nginx.stream === undefined
      ? {}
      : { stream: { ...nginx.stream, upstreams: withMethods(nginx.stream.upstreams, methods) } }),
  };
}

function attachTracks(model: Model, out: Diagnostic[]): KeepalivedConfig | undefined {
  const choices = model.tandem.tracks ?? [];
  const k = model.keepalived;
  if (choices.length === 0) return k;
  const added = new Map<string, TrackRefConfig[]>();
  for (const c of choices) {
    const instance = k?.vrrpInstances.find((i) => i.name === c.instance);
    if (k === undefined || instance === undefined) {
      const where =
        k === undefined ? 'no keepalived.conf is configured' : `no vrrp_instance ${c.instance} in ${k.file}`;
      out.push(configError('TANDEM_CONFIG_REFERENCE', `track ${c.instance}: ${where}`, c.loc));
      continue;
    }
    // A name the instance already tracks as a vrrp_script would be followed twice under one name.
    if (instance.trackScripts.some((r) => r.name === c.tracker)) {
      out.push(
        configError(
          'TANDEM_CONFIG_REFERENCE',
          `track ${c.instance} ${c.tracker}: the instance already tracks a vrrp_script of that name`,
          c.loc,
        ),
      );
      continue;
    }
    const list = added.get(c.instance) ?? [];
    list.push({ name: c.tracker, weight: c.weight, reverse: c.reverse, loc: c.loc });
    added.set(c.instance, list);
  }
  if (k === undefined) return undefined;
  const vrrpInstances = k.vrrpInstances.map((i): VrrpInstanceConfig => {
    const more = added.get(i.name);
    return more === undefined ? i : { ...i, trackScripts: [...i.trackScripts, ...more] };
  });
  return { ...k, vrrpInstances };
}

/**
 * Applies tandem.conf's `balancer` and `track` choices to the nginx and keepalived slices of the
 * model: an upstream gets the plugin method (`pluginMethod`), an instance gets the tracker as one
 * more `track_script` entry, so VRRP weighs it exactly like a vrrp_script (kind `script` in the
 * tracker directory). A name that is not in the operator's files is a located error. Whether a
 * plugin provides the method or tracker is checked after plugins load (src/core/plugin-check.ts).
 */
export function attachPluginChoices(model: Model): { model: Model; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const nginx = attachBalancers(model, out);
  const keepalived = attachTracks(model, out);
  return {
    model: {
      tandem: model.tandem,
      ...(keepalived === undefined ? {} : { keepalived }),
      ...(nginx === undefined ? {} : { nginx }),
    },
    diagnostics: out,
  };
}
