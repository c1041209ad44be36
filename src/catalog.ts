// The PLUS 360 endpoints esp-doctor needs. Kept as data because the real paths are not public:
// each entry lists the path shapes tried, and --path-template overrides them per run.

export interface Endpoint {
  resource: string;
  /** The subscription checkbox exactly as the district sees it in the API Profile. */
  label: string;
  /** Lower = cheaper to read; the auth check uses the cheapest. */
  cost: number;
}

export const ENDPOINTS: readonly Endpoint[] = [
  { resource: 'School', label: 'Get eSchoolPLUS/School (v1)', cost: 1 },
  { resource: 'UDRegUser', label: 'Get eSchoolPLUS/UDRegUser (v1)', cost: 2 },
  { resource: 'Contact', label: 'Get eSchoolPLUS/Contact (v1)', cost: 3 },
  { resource: 'ContactAddress', label: 'Get eSchoolPLUS/ContactAddress (v1)', cost: 3 },
  { resource: 'ContactPhone', label: 'Get eSchoolPLUS/ContactPhone (v1)', cost: 3 },
  { resource: 'StudentContact', label: 'Get eSchoolPLUS/StudentContact (v1)', cost: 3 },
  { resource: 'Student', label: 'Get eSchoolPLUS/Student (v1)', cost: 4 },
];

/** Path templates tried in order; `{base}` ends with '/', `{resource}` is the catalog name. */
export const PATH_TEMPLATES: readonly string[] = ['{base}eSchoolPLUS/{resource}', '{base}{resource}'];

export const API_PROFILE_PATH =
  'eSchoolPLUS: Administration > Utilities > Integration > API Profile > (Consumer Key link)';
export const ADVANCED_SETTINGS_PATH = `${API_PROFILE_PATH} > Subscriptions > Get eSchoolPLUS/Student (v1) > View detail (API Profile Endpoint Advanced Settings)`;

export function endpointUrl(template: string, base: string, resource: string): string {
  const b = base.endsWith('/') ? base : base + '/';
  return template.replaceAll('{base}', b).replaceAll('{resource}', resource);
}

export function findEndpoint(resource: string): Endpoint | undefined {
  return ENDPOINTS.find((e) => e.resource.toLowerCase() === resource.toLowerCase());
}

export function cheapest(): Endpoint {
  return [...ENDPOINTS].sort((a, b) => a.cost - b.cost)[0]!;
}
