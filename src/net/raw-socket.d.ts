/**
 * The part of raw-socket 1.8's API Tandem uses (the package ships no types). Sockets are SOCK_RAW
 * in the caller's network namespace; `recvfrom` only, so no ancillary data (see docs/vrrp-linux.md).
 */
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  interface RawSocket extends EventEmitter {
    setOption(level: number, option: number, value: number): void;
    setOption(level: number, option: number, value: Buffer, length: number): void;
    getOption(level: number, option: number, value: Buffer, length: number): number;
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): RawSocket;
    close(): RawSocket;
    pauseRecv(): RawSocket;
    resumeRecv(): RawSocket;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  interface RawSocketOptions {
    protocol?: number;
    addressFamily?: number;
    bufferSize?: number;
  }

  const raw: {
    createSocket(options?: RawSocketOptions): RawSocket;
    AddressFamily: { IPv4: number; IPv6: number };
    createChecksum(...buffers: (Buffer | { buffer: Buffer; offset: number; length: number })[]): number;
    writeChecksum(buffer: Buffer, offset: number, checksum: number): Buffer;
  };
  export default raw;
  export type { RawSocket, RawSocketOptions };
}
