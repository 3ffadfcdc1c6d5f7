/**
 * The typed model of an nginx.conf (http and stream load balancing). Filled in by the nginx adapters
 * (issue 4); until then it carries only what the kernel needs to know exists.
 */
export interface NginxConfig {
  readonly file: string;
}
