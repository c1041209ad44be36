// Which proxy (if any) a request to this URL goes through, following the usual environment variables.

function env(name: string): string | undefined {
  return process.env[name] || process.env[name.toLowerCase()] || undefined;
}

function bypassed(host: string, port: string): boolean {
  const list = env('NO_PROXY');
  if (!list) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return list.split(/[,\s]+/).filter(Boolean).some((raw) => {
    const entry = raw.toLowerCase();
    if (entry === '*') return true;
    const [eh, ep] = entry.split(':');
    if (ep && ep !== port) return false;
    const name = eh!.replace(/^\*?\./, '');
    return h === name || h.endsWith('.' + name);
  });
}

/** The proxy URL for this target, with any user:password removed for display. */
export function proxyFor(target: string): { url: string; display: string } | null {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return null;
  }
  const proxy = u.protocol === 'https:' ? env('HTTPS_PROXY') ?? env('HTTP_PROXY') : env('HTTP_PROXY');
  if (!proxy) return null;
  if (bypassed(u.hostname, u.port || (u.protocol === 'https:' ? '443' : '80'))) return null;
  let display = proxy;
  try {
    const p = new URL(proxy);
    p.username = p.username ? '***' : '';
    p.password = '';
    display = p.toString().replace(/\/$/, '');
  } catch {
    /* shown as given */
  }
  return { url: proxy, display };
}
