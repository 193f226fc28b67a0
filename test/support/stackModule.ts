/**
 * The shape of devstack/stack.ts as the browser tests see it. They load it by path at run time:
 * its Node-only sources are not type-checked with the DOM library of those tests.
 */
export interface RunningComponent {
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}
export interface StackComponent {
  readonly name: string;
  start(context: { info: Readonly<Record<string, unknown>>; temp: boolean }): Promise<RunningComponent>;
}
export interface StackModule {
  supabaseComponent: StackComponent;
  realtimeComponent: StackComponent;
  tokenServiceComponent: StackComponent;
  startStack(components: readonly StackComponent[], options: { temp: boolean }): Promise<RunningComponent>;
}
