/** What reading a track file gave: a value, or keepalived's reason to keep the previous one. */
export type FileRead =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly shown: string };

const INT32_MIN = -2147483648;
const INT32_MAX_PLUS_1 = 2147483648;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/**
 * Parses a track file's content as keepalived does (`track_file.c` `process_track_file`):
 * `strtol(buf, NULL, 0)` over at most the first 127 bytes: leading blanks, an optional sign, then
 * hex (`0x`), octal (leading `0`) or decimal digits up to the first other character; no digits
 * means 0, as does an empty file. A value outside [INT32_MIN, INT32_MAX + 1] (or a `long` overflow)
 * is refused and the previous value kept (`Invalid number N read from PATH - ignoring`).
 */
export function parseTrackFileValue(content: string): FileRead {
  const text = content.slice(0, 127);
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  if (m === null) return { ok: true, value: 0 };
  const sign = m[1] === '-' ? -1n : 1n;
  const digits = m[2] ?? '0';
  let big: bigint;
  if (/^0[xX]/.test(digits)) big = BigInt(digits);
  else if (digits.length > 1 && digits.startsWith('0')) big = BigInt(`0o${digits.slice(1)}`);
  else big = BigInt(digits);
  big *= sign;
  // strtol saturates on overflow and sets ERANGE; keepalived then prints the saturated value.
  if (big > LONG_MAX) return { ok: false, shown: LONG_MAX.toString() };
  if (big < LONG_MIN) return { ok: false, shown: LONG_MIN.toString() };
  const n = Number(big);
  if (n < INT32_MIN || n > INT32_MAX_PLUS_1) return { ok: false, shown: big.toString() };
  return { ok: true, value: n };
}
