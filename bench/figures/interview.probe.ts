// What bench/figures/interview.page.ts records in the page and interview.ts reads back: shared by
// both compilations (the page's with the DOM library, the bench's without), so it uses no DOM type.

export interface Final {
  t: number;
  at: number;
  itemId: string;
  contentIndex: number;
  text: string;
  visible?: number;
  /** The station sent it to main (transcript:append-batch on the bridge). */
  sent?: number;
  durable?: number;
}
export interface Probe {
  start: number | null;
  /** The station's createOffer, and its setRemoteDescription(answer): where the time goes. */
  offer?: number;
  answer?: number;
  dcOpen: number | null;
  firstAudio: number | null;
  finals: Final[];
}
