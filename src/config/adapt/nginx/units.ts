/**
 * nginx's number, time and size syntax, parsed exactly as src/core/ngx_parse.c and ngx_string.c do,
 * including their overflow limits (64-bit signed). Every parser returns undefined for what nginx rejects.
 */

const INT_MAX = (1n << 63n) - 1n;

/** ngx_atoi: decimal digits only, no sign, not empty, no overflow. */
export function parseNginxInt(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const v = BigInt(text);
  return v > INT_MAX ? undefined : Number(v);
}

const TIME_UNITS: Record<string, { readonly step: number; readonly seconds: number }> = {
  y: { step: 1, seconds: 60 * 60 * 24 * 365 },
  M: { step: 2, seconds: 60 * 60 * 24 * 30 },
  w: { step: 3, seconds: 60 * 60 * 24 * 7 },
  d: { step: 4, seconds: 60 * 60 * 24 },
  h: { step: 5, seconds: 60 * 60 },
  m: { step: 6, seconds: 60 },
  s: { step: 7, seconds: 1 },
};
const ST_MONTH = 2;
const ST_SEC = 7;
const ST_MSEC = 8;
const ST_LAST = 9;

/**
 * ngx_parse_time: `1h 30m`, `90s`, `500ms`, a bare number meaning seconds. With `isSec` the result is
 * whole seconds and `ms` is refused; otherwise it is milliseconds and `y`/`M` are refused (nginx starts
 * the msec parser at the month step). Units must come in decreasing order, each at most once.
 */
export function parseNginxTime(text: string, isSec: boolean): number | undefined {
  let step = isSec ? 0 : ST_MONTH;
  let value = 0n;
  let total = 0n;
  let valid = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i++] ?? '';
    if (ch >= '0' && ch <= '9') {
      value = value * 10n + BigInt(ch.charCodeAt(0) - 48);
      if (value > INT_MAX) return undefined;
      valid = true;
      continue;
    }
    let scale: bigint;
    if (ch === 'm' && text[i] === 's') {
      if (isSec || step >= ST_MSEC) return undefined;
      i++;
      step = ST_MSEC;
      scale = 1n;
    } else if (ch === ' ') {
      if (step >= ST_SEC) return undefined;
      step = ST_LAST;
      scale = isSec ? 1n : 1000n;
    } else {
      const unit = TIME_UNITS[ch];
      // 'y' is refused once any step is taken; the others once their own step is reached.
      if (unit === undefined || (ch === 'y' ? step > 0 : step >= unit.step)) return undefined;
      step = unit.step;
      scale = BigInt(unit.seconds) * (isSec ? 1n : 1000n);
    }
    if (value > INT_MAX / scale) return undefined;
    value *= scale;
    if (total > INT_MAX - value) return undefined;
    total += value;
    value = 0n;
    while (text[i] === ' ') i++;
  }
  if (!valid) return undefined;
  if (!isSec) {
    if (value > INT_MAX / 1000n) return undefined;
    value *= 1000n;
  }
  if (total > INT_MAX - value) return undefined;
  return Number(total + value);
}

function parseScaled(text: string, units: Record<string, bigint>): number | undefined {
  if (text.length === 0) return undefined;
  const unit = units[text.slice(-1)];
  const scale = unit ?? 1n;
  const digits = unit === undefined ? text : text.slice(0, -1);
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const v = BigInt(digits);
  if (v > INT_MAX / scale) return undefined;
  return Number(v * scale);
}

const SIZE_UNITS: Record<string, bigint> = { k: 1024n, K: 1024n, m: 1048576n, M: 1048576n };
const OFFSET_UNITS: Record<string, bigint> = { ...SIZE_UNITS, g: 1073741824n, G: 1073741824n };

/** ngx_parse_size: bytes, with an optional k/K or m/M suffix (no g: that is ngx_parse_offset). */
export function parseNginxSize(text: string): number | undefined {
  return parseScaled(text, SIZE_UNITS);
}

/** ngx_parse_offset: like a size, and g/G is allowed too. */
export function parseNginxOffset(text: string): number | undefined {
  return parseScaled(text, OFFSET_UNITS);
}
