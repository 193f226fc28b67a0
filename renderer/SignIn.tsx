import { useState, type FormEvent } from 'react';
import type { AuthControls } from './useAuth';

const STORAGE_NOTE = {
  keychain: null,
  'safe-storage': null,
  memory: 'This computer offers no secure storage: you will have to sign in again after the station restarts.',
} as const;

/** Sign-in for the proctor, and who is signed in once they are. */
export function SignIn({ auth }: { auth: AuthControls }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { state, error, busy } = auth;
  if (!state) return null;

  if (state.status === 'signed-in') {
    return (
      <section aria-label="Signed in" className="signed-in">
        <p data-testid="signed-in-as">
          Signed in as {state.user.email} ({state.user.role})
        </p>
        {state.offline && <p role="status">Offline: transcripts are kept on this computer and sync when the network returns.</p>}
        {STORAGE_NOTE[state.storage] && <p role="note">{STORAGE_NOTE[state.storage]}</p>}
        <button type="button" onClick={() => void auth.signOut()} disabled={busy}>
          Sign out
        </button>
      </section>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void auth.signIn(email, password).then(() => setPassword(''));
  };
  return (
    <form aria-label="Sign in" className="sign-in" onSubmit={submit}>
      <h2>Proctor sign-in</h2>
      <label>
        Email
        <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && (
        <p role="alert" data-testid="sign-in-error">
          {error.message}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
