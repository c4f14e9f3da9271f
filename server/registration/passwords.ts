/**
 * The password rules of a flow (`passwordPolicy`): a minimum length and a short list of the
 * most common passwords. The flow descriptor carries both, so the widget checks with the same
 * function as the server (`passwordError` in shared/validators.ts) without carrying the list in
 * its bundle.
 */
import type { PasswordPolicy } from '../../shared/validators.ts';

/**
 * About a hundred passwords from the top of widely published lists of breached passwords
 * (SecLists' common-credentials, the UK NCSC's "100k" list), lower-case, 8 characters or more:
 * the policy's minimum is at least 8, so shorter ones ("123456", "qwerty") fail on length.
 */
export const COMMON_PASSWORDS: readonly string[] = [
  ...['password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd'],
  ...['p@ssw0rd', 'p@ssword', '12345678', '123456789', '1234567890', '12345678910'],
  ...['0123456789', '0987654321', '987654321', '9876543210', '87654321', '11111111'],
  ...['1111111111', '00000000', '0000000000', '88888888', '99999999', '66666666'],
  ...['55555555', '12121212', '1212121212', '11223344', '12341234', '123123123'],
  ...['147258369', '741852963', '789456123', '147852369', '123654789', '12344321'],
  ...['123456789a', 'a123456789', '12345678a', 'aa123456', 'abc12345', 'abcd1234'],
  ...['a1b2c3d4', 'qwertyuiop', 'qwertyui', 'qwerty12', 'qwerty123', 'qwerty1234'],
  ...['qwerty123456', '123456qwerty', '12345qwert', 'qwer1234', '1234qwer', 'q1w2e3r4'],
  ...['q1w2e3r4t5', '1q2w3e4r', '1q2w3e4r5t', '1q2w3e4r5t6y', '1qaz2wsx', '1qazxsw2'],
  ...['zaq12wsx', 'zaq1zaq1', '12qwaszx', '123qweasd', 'qweasdzxc', 'qazwsxedc'],
  ...['asdfghjkl', 'asdf1234', 'zxcvbnm1', 'iloveyou', 'iloveyou1', 'sunshine'],
  ...['sunshine1', 'princess', 'princess1', 'football', 'football1', 'baseball'],
  ...['baseball1', 'basketball', 'superman', 'superman1', 'starwars', 'trustno1'],
  ...['whatever', 'computer', 'internet', 'michelle', 'jennifer', 'michael1'],
  ...['charlie1', 'jordan23', 'liverpool', 'chelsea1', 'arsenal1', 'blink182'],
  ...['welcome1', 'welcome123', 'letmein1', 'letmein123', 'admin123', 'administrator'],
  ...['changeme', 'master123', 'dragon123', 'monkey123', 'shadow123', 'football123'],
];

/** A flow's policy as the descriptor carries it: only the list entries long enough to matter. */
export function passwordPolicyFor({ minLength }: { minLength: number }): Required<PasswordPolicy> {
  return { minLength, common: COMMON_PASSWORDS.filter((p) => [...p].length >= minLength) };
}
