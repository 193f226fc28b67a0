import { EventEmitter } from 'node:events';
import { StationConfigSchema } from '@interview-station/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { KioskCloseGuard } from '../kiosk/closeGuard';
import { silentLogger } from '../log';

/**
 * The lifecycle adapter's wiring against a fake `electron` module (vi.mock): which window and app
 * events it refuses and what a proctor unlock does. Not Electron itself: the real window is the
 * Electron suite's (test/e2e/electron.kiosk.test.ts), skipped where the binary is missing.
 */
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  return {
    app: Object.assign(new Emitter(), { isPackaged: true, quit: () => undefined, setLoginItemSettings: () => undefined }),
    Menu: { setApplicationMenu: () => undefined },
  };
});

const fake = (await import('electron')) as unknown as { app: EventEmitter & { quit(): void } };
const { applyLifecycle } = await import('./electronLifecycle');

/** A BrowserWindow stand-in recording what the adapter does to it. */
function fakeWindow() {
  const calls: string[] = [];
  const window = Object.assign(new EventEmitter(), {
    webContents: new EventEmitter(),
    setKiosk: (on: boolean) => calls.push(`kiosk ${on}`),
    setFullScreen: (on: boolean) => calls.push(`fullScreen ${on}`),
    setMinimizable: (on: boolean) => calls.push(`minimizable ${on}`),
    setClosable: (on: boolean) => calls.push(`closable ${on}`),
    setContentProtection: (on: boolean) => calls.push(`contentProtection ${on}`),
    restore: () => calls.push('restore'),
    reload: () => calls.push('reload'),
    isDestroyed: () => false,
  });
  return { window, calls };
}

/** Emits an event the way Electron does, with a preventable event object; true when prevented. */
function emit(target: EventEmitter, name: string): boolean {
  let prevented = false;
  target.emit(name, { preventDefault: () => (prevented = true) });
  return prevented;
}

const kioskConfig = StationConfigSchema.parse({ kiosk: true });

beforeEach(() => fake.app.removeAllListeners());

describe('Electron lifecycle adapter (fake electron module)', () => {
  it('kiosk: full screen, not minimisable or closable, content protected; close, quit and session end refused', () => {
    const { window, calls } = fakeWindow();
    const onQuit = vi.fn();
    applyLifecycle(window as never, kioskConfig, new KioskCloseGuard(true), silentLogger, onQuit);
    expect(calls).toEqual(expect.arrayContaining(['kiosk true', 'fullScreen true', 'minimizable false', 'closable false', 'contentProtection true']));
    expect(emit(window, 'close')).toBe(true);
    expect(emit(window, 'query-session-end')).toBe(true);
    expect(emit(fake.app, 'before-quit')).toBe(true);
    window.emit('minimize');
    expect(calls).toContain('restore');
    expect(onQuit).not.toHaveBeenCalled();
  });

  it("the proctor's quit lets the quit through and disposes once", () => {
    const { window } = fakeWindow();
    const onQuit = vi.fn();
    const quit = vi.spyOn(fake.app, 'quit');
    const control = applyLifecycle(window as never, kioskConfig, new KioskCloseGuard(true), silentLogger, onQuit);
    control.quit();
    expect(quit).toHaveBeenCalledOnce();
    expect(emit(fake.app, 'before-quit')).toBe(false);
    expect(emit(window, 'close')).toBe(false);
    emit(fake.app, 'before-quit');
    expect(onQuit).toHaveBeenCalledOnce();
  });

  it("the proctor's exit leaves kiosk mode and allows closing", () => {
    const { window, calls } = fakeWindow();
    const control = applyLifecycle(window as never, kioskConfig, new KioskCloseGuard(true), silentLogger, vi.fn());
    control.exitKiosk();
    expect(calls.slice(-4)).toEqual(['kiosk false', 'fullScreen false', 'minimizable true', 'closable true']);
    expect(emit(window, 'close')).toBe(false);
  });

  it('not a kiosk: nothing is refused', () => {
    const { window, calls } = fakeWindow();
    const onQuit = vi.fn();
    applyLifecycle(window as never, StationConfigSchema.parse({}), new KioskCloseGuard(false), silentLogger, onQuit);
    expect(calls).not.toContain('kiosk true');
    expect(emit(window, 'close')).toBe(false);
    expect(emit(fake.app, 'before-quit')).toBe(false);
    expect(onQuit).toHaveBeenCalledOnce();
  });
});
