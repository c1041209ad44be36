// Step "subscriptions": the seven endpoints side by side.
import { API_PROFILE_PATH } from '../catalog.js';
import { endpointFindings, subscriptionRows } from '../diagnosis/endpoints.js';
import { fromFindings, type Check } from './check.js';

export const endpoints: Check = {
  id: 'subscriptions.endpoints',
  title: 'Subscriptions (the seven endpoints)',
  async run(s) {
    const probes = await s.probeAll();
    const rows = subscriptionRows(probes);
    const findings = endpointFindings(probes);
    const missing = rows.filter((r) => r.status === 'missing');
    const r = fromFindings(this.id, this.title, findings, `All ${rows.length} endpoints answer with data.`, {
      ok: rows.filter((x) => x.status === 'ok').length,
      total: rows.length,
      missing: missing.map((x) => x.resource),
    });
    if (missing.length > 1) {
      // One line that names every box to tick, not only the first finding's.
      r.fix = `${API_PROFILE_PATH} > Subscriptions: tick ${missing.map((x) => `"${x.label}"`).join(' and ')}, then Save.`;
      r.detail = `${missing.length} of ${rows.length} endpoints are rejected while the others accept the same credentials: ${missing.map((x) => x.resource).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not subscribed.` +
        (findings.length > missing.length ? ' ' + findings.filter((f) => f.code !== 'SUBSCRIPTION_MISSING').map((f) => f.message).join(' ') : '');
    }
    return r;
  },
};
