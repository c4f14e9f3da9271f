/**
 * The journal and idempotency store (DESIGN.md §6). Every accepted submission is written here
 * before its provider is called; a repeated `Idempotency-Key` is answered from here.
 */

/** Internal statuses; `pending` = accepted, provider call not finished. */
export type StoredStatus = 'pending' | 'completed' | 'failed' | 'awaiting-approval' | 'queued';

export interface NewRegistration {
  id: string;
  flowId: string;
  idempotencyKey: string;
  /** SHA-256 of the normalised request: tells "same request again" from "key reused". */
  requestHash: string;
  /** What the user submitted, minus secret fields (passwords are never stored). */
  submission: Record<string, unknown>;
}

export type BeginResult =
  /** Go ahead: a new entry, or one whose earlier attempt failed for a retryable reason (5xx). */
  | { kind: 'created'; id: string }
  | { kind: 'replay'; id: string; httpStatus: number; response: unknown }
  | { kind: 'in_progress'; id: string }
  | { kind: 'key_reused' };

export interface Outcome {
  status: Exclude<StoredStatus, 'pending'>;
  httpStatus: number;
  /** The answer given to the client, replayed for the same key; never holds a secret. */
  response: unknown;
  providerRef?: string;
  /** Non-secret facts for follow-up steps (see RegistrationResult.state). */
  providerState?: Record<string, string>;
  /** A short non-personal note for the status history (error code, provider state…). */
  detail?: string;
}

export interface HistoryCount {
  count: number;
  /** ms epoch of the earliest and latest matching entries; null when there are none. */
  first: number | null;
  last: number | null;
}

export interface HistoryEntry {
  /** What happened: `verified`, `verify_failed`, `resend`, `approved`, `rejected`… */
  detail: string;
  /** The registration's new status, when the event changes it. */
  status?: Exclude<StoredStatus, 'pending'>;
}

export interface StoredRegistration {
  id: string;
  flowId: string;
  status: StoredStatus;
  providerRef: string | null;
  providerState: Record<string, string>;
  /** The answer given to the client (what `next` step it was sent to). */
  response: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export interface Store {
  /**
   * Journals a submission under its idempotency key, or says why it must not be sent now: the
   * first answer to replay, still in progress, or the key used for another request.
   */
  begin(entry: NewRegistration): Promise<BeginResult>;
  finish(id: string, outcome: Outcome): Promise<void>;
  get(id: string): Promise<StoredRegistration | undefined>;
  /** The registration a provider key belongs to (approvals are made by the provider's key). */
  findByProviderRef(flowId: string, providerRef: string): Promise<StoredRegistration | undefined>;
  /** Appends to a registration's history, changing its status where the entry says so. */
  note(id: string, entry: HistoryEntry): Promise<void>;
  /** How often `detail` happened to a registration since `since` (ms epoch), and when last. */
  history(id: string, detail: string, since: number): Promise<HistoryCount>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
