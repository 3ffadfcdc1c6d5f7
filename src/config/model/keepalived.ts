/**
 * The typed model of a keepalived.conf (VRRP side). Filled in by the keepalived adapters (issue 3);
 * until then it carries only what the kernel needs to know exists.
 */
export interface KeepalivedConfig {
  readonly file: string;
}
