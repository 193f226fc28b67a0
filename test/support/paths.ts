import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const OUT = path.join(ROOT, 'out');
/** Screenshots and other artifacts a person can look at after a run. */
export const ARTIFACTS = path.join(ROOT, 'test-results');
