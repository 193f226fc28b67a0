/**
 * "Play test sound": a short, soft two-tone chime through the default output, so the candidate can
 * confirm they hear the station before the interviewer speaks. Resolves when it has finished.
 */
export async function playTestSound(): Promise<void> {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.connect(context.destination);
  const start = context.currentTime + 0.05;
  gain.gain.setValueAtTime(0, start);
  gain.gain.linearRampToValueAtTime(0.25, start + 0.05);
  gain.gain.setValueAtTime(0.25, start + 1.1);
  gain.gain.linearRampToValueAtTime(0, start + 1.3);
  for (const [frequency, offset] of [[523.25, 0], [659.25, 0.6]] as const) {
    const tone = context.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(start + offset);
    tone.stop(start + 1.3);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_450));
  await context.close();
}
