/**
 * What the shared adapter contract suite (../contract.test.ts) needs to know of one provider:
 * how to make a flow, a registration that succeeds, one that collides, and credentials the
 * provider refuses. One file per provider beside this one.
 */
import type { ProviderId } from '../../../shared/providers.ts';
import type { FlowDocument } from '../harness.ts';

export interface ContractFixture {
  provider: ProviderId;
  /** A `sandbox: true` flow of this provider with the given id, `settings` merged over defaults. */
  flow(id: string, settings?: Record<string, unknown>): FlowDocument;
  /** Fields of a registration that succeeds (fresh e-mail, INN, login… on every call). */
  fields(): Record<string, string>;
  /** What a successful registration answers (status and next step). */
  success: { status: string; next: unknown };
  /**
   * Fields that collide with an earlier successful registration of `taken`, and the field the
   * 409 must name.
   */
  duplicate(taken: Record<string, string>): { fields: Record<string, string>; field: string };
  /** Flow settings (with their environment) whose credentials the simulator refuses. */
  badCredentials: { settings: Record<string, unknown>; env: Record<string, string> };
  /**
   * A flow on a real base URL (the test points it at a server that answers garbage), with
   * every credential the provider's settings require, given through `env`.
   */
  realFlow(id: string, baseUrl: string): { flow: FlowDocument; env: Record<string, string> };
  /**
   * The simulator's reading of what the provider's documents leave unsaid under which a duplicate
   * can be told from other refusals (`POST _readings`); the default reading when absent.
   */
  readings?: Record<string, unknown>;
}
