import { crc32 } from 'node:zlib';

/**
 * The journal's on-disk framing: `[u32 LE payload length][u32 LE CRC-32 of payload][payload]`.
 * A crash can leave a torn last record; the length and checksum let a reader find where the
 * intact records end.
 */
export const HEADER_BYTES = 8;
/** No record comes near this; a larger length can only be garbage. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_RECORD_BYTES) throw new RangeError(`journal record of ${payload.length} bytes exceeds ${MAX_RECORD_BYTES}`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** Refuses (RangeError) a text record no frame may hold; cheap unless the text is near the limit. */
export function checkTextRecord(text: string): void {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit, so most records need no byte count at all.
  if (text.length * 3 <= MAX_RECORD_BYTES) return;
  const length = Buffer.byteLength(text, 'utf8');
  if (length > MAX_RECORD_BYTES) throw new RangeError(`journal record of ${length} bytes exceeds ${MAX_RECORD_BYTES}`);
}

/**
 * Several UTF-8 `texts` (each passed by checkTextRecord) framed one after another in a single
 * buffer: one allocation and one write for a group commit's batch, each text encoded once.
 */
export function encodeTextFrames(texts: readonly string[]): Buffer {
  let bound = 0;
  for (const text of texts) bound += HEADER_BYTES + text.length * 3;
  const out = Buffer.allocUnsafe(bound);
  let offset = 0;
  for (const text of texts) {
    const start = offset + HEADER_BYTES;
    const length = out.write(text, start, 'utf8');
    out.writeUInt32LE(length, offset);
    out.writeUInt32LE(crc32(out.subarray(start, start + length)), offset + 4);
    offset = start + length;
  }
  return out.subarray(0, offset);
}

export interface DecodedFrames {
  readonly payloads: Buffer[];
  /** Bytes covered by intact frames; anything after this is a torn or corrupt tail. */
  readonly validBytes: number;
}

/** Reads frames until the data ends or a frame is incomplete or fails its checksum. */
export function decodeFrames(data: Buffer): DecodedFrames {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= data.length) {
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const end = offset + HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES || end > data.length) break;
    const payload = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== checksum) break;
    payloads.push(payload);
    offset = end;
  }
  return { payloads, validBytes: offset };
}
