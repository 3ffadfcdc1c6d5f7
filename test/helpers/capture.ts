import type { NsProcess } from './ns-process.js';
import { readPcap, type PcapRecord } from './pcap.js';

/**
 * A running tcpdump inside a namespace, writing a pcap file. Started by `NetLab.capture`, which
 * resolves only once tcpdump printed `listening on`, i.e. the filter is installed and no packet
 * sent afterwards can be missed.
 */
export class Capture {
  readonly file: string;
  readonly process: NsProcess;

  constructor(file: string, proc: NsProcess) {
    this.file = file;
    this.process = proc;
  }

  /** Stops tcpdump (SIGINT, so it flushes the file) and returns every captured frame. */
  async stop(): Promise<PcapRecord[]> {
    this.process.kill('SIGINT');
    const timer = setTimeout(() => {
      this.process.kill('SIGKILL');
    }, 3000);
    await this.process.exited;
    clearTimeout(timer);
    return readPcap(this.file);
  }

  /** The frames captured so far, without stopping (tcpdump runs with -U, so each packet is flushed). */
  snapshot(): PcapRecord[] {
    return readPcap(this.file);
  }
}
