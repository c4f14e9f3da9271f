/**
 * The registration's registry check (docs/registries.md): each looked-up number the user sent is
 * asked again, through the same cache as the widget's lookup, before anything is journaled. A
 * liquidated or dissolved company is refused on its field, and so is a holding without a valid or
 * grace certificate where the flow sets `requireCertification`; a registry that cannot answer
 * lets the registration go on, marked `unverified`; what the registry said is kept as evidence.
 */
import type { Logger } from 'pino';
import type { FieldErrorCode } from '../../shared/errors.ts';
import type { FieldValues } from '../../shared/fields.ts';
import { invalidFields } from '../errors.ts';
import { RegistryUnavailable, type RegistryRecord } from '../registries/index.ts';
import type { Verification } from '../store/types.ts';
import type { Flow } from './flows.ts';
import { checkNumber } from './lookup.ts';

const REFUSED: Partial<Record<RegistryRecord['status'], FieldErrorCode>> = {
  liquidated: 'company_liquidated',
  dissolved: 'company_dissolved',
};

export interface RegistryCheck {
  verification: Verification[];
  /** The values to send: the registry's legal name in place of the typed one, where wanted. */
  values: FieldValues;
}

export async function verifyWithRegistries(
  flow: Flow,
  values: FieldValues,
  log: Logger,
  { refuse }: { refuse: boolean },
): Promise<RegistryCheck> {
  const verification: Verification[] = [];
  const errors: Record<string, FieldErrorCode> = {};
  let registryName: string | undefined;
  for (const field of flow.lookups.fields) {
    const lookup = flow.lookups.get(field);
    const typed = (values as Record<string, string | undefined>)[field];
    if (!lookup || !typed) continue;
    // A number the format check refuses is the provider's to judge (its own field error).
    const checked = checkNumber(field, typed);
    if (!checked.ok) continue;
    const value = checked.value;
    // A holding's certificate is asked with the farm's postcode, as the widget asked it.
    const zip = field === 'holdingNumber' ? values.zip : undefined;
    try {
      const result = await lookup.lookup({ value, ...(zip ? { zip } : {}) });
      const { evidence } = result;
      verification.push({
        field,
        value,
        result: result.found ? 'verified' : 'not_found',
        source: evidence.source,
        ...(result.found ? { status: result.record.status } : {}),
        checkedAt: evidence.checkedAt,
        sha256: evidence.sha256,
        ...(evidence.requestIdentifier ? { requestIdentifier: evidence.requestIdentifier } : {}),
      });
      if (!result.found) {
        // Certificates: Hectare lists only valid and grace ones, so an expired one is not found.
        if (field === 'holdingNumber' && flow.config.requireCertification)
          errors[field] = 'certificate_required';
        continue;
      }
      const refused = REFUSED[result.record.status];
      if (refused) errors[field] = refused;
      // A certificate names the farm's site, not the company: no legal name to prefer.
      if (field !== 'holdingNumber')
        registryName ??= result.record.fields.organisationName || undefined;
    } catch (err) {
      if (!(err instanceof RegistryUnavailable)) throw err;
      log.warn(
        { flow: flow.id, field, registry: lookup.registry },
        'registry unavailable: registration goes on unverified',
      );
      verification.push({ field, value, result: 'unverified', source: lookup.registry });
    }
  }
  if (refuse && Object.keys(errors).length) throw invalidFields(errors);
  const replace =
    flow.config.preferRegistryName &&
    registryName &&
    flow.rules.some((r) => r.name === 'organisationName');
  return {
    verification,
    values: replace ? { ...values, organisationName: registryName } : values,
  };
}

/** One word for the admin API and CLI: `unverified` wins, then `verified`, then `not_found`. */
export function verificationSummary(verification: readonly Verification[]): string | null {
  for (const result of ['unverified', 'verified', 'not_found'] as const) {
    if (verification.some((v) => v.result === result)) return result;
  }
  return null;
}
