import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';

/** The unmodified supabase-js client, configured for Node 20 (no global WebSocket) and tests. */
export function supabaseClient(url: string, key: string): SupabaseClient {
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
}

/** Signs in with a password and returns the client, failing the test when sign-in fails. */
export async function signedIn(url: string, anonKey: string, email: string, password: string): Promise<SupabaseClient> {
  const client = supabaseClient(url, anonKey);
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`);
  return client;
}

/** The outcome of `functions.invoke` as status and JSON body, errors included. */
export async function invoke(client: SupabaseClient, name: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const { data, error } = await client.functions.invoke(name, { body: body as Record<string, unknown>, headers });
  if (!error) return { status: 200, body: data as Record<string, unknown> };
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response;
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  throw error;
}
