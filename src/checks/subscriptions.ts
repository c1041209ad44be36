// Step "subscriptions": the seven endpoints side by side.
import { endpointFindings, overallOf, rowOf } from '../diagnosis/endpoints.js';
import { fromFindings, type Check } from './check.js';

export const endpoints: Check = {
  id: 'subscriptions.endpoints',
  title: 'Subscriptions (the seven endpoints)',
  async run(s) {
    const probes = await s.probeAll();
    const overall = overallOf(probes);
    const rows = probes.map((p) => rowOf(p, overall));
    const findings = endpointFindings(probes);
    const ok = rows.filter((r) => r.status === 'ok').length;
    return fromFindings(this.id, this.title, findings, `All ${rows.length} endpoints answer with data.`, {
      ok,
      total: rows.length,
      missing: rows.filter((r) => r.status === 'missing').map((r) => r.resource),
    });
  },
};
