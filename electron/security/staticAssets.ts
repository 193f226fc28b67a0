import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
};

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Resolves a URL path to a file inside `root` and reads it. `/` is `index.html`. Anything that
 * would leave `root` (`..`, encoded separators, symlinks pointing out) or is not a known file
 * type answers `null`; no path from a request reaches the file system unchecked.
 */
export async function readStaticAsset(root: string, urlPath: string): Promise<StaticAsset | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const contentType = CONTENT_TYPES[path.extname(relative).toLowerCase()];
  if (!contentType) return null;
  try {
    const realRoot = await realpath(root);
    const file = await realpath(path.resolve(realRoot, relative));
    if (!file.startsWith(realRoot + path.sep)) return null;
    return { body: await readFile(file), contentType };
  } catch {
    return null;
  }
}
