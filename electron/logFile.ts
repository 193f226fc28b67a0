import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface FileSinkOptions {
  /** The folder the log lives in (Electron's `app.getPath('logs')` in the app). */
  readonly dir: string;
  /** The current file is `<name>.log`; older ones `<name>.1.log` (newest) to `<name>.<keep>.log`. */
  readonly name?: string;
  /** A file is rotated before a line would take it past this size. */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one. */
  readonly keep?: number;
}

export interface FileSink {
  (line: string): void;
  /** The current file. */
  readonly file: string;
  close(): void;
}

/**
 * A size-rotated log file. Lines are written synchronously (a crash loses none already logged);
 * the folder is 0700 and the files 0600, since a log names sessions and tenants. A line that
 * cannot be written is dropped rather than taking the station down.
 */
export function fileSink(options: FileSinkOptions): FileSink {
  const name = options.name ?? 'main';
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 5;
  const file = path.join(options.dir, `${name}.log`);
  const rotated = (n: number) => path.join(options.dir, `${name}.${n}.log`);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });

  let fd = openSync(file, 'a', 0o600);
  let size = statSync(file).size;

  const rotate = (): void => {
    closeSync(fd);
    rmSync(rotated(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      try {
        renameSync(rotated(n), rotated(n + 1));
      } catch {
        // not there yet
      }
    }
    if (keep > 0) renameSync(file, rotated(1));
    else rmSync(file, { force: true });
    fd = openSync(file, 'a', 0o600);
    size = 0;
  };

  const sink = (line: string): void => {
    const bytes = Buffer.from(line + '\n', 'utf8');
    try {
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      writeSync(fd, bytes);
      size += bytes.length;
    } catch {
      // A full disk must not stop an interview; the line is lost.
    }
  };
  return Object.assign(sink, { file, close: () => closeSync(fd) });
}
