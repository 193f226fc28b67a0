import { useCallback, useEffect, useState } from 'react';
import type { AuthState, StationError } from '@interview-station/contracts';
import { station } from './station';

export interface AuthControls {
  readonly state: AuthState | null;
  readonly error: StationError | null;
  readonly busy: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

/** The signed-in user as main reports it (never a token), kept current by `auth.onStateChanged`. */
export function useAuth(): AuthControls {
  const [state, setState] = useState<AuthState | null>(null);
  const [error, setError] = useState<StationError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const unsubscribe = station().auth.onStateChanged(setState);
    void station()
      .auth.state()
      .then((result) => (result.ok ? setState(result.value) : setError(result.error)));
    return unsubscribe;
  }, []);

  const run = useCallback(async (call: () => ReturnType<ReturnType<typeof station>['auth']['state']>) => {
    setBusy(true);
    setError(null);
    const result = await call();
    setBusy(false);
    if (result.ok) setState(result.value);
    else setError(result.error);
  }, []);

  return {
    state,
    error,
    busy,
    signIn: (email, password) => run(() => station().auth.signIn({ email, password })),
    signOut: () => run(() => station().auth.signOut()),
  };
}
