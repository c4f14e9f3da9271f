// PLACEHOLDER: replaced by the cloudsuite adapter (issue 3). Not registered in any flow until then.
import { z } from 'zod';
import { ProviderError } from '../errors.ts';
import { defineProvider } from './types.ts';

export const cloudsuite = defineProvider({
  id: 'cloudsuite',
  fields: [{ name: 'email', required: true }],
  hostValues: [],
  settings: z.strictObject({}),
  create() {
    return {
      register() {
        return Promise.reject(
          new ProviderError('misconfigured', 'cloudsuite is not implemented yet'),
        );
      },
    };
  },
});
