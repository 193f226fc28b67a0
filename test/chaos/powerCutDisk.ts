/**
 * A model of a disk whose power can be cut, for the journal's power-cut test. It stands in for
 * `node:fs/promises`' `open` (the test mocks that module): a file handle's writes go to a page
 * cache and become durable only when `datasync`/`sync` completes. `cut()` is the power going:
 * every byte not yet fsynced is dropped (or, in `torn` mode, a random prefix of the unsynced tail
 * survives, as a partly written-back page cache would leave it), and every handle opened before
 * the cut is dead: its pending and later calls never settle, as on a machine that has stopped.
 * A new file's name is itself unsynced data of its directory: it survives a cut only once the
 * directory has been fsynced (opened with `r` and synced), as on ext4 and most file systems.
 *
 * `ackBeforeSync` is the deliberately broken variant: `datasync` reports success at once and the
 * bytes become durable a few turns later, i.e. the journal above acknowledges before its fsync has
 * completed. The power-cut test must catch it.
 */
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

interface FileState {
  /** What the page cache holds: what a running process reads. */
  data: Buffer;
  /** What survives a power cut. */
  durable: Buffer;
  /** Its directory entry is durable (the directory was fsynced after the file was created). */
  linked: boolean;
}

export interface PowerCutDiskOptions {
  readonly random: () => number;
  /** Keep a random prefix of the unsynced tail at a cut instead of dropping all of it. */
  readonly torn?: boolean;
  /** The broken variant: `datasync` resolves before the bytes are durable. */
  readonly ackBeforeSync?: boolean;
}

export interface CutReport {
  /** Unsynced bytes the cut threw away (over all files). */
  readonly droppedBytes: number;
}

const never = new Promise<never>(() => undefined);

export class PowerCutDisk {
  private readonly files = new Map<string, FileState>();
  private epoch = 0;
  /** Disk calls so far; `cutAfter` cuts the power when this count is reached. */
  private calls = 0;
  private cutAt = Infinity;
  cuts = 0;

  constructor(private readonly options: PowerCutDiskOptions) {}

  /** Cuts the power at the start of the `n`-th disk call from now (before it takes effect). */
  cutAfter(n: number): void {
    this.cutAt = this.calls + n;
  }

  /** The power goes: unsynced bytes are lost and every open handle is dead. */
  cut(): CutReport {
    let droppedBytes = 0;
    for (const [name, file] of this.files) {
      if (!file.linked) {
        // Created and never made durable in its directory: the whole file is gone.
        droppedBytes += file.data.length;
        this.files.delete(name);
        continue;
      }
      let survivor = file.durable;
      const extendsDurable = file.data.length >= file.durable.length && file.data.subarray(0, file.durable.length).equals(file.durable);
      if (this.options.torn && extendsDurable) {
        const tail = file.data.length - file.durable.length;
        survivor = file.data.subarray(0, file.durable.length + Math.floor(this.options.random() * (tail + 1)));
      }
      droppedBytes += Math.max(0, file.data.length - survivor.length);
      file.data = Buffer.from(survivor);
      file.durable = Buffer.from(survivor);
    }
    this.epoch += 1;
    this.cuts += 1;
    this.cutAt = Infinity;
    this.lastCut = { droppedBytes };
    return this.lastCut;
  }

  lastCut: CutReport | null = null;

  /** The bytes that would survive a cut now (for checks). */
  durableBytes(path: string): Buffer | undefined {
    return this.files.get(path)?.durable;
  }

  /**
   * `fs.promises.open` for the journal: only the calls TranscriptJournal makes (a file in append
   * mode, or a directory read-only to fsync it).
   */
  async open(path: string, flags: string): Promise<FileHandle> {
    if (flags === 'r') return this.openDirectory(path);
    if (flags !== 'a+') throw new Error(`the power-cut disk models append mode and directories only, not ${flags}`);
    const epoch = this.epoch;
    await this.step(epoch);
    let file = this.files.get(path);
    if (!file) {
      file = { data: Buffer.alloc(0), durable: Buffer.alloc(0), linked: false };
      this.files.set(path, file);
    }
    const state = file;
    const live = (): Promise<void> => this.step(epoch);
    const handle = {
      readFile: async () => {
        await live();
        return Buffer.from(state.data);
      },
      writev: async (buffers: Buffer[]) => {
        await live();
        const bytesWritten = buffers.reduce((n, b) => n + b.length, 0);
        state.data = Buffer.concat([state.data, ...buffers]);
        return { bytesWritten, buffers };
      },
      write: async (buffer: Buffer) => {
        await live();
        state.data = Buffer.concat([state.data, buffer]);
        return { bytesWritten: buffer.length, buffer };
      },
      truncate: async (length = 0) => {
        await live();
        state.data = Buffer.from(state.data.subarray(0, length));
      },
      datasync: async () => {
        if (this.options.ackBeforeSync) {
          // Broken: report success now, make the bytes durable only a few turns later.
          const snapshot = Buffer.from(state.data);
          void live().then(() => (state.durable = snapshot));
          if (epoch !== this.epoch) await never;
          return;
        }
        await live();
        state.durable = Buffer.from(state.data);
      },
      sync: async () => handle.datasync(),
      close: async () => {
        if (epoch !== this.epoch) await never;
      },
    };
    return handle as unknown as FileHandle;
  }

  /** A directory opened to be fsynced: its sync makes the names of the files in it durable. */
  private async openDirectory(dir: string): Promise<FileHandle> {
    const epoch = this.epoch;
    await this.step(epoch);
    const sync = async (): Promise<void> => {
      await this.step(epoch);
      for (const [name, file] of this.files) if (dirname(name) === dir) file.linked = true;
    };
    const handle = {
      sync,
      datasync: sync,
      close: async () => {
        if (epoch !== this.epoch) await never;
      },
    };
    return handle as unknown as FileHandle;
  }

  /**
   * One disk call by a handle (or an open) from power cycle `epoch`: cuts the power if it is due,
   * then takes a few event-loop turns (I/O takes time). A call whose power went never completes.
   */
  private async step(epoch: number): Promise<void> {
    this.calls += 1;
    if (this.calls >= this.cutAt) this.cut();
    const turns = Math.floor(this.options.random() * 3);
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    // The power went while this call was under way: it never completes.
    if (epoch !== this.epoch) await never;
  }
}
