// Simulator knobs and named presets. The real server's error bodies and layout are not public,
// so each uncertain behaviour is a knob and presets pick plausible district set-ups.

export type Resource =
  | 'School'
  | 'Contact'
  | 'ContactAddress'
  | 'ContactPhone'
  | 'StudentContact'
  | 'Student'
  | 'UDRegUser';

export const RESOURCES: readonly Resource[] = [
  'School',
  'Contact',
  'ContactAddress',
  'ContactPhone',
  'StudentContact',
  'Student',
  'UDRegUser',
];

export type SimSignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256';

export interface SimConfig {
  consumerKey: string;
  consumerSecret: string;
  code: string;
  subscribed: Resource[];
  dob: 'on' | 'absent' | 'null' | 'empty' | 'partial';
  dobLabel: string;
  shape: 'array' | 'wrapper';
  pathStyle: 'eschoolplus' | 'flat';
  unsubscribedStatus: 401 | 403;
  errorStyle: 'generic' | 'oauth_problem';
  clockOffsetSec: number;
  timestampWindowSec: number;
  signatureMethods: SimSignatureMethod[];
  active: boolean;
  installed: boolean;
  latencyMs: number;
  paging: boolean;
  counts: { schools: number; students: number; contacts: number };
}

export interface Preset {
  name: string;
  summary: string;
  config: Partial<SimConfig>;
  vendorKey?: string;
  vendorSecret?: string;
}

/** Made up for the simulator; never a real credential. */
export const DEMO_SECRET = 'sim-demo-secret-not-real-4f9c';
export const DEMO_KEY = 'OneRoster_DEMO_001';

export function defaultConfig(): SimConfig {
  return {
    consumerKey: DEMO_KEY,
    consumerSecret: DEMO_SECRET,
    code: 'demo',
    subscribed: [...RESOURCES],
    dob: 'on',
    dobLabel: 'BirthDate',
    shape: 'array',
    pathStyle: 'eschoolplus',
    unsubscribedStatus: 401,
    errorStyle: 'generic',
    clockOffsetSec: 0,
    timestampWindowSec: 300,
    signatureMethods: ['HMAC-SHA1'],
    active: true,
    installed: true,
    latencyMs: 0,
    paging: false,
    counts: { schools: 4, students: 40, contacts: 60 },
  };
}

/**
 * The kind of mistake a person makes copying a secret from the API Profile: one character off.
 * Used so the wrong-secret preset stays wrong whatever secret the server is given.
 */
export function typo(secret: string): string {
  if (secret === '') return 'x';
  const last = secret[secret.length - 1]!;
  const swapped = last === 'c' ? 'd' : last === 'd' ? 'c' : last === '0' ? '1' : '0';
  return secret.slice(0, -1) + swapped;
}

const without = (...drop: Resource[]): Resource[] => RESOURCES.filter((r) => !drop.includes(r));

const list: Preset[] = [
  {
    name: 'healthy',
    summary: 'Set up as the vendor guide asks: all seven subscriptions, Date of Birth on, profile active.',
    config: {},
  },
  {
    name: 'demo',
    summary: 'A typical half-finished district: Contact and ContactPhone unsubscribed and Date of Birth not ticked.',
    config: { subscribed: without('Contact', 'ContactPhone'), dob: 'absent' },
  },
  {
    name: 'missing-subscriptions',
    summary: 'ContactPhone and UDRegUser are not ticked in the API Profile (401 on those endpoints).',
    config: { subscribed: without('ContactPhone', 'UDRegUser') },
  },
  {
    name: 'forbidden',
    summary: 'Like missing-subscriptions, but the server answers 403 for the unsubscribed endpoints.',
    config: { subscribed: without('ContactPhone', 'UDRegUser'), unsubscribedStatus: 403 },
  },
  {
    name: 'dob-off',
    summary: 'Date of Birth secure element not ticked: the field is absent from Student records.',
    config: { dob: 'absent' },
  },
  {
    name: 'dob-null',
    summary: 'Date of Birth secure element not ticked: the field is present but null.',
    config: { dob: 'null' },
  },
  {
    name: 'dob-partial',
    summary: 'Date of Birth ticked, but about one Student record in five has it empty.',
    config: { dob: 'partial' },
  },
  {
    name: 'wrong-secret',
    summary: 'The secret given to the vendor is one character off from the one in the API Profile.',
    config: {},
    vendorSecret: typo(DEMO_SECRET),
  },
  {
    name: 'unknown-key',
    summary: 'The consumer key given to the vendor does not exist on the server.',
    config: {},
    vendorKey: 'OneRoster_DEMO_010',
  },
  {
    name: 'clock-skew',
    summary: 'The server clock is 25 minutes ahead, so signed requests fall outside the timestamp window.',
    config: { clockOffsetSec: 1500 },
  },
  {
    name: 'sha256-profile',
    summary: 'The API Profile Signature Method is HMAC-SHA256; HMAC-SHA1 requests are rejected.',
    config: { signatureMethods: ['HMAC-SHA256'] },
  },
  {
    name: 'inactive',
    summary: 'The API Profile "Active" checkbox is off: correct signatures are still rejected.',
    config: { active: false },
  },
  {
    name: 'not-installed',
    summary: 'PLUS 360 is not set up on this Home Access Center host: every API path is an IIS 404 page.',
    config: { installed: false },
  },
  {
    name: 'wrapper',
    summary: 'Other server layout: wrapper object {"data":[…],"totalCount":N}, flat paths, field DateOfBirth.',
    config: { shape: 'wrapper', pathStyle: 'flat', dobLabel: 'DateOfBirth' },
  },
  {
    name: 'problem-reporting',
    summary: 'Healthy, but auth failures say why (oauth_problem in WWW-Authenticate and the body).',
    config: { errorStyle: 'oauth_problem' },
  },
  {
    name: 'slow',
    summary: 'Healthy but every response takes 1.5 s, as on an overloaded HAC server.',
    config: { latencyMs: 1500 },
  },
  {
    name: 'large',
    summary: 'Healthy district with 100,000 students and 150,000 contacts; limit/offset paging honoured.',
    config: { paging: true, counts: { schools: 60, students: 100_000, contacts: 150_000 } },
  },
];

export const PRESETS: Record<string, Preset> = Object.fromEntries(list.map((p) => [p.name, p]));
