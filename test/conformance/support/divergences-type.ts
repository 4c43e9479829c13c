/** The shape of one known, accepted difference between our dev server and the real Temporal server. */
export interface Divergence {
  /** The conformance file (under test/conformance, without `.test.ts`) whose scenario shows it. */
  file: string;
  /** The exact name of the scenario that shows it. */
  scenario: string;
  /** The observation key of that scenario that differs. */
  aspect: string;
  /** What our dev server does, in a few words. */
  embedded: string;
  /** What the real server does, in a few words. */
  real: string;
  /** Why the difference stays: a reason a user of the dev server would accept. */
  reason: string;
  /**
   * Confirms the observed difference is this one and not a new difference on the same aspect:
   * receives the normalised values of both servers.
   */
  matches?: (embedded: unknown, real: unknown) => boolean;
}
