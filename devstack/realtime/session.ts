import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * The GA Realtime session configuration the simulator accepts (client secrets, the multipart form
 * of `/calls`, and `session.update`). Objects are strict so a misspelt field is a 400
 * `unknown_parameter`, as the real API answers; fields the simulator does not act on (tools,
 * tracing, prompt...) are accepted and echoed.
 */
const voices = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;

const audioFormat = z.union([
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.literal(24000).optional() }),
  z.strictObject({ type: z.enum(['audio/pcmu', 'audio/pcma']) }),
]);

const serverVad = z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.number().int().min(0).max(10_000).optional(),
  silence_duration_ms: z.number().int().min(0).max(10_000).optional(),
  idle_timeout_ms: z.number().int().min(0).nullable().optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

const semanticVad = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

const transcription = z.strictObject({
  model: z.string().max(100).optional(),
  language: z.string().max(20).optional(),
  prompt: z.string().max(10_000).optional(),
});

export const SessionConfigSchema = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().min(1).max(100).optional(),
  instructions: z.string().max(100_000).optional(),
  output_modalities: z.array(z.enum(['audio', 'text'])).min(1).max(1).optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: audioFormat.optional(),
          noise_reduction: z.strictObject({ type: z.enum(['near_field', 'far_field']) }).nullable().optional(),
          transcription: transcription.nullable().optional(),
          turn_detection: z.discriminatedUnion('type', [serverVad, semanticVad]).nullable().optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: audioFormat.optional(),
          voice: z.enum(voices).optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  // Accepted and echoed; the simulator has no model to give them meaning.
  tools: z.array(z.unknown()).max(128).optional(),
  tool_choice: z.unknown().optional(),
  tracing: z.unknown().optional(),
  prompt: z.unknown().optional(),
  include: z.array(z.string()).nullable().optional(),
  max_output_tokens: z.union([z.number().int().min(1).max(4096), z.literal('inf')]).optional(),
  truncation: z.unknown().optional(),
  parallel_tool_calls: z.boolean().optional(),
  reasoning: z.unknown().optional(),
});
export type SessionConfig = z.infer<typeof SessionConfigSchema>;

export const ClientSecretRequestSchema = z.strictObject({
  expires_after: z
    .strictObject({ anchor: z.literal('created_at'), seconds: z.number().int().min(10).max(7200).optional() })
    .optional(),
  session: SessionConfigSchema.optional(),
});

type TurnDetection = z.infer<typeof serverVad> | z.infer<typeof semanticVad>;

/** A complete session as the server reports it in `session.created` / `session.updated`. */
export interface RealtimeSession {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: string[];
  instructions: string;
  tools: unknown[];
  tool_choice: unknown;
  max_output_tokens: number | 'inf';
  tracing: unknown;
  prompt: unknown;
  truncation: unknown;
  include: string[] | null;
  expires_at: number;
  audio: {
    input: {
      format: unknown;
      noise_reduction: unknown;
      transcription: z.infer<typeof transcription> | null;
      turn_detection: TurnDetection | null;
    };
    output: { format: unknown; voice: string; speed: number };
  };
}

export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** The server's defaults: transcription off (as on the real API), server VAD on. */
export function defaultSession(expiresAt: number): RealtimeSession {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id: newId('sess'),
    model: 'gpt-realtime',
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    prompt: null,
    truncation: 'auto',
    include: null,
    expires_at: expiresAt,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        noise_reduction: null,
        transcription: null,
        turn_detection: withVadDefaults({ type: 'server_vad' }),
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
  };
}

function withVadDefaults(td: TurnDetection): TurnDetection {
  if (td.type === 'semantic_vad') return { eagerness: 'auto', create_response: true, interrupt_response: true, ...td };
  return {
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 500,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
    ...td,
  };
}

/** Returns a new session with `update` applied; `session` itself is never modified. */
export function applySessionConfig(session: RealtimeSession, update: SessionConfig): RealtimeSession {
  const next: RealtimeSession = structuredClone(session);
  const { audio, type: _type, ...rest } = update;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  const input = audio?.input;
  if (input?.format !== undefined) next.audio.input.format = input.format;
  if (input?.noise_reduction !== undefined) next.audio.input.noise_reduction = input.noise_reduction;
  if (input?.transcription !== undefined) next.audio.input.transcription = input.transcription;
  if (input?.turn_detection !== undefined) {
    next.audio.input.turn_detection = input.turn_detection === null ? null : withVadDefaults(input.turn_detection);
  }
  const output = audio?.output;
  if (output?.format !== undefined) next.audio.output.format = output.format;
  if (output?.voice !== undefined) next.audio.output.voice = output.voice;
  if (output?.speed !== undefined) next.audio.output.speed = output.speed;
  return next;
}
