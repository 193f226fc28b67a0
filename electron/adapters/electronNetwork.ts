import { net } from 'electron';

/** Electron's view of whether the machine has a network at all; the monitor also probes Supabase. */
export const electronIsOnline = (): boolean => net.isOnline();
