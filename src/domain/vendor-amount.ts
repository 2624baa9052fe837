/**
 * The one rule for an amount a vendor reports, on every path (callback, poll, sync) and for
 * every vendor: a status is accepted only when the vendor's amount is readable and equal to
 * ours. A missing or unreadable amount is treated exactly like a different one: the entity goes
 * to NEEDS_ATTENTION with both amounts on its event, never to the status the vendor reported.
 */

/**
 * What a vendor said the amount was, read by its provider from the wire: fen; or several fen
 * amounts of which ours must be one (an exchange, whose two sides differ by the rate); or
 * `undefined` when the message carried no amount or one that does not parse.
 */
export type ReportedAmount = number | readonly number[] | undefined;

export interface AmountMismatch {
  ours: number;
  /** What the vendor reported; null when it was missing or unreadable. */
  theirs: number | readonly number[] | null;
  problem: 'different' | 'missing_or_unreadable';
}

/** Why the vendor's amount cannot be accepted, or undefined when it equals ours. */
export function amountMismatch(oursFen: number, theirs: ReportedAmount): AmountMismatch | undefined {
  if (theirs === undefined || (Array.isArray(theirs) && theirs.length === 0)) {
    return { ours: oursFen, theirs: null, problem: 'missing_or_unreadable' };
  }
  const matches = typeof theirs === 'number' ? theirs === oursFen : theirs.includes(oursFen);
  return matches ? undefined : { ours: oursFen, theirs, problem: 'different' };
}

/**
 * The status to write for what the vendor reported, with the event detail that explains it:
 * the reported status when the amount matches, `needsAttention` otherwise (the reported status
 * and both amounts kept on the event, so an operator can see what the vendor claimed).
 */
export function guardedByAmount<S extends string>(
  oursFen: number,
  theirs: ReportedAmount,
  reported: S,
  needsAttention: S,
  detail: Record<string, unknown>,
): { to: S; detail: Record<string, unknown>; mismatch?: AmountMismatch } {
  const mismatch = amountMismatch(oursFen, theirs);
  if (!mismatch) return { to: reported, detail };
  return { to: needsAttention, detail: { ...detail, amountMismatch: mismatch, reportedStatus: reported }, mismatch };
}
