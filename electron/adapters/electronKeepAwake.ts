import { powerSaveBlocker } from 'electron';

/** Keeps the display on while an interview runs; released when the last one ends. */
export function electronKeepAwake(): (active: boolean) => void {
  let blocker: number | null = null;
  return (active) => {
    if (active && blocker === null) blocker = powerSaveBlocker.start('prevent-display-sleep');
    if (!active && blocker !== null) {
      powerSaveBlocker.stop(blocker);
      blocker = null;
    }
  };
}
