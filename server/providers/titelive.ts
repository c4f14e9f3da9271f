// PLACEHOLDER: replaced by the titelive adapter (issue 3). Not registered in any flow until then.
import { z } from 'zod';
import { ProviderError } from '../errors.ts';
import { defineProvider } from './types.ts';

export const titelive = defineProvider({
  id: 'titelive',
  fields: [{ name: 'email', required: true }],
  hostValues: [],
  settings: z.strictObject({}),
  create() {
    return {
      register() {
        return Promise.reject(
          new ProviderError('misconfigured', 'titelive is not implemented yet'),
        );
      },
    };
  },
});
