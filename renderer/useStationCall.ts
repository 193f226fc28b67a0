import { useEffect, useState } from 'react';
import type { Result, StationError } from '@interview-station/contracts';

export type CallState<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; error: StationError };

/** Calls a station method once on mount and tracks its typed result. */
export function useStationCall<T>(call: () => Promise<Result<T>>): CallState<T> {
  const [state, setState] = useState<CallState<T>>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    void call().then((result) => {
      if (!live) return;
      setState(result.ok ? { status: 'ready', value: result.value } : { status: 'failed', error: result.error });
    });
    return () => {
      live = false;
    };
    // The call is fixed for the component's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
