import { readFileSync } from 'node:fs';

/** Tandem's version, from package.json (read once; the CLI prints it for -v). */
export const tandemVersion: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
