import { screen } from 'electron';

/** How many displays are attached (mirrored displays count once, as the OS reports them). */
export const electronDisplayCount = (): number => screen.getAllDisplays().length;
